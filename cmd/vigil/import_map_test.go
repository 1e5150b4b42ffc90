package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportReportsUnmappedAndWritesMap: a plain import reports the columns
// that map to nothing; a dry run writes a map file that, edited and passed
// back, imports them.
func TestImportReportsUnmappedAndWritesMap(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "ce.csv")
	body := "Equip #,Mfr,S/N,SW Rev,VLAN Id,Last PM,Next PM Due,Cost Ctr,Budget Holder,Comments\n" +
		"E-1,GE Healthcare,SN1,2.01.5,140,2025-01-03,2026-01-03,CC-4410,Dr X,ok\n"
	if err := os.WriteFile(csv, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "v.db")
	code, out, stderr := run(t, nil, "import", "--db", db, "--source", "ce", csv)
	if code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, out, stderr)
	}
	if !strings.Contains(stderr, `ce.csv: 2 column(s) map to no field and are not imported: "Budget Holder", "Comments"`) {
		t.Errorf("import does not report the unmapped columns:\n%s", stderr)
	}
	mapFile := filepath.Join(dir, "map.yaml")
	if code, out, stderr := run(t, nil, "import", "--source", "ce", "--dry-run", "--write-map", mapFile, csv); code != 0 || !strings.Contains(out, "wrote the column map") {
		t.Fatalf("dry run: exit %d\n%s%s", code, out, stderr)
	}
	data, err := os.ReadFile(mapFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"SW Rev": firmware`, `"VLAN Id": vlan`, `"Last PM": last_pm`, `"Next PM Due": next_pm`, `"Cost Ctr": cost_center`, `"Comments": ignore`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("map file lacks %s:\n%s", want, data)
		}
	}
	edited := strings.Replace(string(data), `"Budget Holder": ignore`, `"Budget Holder": owner_team`, 1)
	if err := os.WriteFile(mapFile, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr = run(t, nil, "import", "--db", db, "--source", "ce", "--map", mapFile, csv)
	if code != 0 || strings.Contains(stderr, "not imported") {
		t.Fatalf("import with the map: exit %d\n%s%s", code, out, stderr)
	}
	_, show, _ := run(t, nil, "inventory", "show", "--db", db, "E-1")
	for _, want := range []string{"owner_team", "Dr X", "vlan", "140", "next_pm", "2026-01-03", "cost_center", "CC-4410"} {
		if !strings.Contains(show, want) {
			t.Errorf("inventory show lacks %q:\n%s", want, show)
		}
	}
	if code, _, stderr := run(t, nil, "import", "--source", "ce", "--write-map", mapFile, csv); code != 2 || !strings.Contains(stderr, "--dry-run") {
		t.Errorf("--write-map without --dry-run: exit %d, %s", code, stderr)
	}
}
