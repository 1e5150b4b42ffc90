package classify

import (
	"bufio"
	"encoding/csv"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
)

func TestVendor(t *testing.T) {
	o, err := LoadOUI()
	if err != nil {
		t.Fatal(err)
	}
	if o.Len() < 40000 {
		t.Errorf("only %d prefixes embedded", o.Len())
	}
	tests := []struct{ mac, want string }{
		{"00:09:fb:12:34:56", "Philips Patient Monitoring"},  // /24
		{"00-1B-A9-00-00-01", "Brother industries, LTD."},    // /24, dashes and upper case
		{"0009.fb00.0001", "Philips Patient Monitoring"},     // Cisco dots
		{"20:85:93:b0:00:01", "IOG Products LLC"},            // /28 beats its /24
		{"20:85:93:f0:00:01", "IEEE Registration Authority"}, // the /24 when no /28 matches (F is private)
		{"70:b3:d5:f2:f0:01", "TELEPLATFORMS"},               // /36
		{"02:09:fb:12:34:56", ""},                            // locally administered (randomised)
		{"not a mac", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := o.Vendor(tt.mac); got != tt.want {
			t.Errorf("Vendor(%q) = %q, want %q", tt.mac, got, tt.want)
		}
	}
	if !strings.Contains(o.Source(), "ieee-data") {
		t.Errorf("source %q does not say where the table came from", o.Source())
	}
}

// TestVendorMatchesRegistry checks the embedded table against the IEEE files
// the machine has, when it has them: every MA-L prefix must resolve.
func TestVendorMatchesRegistry(t *testing.T) {
	f, err := os.Open("/usr/share/ieee-data/oui.csv")
	if err != nil {
		t.Skip("ieee-data is not installed:", err)
	}
	defer f.Close()
	o, err := LoadOUI()
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bufio.NewReader(f))
	r.FieldsPerRecord = -1
	checked, missing := 0, 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if rec[0] != "MA-L" || strings.EqualFold(strings.TrimSpace(rec[2]), "private") {
			continue
		}
		p := strings.ToLower(rec[1])
		mac := p[0:2] + ":" + p[2:4] + ":" + p[4:6] + ":00:00:00"
		if mac[1] == '2' || mac[1] == '3' || mac[1] == '6' || mac[1] == '7' || mac[1] == 'a' || mac[1] == 'b' || mac[1] == 'e' || mac[1] == 'f' {
			continue // locally administered bit set: Vendor says nothing on purpose
		}
		checked++
		if o.Vendor(mac) == "" {
			missing++
		}
	}
	// A newer ieee-data than the embedded table adds prefixes; a handful is fine.
	if checked == 0 || missing > checked/100 {
		t.Errorf("%d of %d MA-L prefixes unknown to the embedded table: regenerate it (go generate)", missing, checked)
	}
}

func TestParseOUIErrors(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"# header\n0009FB Philips\n", "t.tsv:2: want HEXPREFIX<TAB>Organization"},
		{"00Z9FB\tX\n", `t.tsv:1: prefix "00Z9FB" is not hexadecimal`},
		{"0009F\tX\n", `t.tsv:1: prefix "0009F" is not 6, 7 or 9 hex digits`},
	} {
		_, err := ParseOUI(strings.NewReader(tt.in), "t.tsv")
		if got := vigil.ErrorMessage(err); got != tt.want {
			t.Errorf("ParseOUI(%q): %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzVendor(f *testing.F) {
	o, err := LoadOUI()
	if err != nil {
		f.Fatal(err)
	}
	f.Add("00:09:fb:12:34:56")
	f.Add("70b3.d5f2.f001")
	f.Add("zz")
	f.Fuzz(func(t *testing.T, mac string) {
		v := o.Vendor(mac)
		if _, err := vigil.NormalizeMAC(mac); err != nil && v != "" {
			t.Fatalf("malformed MAC %q has vendor %q", mac, v)
		}
	})
}

func FuzzParseOUI(f *testing.F) {
	f.Add("# h\n0009FB\tPhilips\n208593B\tIOG\n70B3D5F2F\tTele\n")
	f.Add("\t\n")
	f.Fuzz(func(t *testing.T, in string) {
		o, err := ParseOUI(strings.NewReader(in), "fuzz.tsv")
		if err == nil {
			o.Vendor("00:09:fb:00:00:00")
		}
	})
}
