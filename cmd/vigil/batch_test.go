package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A manifest import gives the same inventory as importing its sources one
// by one, in one transaction; a broken file in it writes nothing.
func TestImportBatchEndToEnd(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := run(t, nil, "gen", "--out", dir, "--devices", "150", "--seed", "11"); code != 0 {
		t.Fatalf("gen: %s", stderr)
	}
	manifest := filepath.Join(dir, "nightly.yaml")
	os.WriteFile(manifest, []byte(`sources:
  - name: cmms
    role: clinical-engineering
    files: [cmms_clinical_engineering.csv]
  - name: cmdb
    role: it
    sheet: cmdb_ci
    files: [it_cmdb.xlsx]
  - name: nmap
    files: [nmap_scan.xml]
`), 0o644)
	inventory := func(db string) string {
		t.Helper()
		code, out, stderr := run(t, nil, "inventory", "list", "--db", db, "--format", "csv")
		if code != 0 {
			t.Fatalf("inventory list: %s", stderr)
		}
		return out
	}

	batchDB := filepath.Join(dir, "batch.db")
	code, out, stderr := run(t, nil, "import", "--db", batchDB, "--batch", manifest)
	if code != 0 {
		t.Fatalf("import --batch: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{`as source "cmms"`, `as source "cmdb"`, `as source "nmap"`, "inventory now"} {
		if !strings.Contains(out, want) {
			t.Errorf("import --batch output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "nmap_scan.xml")); err != nil {
		t.Fatal(err)
	}
	oneDB := filepath.Join(dir, "one.db")
	for _, args := range [][]string{
		{"--source", "cmms", "--role", "clinical-engineering", filepath.Join(dir, "cmms_clinical_engineering.csv")},
		{"--source", "cmdb", "--role", "it", "--sheet", "cmdb_ci", filepath.Join(dir, "it_cmdb.xlsx")},
		{"--source", "nmap", filepath.Join(dir, "nmap_scan.xml")},
	} {
		if code, _, stderr := run(t, nil, append([]string{"import", "--db", oneDB}, args...)...); code != 0 {
			t.Fatalf("import %v: %s", args, stderr)
		}
	}
	if got, want := inventory(batchDB), inventory(oneDB); got != want {
		t.Errorf("the batch import's inventory differs from three single imports'")
	}
	// Again: nothing changed.
	if code, out, _ := run(t, nil, "import", "--db", batchDB, "--batch", manifest); code != 0 || strings.Count(out, "0 added, 0 changed, 0 removed") != 3 {
		t.Errorf("re-import: exit %d\n%s", code, out)
	}

	// A broken workbook in the manifest: one error naming it, nothing written.
	os.WriteFile(filepath.Join(dir, "broken.xlsx"), []byte("PK\x03\x04 not a workbook"), 0o644)
	os.WriteFile(manifest, []byte("sources:\n  - name: cmms\n    files: [cmms_clinical_engineering.csv]\n  - name: it\n    files: [broken.xlsx]\n"), 0o644)
	freshDB := filepath.Join(dir, "fresh.db")
	code, _, stderr = run(t, nil, "import", "--db", freshDB, "--batch", manifest)
	oneErrorLine(t, code, stderr, "broken.xlsx")
	if _, err := os.Stat(freshDB); err == nil {
		t.Error("a failed batch created the database")
	}

	// Manifest mistakes are named.
	for body, want := range map[string]string{
		"sources:\n  - files: [a.csv]\n":                                       "has no name",
		"sources:\n  - name: a\n":                                              "lists no files",
		"sources:\n  - name: a\n    files: [a]\n  - name: a\n    files: [b]\n": "listed twice",
		"sources:\n  - name: a\n    file: [a.csv]\n":                           "field file not found",
	} {
		os.WriteFile(manifest, []byte(body), 0o644)
		code, _, stderr := run(t, nil, "import", "--db", freshDB, "--batch", manifest)
		oneErrorLine(t, code, stderr, want)
	}
}
