package gudid

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/realdata"
)

func readAll(t *testing.T, s string) ([]*vigil.GUDIDDevice, error) {
	t.Helper()
	var out []*vigil.GUDIDDevice
	_, err := Read(strings.NewReader(s), "t.xml", bound.Limits{}, func(g *vigil.GUDIDDevice) error { out = append(out, g); return nil })
	return out, err
}

// TestSample reads openFDA's GUDID sample record.
func TestSample(t *testing.T) {
	f, err := os.Open(realdata.Path(t, "inventory", "fda-gudid", "gudid_device_test.xml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got []*vigil.GUDIDDevice
	n, err := Read(f, f.Name(), bound.Limits{}, func(g *vigil.GUDIDDevice) error { got = append(got, g); return nil })
	if err != nil || n != 1 {
		t.Fatalf("Read: %d, %v", n, err)
	}
	want := &vigil.GUDIDDevice{
		PrimaryDI: "00844588018923", Issuer: "GS1", PackageDIs: []string{"00844868017264"},
		Company: "CONSENSUS ORTHOPEDICS, INC.", Brand: "CS2 Acet. Cup Sys. - VitalitE", Model: "1107-0-3258",
		Catalog: "1107-0-3258", Description: "Acet. Insert, VitalitE", Status: "In Commercial Distribution", Version: 1,
		GMDNTerms: []string{"Non-constrained polyethylene acetabular liner", "Bone-screw internal spinal fixation system, non-sterile"},
	}
	if diff := cmp.Diff(want, got[0]); diff != "" {
		t.Errorf("sample (-want +got):\n%s", diff)
	}
}

func TestReadForms(t *testing.T) {
	// A delta release's shape: <gudid> root, several devices, a HIBCC DI
	// with its '+', the primary DI only as the deviceid attribute.
	doc := `<?xml version="1.0"?><gudid xmlns="http://www.fda.gov/cdrh/gudid">
<device><identifiers><identifier><deviceId>+H123PARTNO1230</deviceId><deviceIdType>Primary</deviceIdType><deviceIdIssuingAgency>HIBCC</deviceIdIssuingAgency></identifier></identifiers>
<companyName>  ACME
  MEDICAL </companyName><versionModelNumber>P-1</versionModelNumber></device>
<device deviceid="00844588018923"><companyName>B</companyName></device></gudid>`
	got, err := readAll(t, doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].PrimaryDI != "H123PARTNO1230" || got[0].Company != "ACME MEDICAL" || got[0].Issuer != "HIBCC" ||
		got[1].PrimaryDI != "00844588018923" {
		t.Errorf("records %+v %+v", got[0], got[1])
	}
}

func TestReadErrors(t *testing.T) {
	for _, c := range []struct {
		doc    string
		offset int64
		reason string
	}{
		{"", 0, "no <device> record"},
		{"<data></data>", 13, "no <device> record"},
		{"<data><device><companyName>A</companyName></device></data>", 6, "needs a primary DI"},
		{"<data><device deviceid='1'></device></data>", 6, "names no company"},
		{"<data><device deviceid='1'><companyName>A</companyName></device><device><brandName>x</bra", 89, "unexpected EOF"},
		{"<data><device deviceid='1'><companyName>A</companyName></devic></data>", 63, "closed by"},
	} {
		_, err := readAll(t, c.doc)
		var e *Error
		if !errors.As(err, &e) || e.Offset != c.offset || !strings.Contains(e.Reason, c.reason) {
			t.Errorf("Read(%q) = %v, want byte %d: ...%s...", c.doc, err, c.offset, c.reason)
		}
	}
	// fn's error stops the read and comes back as is.
	stop := errors.New("stop")
	n, err := Read(strings.NewReader("<d><device deviceid='1'><companyName>A</companyName></device><device deviceid='2'><companyName>B</companyName></device></d>"), "t.xml", bound.Limits{},
		func(*vigil.GUDIDDevice) error { return stop })
	if n != 1 || err != stop {
		t.Errorf("Read = %d, %v; want 1, stop", n, err)
	}
}

// TestReadLimits: each limit stops the read where it is met, with the
// error naming the file, the byte offset and the flag, and at the limit
// itself the file is read.
func TestReadLimits(t *testing.T) {
	dev := func(i int) string {
		return fmt.Sprintf("<device deviceid='%014d'><companyName>A</companyName></device>", i)
	}
	small := bound.Limits{Rows: 3, FieldBytes: 100, RecordBytes: 4096, Depth: 5, FileBytes: 1 << 20}
	for _, c := range []struct {
		name, doc, want string
	}{
		{"rows", "<gudid>" + dev(1) + dev(2) + dev(3) + dev(4) + "</gudid>",
			"t.xml: byte 220: more than 3 <device> records (the --max-rows limit"},
		{"depth", "<gudid><device deviceid='1'><a><b><c><d>", "t.xml: byte 37: XML nested more than 5 levels deep (the --max-depth limit"},
		{"attribute", "<gudid><device deviceid='" + strings.Repeat("1", 101) + "'>", "t.xml: byte 25: an XML attribute value of more than 100 bytes (the --max-field-bytes limit"},
		{"text", "<gudid><device><companyName>" + strings.Repeat("x", 200), "t.xml: byte 28: XML text of more than 100 bytes (the --max-field-bytes limit"},
		{"tag", "<gudid><device" + strings.Repeat(" a=''", 50) + ">", "t.xml: byte 7: an XML tag of more than 100 bytes (the --max-field-bytes limit"},
		{"comment", "<gudid><!--" + strings.Repeat("x", 200), "t.xml: byte 7: an XML comment of more than 100 bytes"},
		{"doctype", "<!DOCTYPE gudid [" + strings.Repeat("<!ENTITY a 'b'>", 20), "t.xml: byte 0: an XML declaration of more than 100 bytes"},
		{"record", "<gudid><device deviceid='1'>" + strings.Repeat("<companyName>A</companyName>", 1000) + "</device></gudid>",
			"t.xml: byte 7: a <device> record of more than 4 KiB (the --max-record-bytes limit"},
		{"file", "<gudid>" + dev(1) + strings.Repeat("<a/>", 300_000) + "</gudid>", "t.xml: a file of more than 1 MiB (the --max-file-bytes limit"},
	} {
		t.Run(c.name, func(t *testing.T) {
			n, err := Read(strings.NewReader(c.doc), "t.xml", small, func(*vigil.GUDIDDevice) error { return nil })
			le, ok := bound.AsLimitError(err)
			if !ok || vigil.ErrorCode(err) != vigil.EINVALID || !strings.HasPrefix(vigil.ErrorMessage(err), c.want) {
				t.Fatalf("Read = %d, %v (%v); want %q", n, err, le, c.want)
			}
		})
	}
	// At the limits, the file reads.
	doc := "<gudid><device deviceid='" + strings.Repeat("1", 14) + "'><a><b><c>" + strings.Repeat("x", 100) + "</c></b></a><companyName>A</companyName></device>" + dev(2) + dev(3) + "</gudid>"
	if n, err := Read(strings.NewReader(doc), "t.xml", small, func(*vigil.GUDIDDevice) error { return nil }); err != nil || n != 3 {
		t.Errorf("at the limits: %d, %v", n, err)
	}
}

// TestReadDefaults: the defaults stop a bomb small enough for a test
// (a deep file) and let a real-sized record through.
func TestReadDefaults(t *testing.T) {
	_, err := Read(strings.NewReader("<gudid>"+strings.Repeat("<device>", 100_000)), "t.xml", bound.Limits{}, func(*vigil.GUDIDDevice) error { return nil })
	if !strings.Contains(vigil.ErrorMessage(err), "--max-depth") {
		t.Errorf("deep: %v", err)
	}
	doc := "<gudid><device deviceid='1'><deviceDescription>" + strings.Repeat("x", 60<<10) + "</deviceDescription><companyName>A</companyName></device></gudid>"
	if n, err := Read(strings.NewReader(doc), "t.xml", bound.Limits{}, func(*vigil.GUDIDDevice) error { return nil }); err != nil || n != 1 {
		t.Errorf("60 KiB description: %d, %v", n, err)
	}
}

// FuzzRead holds Read to its contract: no panic, every error an *Error
// with an offset inside the input (or fn's) or a limit's error naming its
// flag, every record valid.
func FuzzRead(f *testing.F) {
	if b, err := os.ReadFile("../../../shared/realdata/inventory/fda-gudid/gudid_device_test.xml"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("<gudid><device deviceid='00844588018923'><companyName>A</companyName><identifiers><identifier><deviceId>1</deviceId></identifier></identifiers></device></gudid>"))
	f.Add([]byte("<data><device>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := Read(strings.NewReader(string(b)), "fuzz.xml", bound.Limits{Depth: 8, FieldBytes: 64, RecordBytes: 512, Rows: 4}, func(g *vigil.GUDIDDevice) error {
			if err := g.Validate(); err != nil {
				t.Fatalf("invalid record %+v: %v", g, err)
			}
			return nil
		})
		if err == nil {
			return
		}
		if _, ok := bound.AsLimitError(err); ok {
			if msg := vigil.ErrorMessage(err); len(msg) > bound.MaxMessage+3 || !strings.Contains(msg, "--max-") {
				t.Fatalf("limit error %q", msg)
			}
			return
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Fatalf("Read: %v is not an *Error", err)
		}
		if e.Offset < 0 || e.Offset > int64(len(b)) {
			t.Fatalf("offset %d outside 0..%d", e.Offset, len(b))
		}
	})
}
