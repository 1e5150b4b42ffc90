package gudid

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/realdata"
)

func readAll(t *testing.T, s string) ([]*vigil.GUDIDDevice, error) {
	t.Helper()
	var out []*vigil.GUDIDDevice
	_, err := Read(strings.NewReader(s), func(g *vigil.GUDIDDevice) error { out = append(out, g); return nil })
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
	n, err := Read(f, func(g *vigil.GUDIDDevice) error { got = append(got, g); return nil })
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
	n, err := Read(strings.NewReader("<d><device deviceid='1'><companyName>A</companyName></device><device deviceid='2'><companyName>B</companyName></device></d>"),
		func(*vigil.GUDIDDevice) error { return stop })
	if n != 1 || err != stop {
		t.Errorf("Read = %d, %v; want 1, stop", n, err)
	}
}

// TestReadLong refuses a record past the bound without reading it whole.
func TestReadLong(t *testing.T) {
	doc := "<data><device deviceid='1'><companyName>" + strings.Repeat("x", maxDevice+10000) + "</companyName></device></data>"
	_, err := readAll(t, doc)
	var e *Error
	if !errors.As(err, &e) || !strings.Contains(e.Reason, "longer than") {
		t.Errorf("Read: %v", err)
	}
}

// FuzzRead holds Read to its contract: no panic, every error an *Error
// with an offset inside the input (or fn's), every record valid.
func FuzzRead(f *testing.F) {
	if b, err := os.ReadFile("../../../shared/realdata/inventory/fda-gudid/gudid_device_test.xml"); err == nil {
		f.Add(b)
	}
	f.Add([]byte("<gudid><device deviceid='00844588018923'><companyName>A</companyName><identifiers><identifier><deviceId>1</deviceId></identifier></identifiers></device></gudid>"))
	f.Add([]byte("<data><device>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := Read(strings.NewReader(string(b)), func(g *vigil.GUDIDDevice) error {
			if err := g.Validate(); err != nil {
				t.Fatalf("invalid record %+v: %v", g, err)
			}
			return nil
		})
		if err == nil {
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
