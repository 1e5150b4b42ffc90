package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestVendorsOnDemo imports the demo hospital's CMMS export (and not its
// vendor side, which the demo loads itself), imports a vendor list, adds
// agreements (one expired, one expiring, one current) and a certification,
// and checks that vendors expiring names exactly the gaps of the vendors
// whose devices touch ePHI.
func TestVendorsOnDemo(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			db := storetest.DSN(t, engine)
			vigil := func(args ...string) string {
				t.Helper()
				code, out, stderr := run(t, nil, append(args, "--db", db)...)
				if code != 0 {
					t.Fatalf("vigil %s: exit %d\n%s%s", strings.Join(args, " "), code, out, stderr)
				}
				return out
			}
			if code, out, stderr := run(t, nil, "gen", "--out", dir, "--devices", "150"); code != 0 {
				t.Fatalf("gen: exit %d\n%s%s", code, out, stderr)
			}
			if code, out, stderr := run(t, nil, "import", "--source", "cmms", "--db", db, filepath.Join(dir, "cmms_clinical_engineering.csv")); code != 0 {
				t.Fatalf("import: exit %d\n%s%s", code, out, stderr)
			}
			list := filepath.Join(dir, "my_vendors.csv")
			csv := "Vendor;Type;AKA;Contact;Email\nGE HealthCare;Manufacturer;GE Medical Systems;Service desk;service@example.com\nPhilips;OEM;Philips Medical Systems;;\nBaxter;;Baxter Healthcare;;\n"
			if err := os.WriteFile(list, []byte(csv), 0o600); err != nil {
				t.Fatal(err)
			}
			if out := vigil("vendors", "import", list); !strings.Contains(out, "3 added") {
				t.Errorf("import: %s", out)
			}
			vigil("vendors", "add", "Crothall Healthcare", "--kind", "service-provider", "--model", "Sigma Spectrum")
			day := func(n int) string { return time.Now().UTC().AddDate(0, 0, n).Format("2006-01-02") }
			vigil("vendors", "baa", "add", "GE", "--signed", day(-400), "--expires", day(700), "--service", "remote service", "--data", "ePHI")
			vigil("vendors", "baa", "add", "philips", "--signed", day(-800), "--expires", day(-10))
			vigil("vendors", "baa", "add", "Baxter", "--signed", day(-300), "--renewal", day(30))
			vigil("vendors", "cert", "add", "GE", "--kind", "iso27001", "--issuer", "BSI", "--expires", day(365))
			if code, _, stderr := run(t, nil, "vendors", "cert", "add", "GE", "--kind", "pci", "--issuer", "x", "--expires", day(3), "--db", db); code == 0 || !strings.Contains(stderr, "unknown certification kind") {
				t.Errorf("a bad kind: exit %d, %s", code, stderr)
			}

			ephi := map[string]int{}
			for _, name := range []string{"GE HealthCare", "Philips", "Baxter", "Crothall Healthcare"} {
				var p struct {
					Vendor struct{ Name string }
					Risk   struct {
						Tier    string
						Devices int
						EPHI    int `json:"ephi"`
					}
				}
				if err := json.Unmarshal([]byte(vigil("vendors", "show", name, "--format", "json")), &p); err != nil {
					t.Fatal(err)
				}
				if p.Risk.Devices == 0 || p.Risk.Tier == "none" {
					t.Errorf("%s: the demo has %d of its devices, tier %s", name, p.Risk.Devices, p.Risk.Tier)
				}
				ephi[name] = p.Risk.EPHI
			}
			want := map[string]bool{}
			for name, items := range map[string][]string{
				"GE HealthCare":       nil,
				"Philips":             {"baa expired", "certification missing"},
				"Baxter":              {"baa expiring", "certification missing"},
				"Crothall Healthcare": {"baa missing", "certification missing"},
			} {
				for _, it := range items {
					if ephi[name] > 0 {
						want[name+" "+it] = true
					}
				}
			}
			var gaps []struct{ Vendor, Item, Status string }
			if err := json.Unmarshal([]byte(vigil("vendors", "expiring", "--within", "60d", "--format", "json")), &gaps); err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, g := range gaps {
				got[g.Vendor+" "+g.Item+" "+g.Status] = true
			}
			if len(got) != len(want) || len(want) == 0 {
				t.Errorf("expiring: %v, want %v", got, want)
			}
			for k := range want {
				if !got[k] {
					t.Errorf("expiring lacks %q: %v", k, got)
				}
			}
			if out := vigil("vendors", "list"); !strings.Contains(out, "Crothall Healthcare") || !strings.Contains(out, "TIER") {
				t.Errorf("list:\n%s", out)
			}
			if out := vigil("vendors", "expiring", "--within", "10d"); strings.Contains(out, "expiring") && strings.Contains(out, "Baxter") && strings.Contains(out, day(30)) {
				t.Errorf("a renewal 30 days out is listed within 10 days:\n%s", out)
			}
		})
	}
}
