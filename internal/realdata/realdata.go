// Package realdata finds the project's shared real public data
// (shared/realdata: captures, advisories, SBOMs, schemas, catalogs) for
// tests: it walks up from the test's directory, and skips the test cleanly
// where the data is absent. The data is never copied into the project.
package realdata

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
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

// Files hands fn each regular file under dir whose name ends in one of
// exts, opened, in lexical order, and returns how many it handed. A file
// that cannot be opened fails the test.
func Files(tb testing.TB, dir string, exts []string, fn func(path string, f *os.File)) int {
	tb.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !slices.ContainsFunc(exts, func(e string) bool { return strings.HasSuffix(p, e) }) {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		fn(p, f)
		n++
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}
