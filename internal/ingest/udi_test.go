package ingest

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/udi"
)

var udiSeed = flag.Uint64("ingest.udiseed", 0, "seed for TestUDIColumn (0: from the clock)")

// TestUDIColumn imports a CMMS export whose UDI column holds random UDIs of
// every issuer in the forms labels print them, and an EUI-64 column: each
// value is kept in its canonical form, and an unreadable UDI is reported as
// a dropped value naming file, line and the byte it fails at.
func TestUDIColumn(t *testing.T) {
	seed := *udiSeed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d (rerun with -ingest.udiseed=%d)", seed, seed)
	rng := rand.New(rand.NewPCG(seed, 4))
	var b strings.Builder
	b.WriteString("Control Number,Unique Device Identifier,EUI-64,Model\n")
	type row struct{ canon, key, eui string }
	var want []row
	issuers := []vigil.UDIIssuer{vigil.UDIIssuerGS1, vigil.UDIIssuerHIBCC, vigil.UDIIssuerICCBBA}
	for i := 0; i < 200; i++ {
		u := udi.Random(rng, issuers[i%3])
		canon, err := udi.Format(u)
		if err != nil {
			t.Fatal(err)
		}
		cell := canon
		if u.Issuer == vigil.UDIIssuerHIBCC && i%2 == 0 {
			cell = "*" + strings.ReplaceAll(canon, " ", "_") + "*" // as the caption prints it
		}
		eui := fmt.Sprintf("%016X", rng.Uint64()|1)
		norm, _ := vigil.NormalizeEUI64(eui)
		fmt.Fprintf(&b, "CE%05d,%s,%s,MX450\n", i, csvQuote(cell), eui)
		want = append(want, row{canon, u.Key(), norm})
	}
	// Line 202: a GTIN with a wrong check digit. Line 203: no UDI at all.
	b.WriteString("CE99998,(01)00844588018924(21)X,,MX450\n")
	b.WriteString("CE99999,,,MX450\n")
	res, err := Parse(context.Background(), "cmms.csv", []byte(b.String()), Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range res.Mapping {
		if m.Header == "Unique Device Identifier" && m.Field != vigil.FieldUDI || m.Header == "EUI-64" && m.Field != vigil.FieldEUI64 {
			t.Errorf("column %q maps to %q", m.Header, m.Field)
		}
	}
	if len(res.Records) != 202 {
		t.Fatalf("%d records, want 202", len(res.Records))
	}
	for i, w := range want {
		r := res.Records[i]
		if got := r.Get(vigil.FieldUDI); got != w.canon || udi.KeyOf(got) != w.key {
			t.Errorf("row %d: udi %q, want %q (key %q)", i, got, w.canon, w.key)
		}
		if got := r.Get(vigil.FieldEUI64); got != w.eui {
			t.Errorf("row %d: eui64 %q, want %q", i, got, w.eui)
		}
	}
	if v := res.Records[200].Get(vigil.FieldUDI); v != "" {
		t.Errorf("the bad UDI was kept as %q", v)
	}
	if len(res.Warnings) != 1 {
		t.Fatalf("warnings %v, want one", res.Warnings)
	}
	w := res.Warnings[0].Error()
	if !strings.HasPrefix(w, "cmms.csv:202: ") || !strings.Contains(w, "not a UDI: byte 17: GTIN check digit is 4, want 3") ||
		!strings.Contains(w, "value dropped") {
		t.Errorf("warning %q", w)
	}
	if strings.Contains(w, "00844588018924") {
		t.Errorf("the warning quotes the value: %q", w)
	}
}

// TestUDIByContent maps an unlabelled column of UDI carriers by its values.
func TestUDIByContent(t *testing.T) {
	data := "Tag,Col 2\nA1,(01)00844588018923(21)S1\nA2,(01)00844588018923(21)S2\nA3,\"=/W4146EB0010T0475=,000025\"\n"
	res, err := Parse(context.Background(), "x.csv", []byte(data), Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if f := res.Mapping[1].Field; f != vigil.FieldUDI {
		t.Errorf("Col 2 maps to %q, want udi", f)
	}
}

func csvQuote(s string) string {
	if strings.ContainsAny(s, ",\"\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}
