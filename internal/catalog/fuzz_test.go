package catalog_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/catalog"
)

// FuzzParseOSCAL checks that no input makes ParseOSCAL panic, that every
// error is an invalid-input error, and that every framework it returns
// validates. The seed corpus is testdata/oscal and testdata/fuzz.
func FuzzParseOSCAL(f *testing.F) {
	files, err := filepath.Glob("testdata/oscal/*.json")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"catalog": {"metadata": {"title": "t"}, "groups": [{"title": "g", "groups": [{"title": "h", "controls": [{"id": "c", "title": "c", "props": [{"name": "status", "value": "withdrawn"}]}]}]}]}}`))
	f.Add([]byte(`{"catalog": {"metadata": {"title": "t"}, "controls": [{"id": "a", "title": "a", "parts": [{"name": "statement", "prose": "{{ insert: param, p }} {{ x"}]}]}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		fw, err := catalog.ParseOSCAL("fuzz.json", bytes.NewReader(b), bound.Limits{Depth: 16, FieldBytes: 1024, Rows: 100 * catalog.Share})
		if err != nil {
			if code := vigil.ErrorCode(err); code != vigil.EINVALID {
				t.Fatalf("error code %q: %v", code, err)
			}
			return
		}
		if err := fw.Validate(); err != nil {
			t.Fatalf("framework does not validate: %v", err)
		}
		if err := catalog.New().Add(fw); err != nil {
			t.Fatalf("framework cannot be added: %v", err)
		}
	})
}
