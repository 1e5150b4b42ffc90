// Package realdata finds the project's shared real public data
// (shared/realdata: captures, advisories, SBOMs, schemas, catalogs) for
// tests: it walks up from the test's directory, and skips the test cleanly
// where the data is absent. The data is never copied into the project.
package realdata

import (
	"os"
	"path/filepath"
	"testing"
)

// Path returns the path of a file or directory under shared/realdata,
// found by walking up from the working directory (the package's, under go
// test), or skips the test when it is not there.
func Path(tb testing.TB, parts ...string) string {
	tb.Helper()
	rel := filepath.Join(parts...)
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		p := filepath.Join(dir, "shared", "realdata", rel)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Skipf("shared/realdata/%s not found above %s; skipping", filepath.ToSlash(rel), dir)
		}
		dir = parent
	}
}
