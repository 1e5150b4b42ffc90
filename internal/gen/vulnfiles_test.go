package gen

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigil-health/vigil/internal/feeds"
	"github.com/vigil-health/vigil/internal/sbom"
)

// TestVulnFilesParse reads every SBOM, advisory and feed file the Vulns
// extra writes with the real parsers.
func TestVulnFilesParse(t *testing.T) {
	h, _ := Generate(Options{Seed: 1, Devices: 600})
	dir := t.TempDir()
	if _, err := h.WriteFiles(dir, Vulns{}); err != nil {
		t.Fatal(err)
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	more, _ := filepath.Glob(filepath.Join(dir, "feeds", "*", "*.json"))
	paths = append(paths, more...)
	if len(paths) < 20 {
		t.Fatalf("only %d files written", len(paths))
	}
	kinds := map[string]int{}
	for _, p := range paths {
		f, _ := os.Open(p)
		if filepath.Base(filepath.Dir(p)) == "sbom" {
			s, err := sbom.Parse(context.Background(), p, f)
			if err != nil {
				t.Errorf("%s: %v", p, err)
			} else {
				if s.Manufacturer == "" || s.Model == "" || s.Firmware == "" || len(s.Components) == 0 {
					t.Errorf("%s: SBOM not attached to a model: %+v", p, s)
				}
				kinds["sbom"]++
			}
		} else {
			b, err := feeds.Parse(context.Background(), p, f)
			if err != nil {
				t.Errorf("%s: %v", p, err)
			} else {
				kinds[string(b.Format)]++
			}
		}
		f.Close()
	}
	for _, k := range []string{"sbom", "csaf-2.0", "cve-json-5", "osv", "kev-json"} {
		if kinds[k] == 0 {
			t.Errorf("no %s file parsed (%v)", k, kinds)
		}
	}
}
