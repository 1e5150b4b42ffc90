package exposure_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/exposure"
)

// TestRealDataDefaultLimits: every real feed and SBOM of the shared data
// reads under the default limits, the largest (the KEV catalog, 1.2 MB; a
// 2.2 MB CycloneDX SBOM) among them.
func TestRealDataDefaultLimits(t *testing.T) {
	root := filepath.Join("..", "..", "..", "shared", "realdata")
	n := 0
	for _, area := range []string{"vuln", "sbom"} {
		dir := filepath.Join(root, area)
		if _, err := os.Stat(dir); err != nil {
			t.Skipf("real data not present: %v", err)
		}
		err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			ext := filepath.Ext(p)
			if err != nil || d.IsDir() || strings.Contains(p, "invalid-") || ext != ".json" && ext != ".csv" && ext != ".xml" && ext != ".spdx" {
				return err
			}
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			if _, err := exposure.ReadFeedFileLimits(context.Background(), filepath.Base(p), f, bound.Default()); err != nil {
				t.Errorf("%s: %v", p, err)
			}
			n++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d real feeds and SBOMs read under the default limits", n)
}
