package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// formulaCells returns the cells of a CSV that a spreadsheet would run.
func formulaCells(t *testing.T, data string) []string {
	t.Helper()
	r := csv.NewReader(strings.NewReader(data))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("reading the CSV: %v\n%s", err, data)
	}
	var bad []string
	for _, row := range rows {
		for _, c := range row {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) && c != "-" && !strings.HasPrefix(c, "-1") {
				bad = append(bad, c)
			}
		}
	}
	return bad
}

// Finding 5: every CSV the CLI writes neutralises formulas that came in
// with an imported file.
func TestCLIExportsNeutraliseFormulas(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "v.db")
	a := filepath.Join(dir, "a.csv")
	b := filepath.Join(dir, "b.csv")
	os.WriteFile(a, []byte("asset_tag,serial,manufacturer,model,location\n"+
		"BME-1,S1,BD,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",@SUM(1+1)\n"+
		"BME-2,S2,Philips,+cmd|' /C calc'!A0,ICU\n"), 0o644)
	os.WriteFile(b, []byte("asset_tag,serial,manufacturer,model,location\n"+
		"BME-1,S1,BD,Alaris,-2+3+cmd|' /C calc'!A0\n"), 0o644)
	for _, args := range [][]string{{"--source", "cmms", a}, {"--source", "cmdb", b}} {
		if code, out, stderr := run(t, nil, append([]string{"import", "--db", db}, args...)...); code != 0 {
			t.Fatalf("import: %d %s %s", code, out, stderr)
		}
	}
	exports := map[string][]string{
		"inventory list":          {"inventory", "list", "--db", db, "--format", "csv"},
		"inventory discrepancies": {"inventory", "discrepancies", "--db", db, "--format", "csv"},
		"inventory conflicts":     {"inventory", "conflicts", "--db", db, "--format", "csv"},
	}
	for name, args := range exports {
		code, out, stderr := run(t, nil, args...)
		if code != 0 {
			if strings.Contains(stderr, "--format must be one of") {
				continue // this listing has no CSV
			}
			t.Fatalf("%s: %d %s", name, code, stderr)
		}
		if bad := formulaCells(t, out); len(bad) > 0 {
			t.Errorf("%s writes formulas: %q", name, bad)
		}
		if name == "inventory list" && !strings.Contains(out, `'=HYPERLINK(`) {
			t.Errorf("%s lost the neutralised value:\n%s", name, out)
		}
	}
	file := filepath.Join(dir, "inv.csv")
	if code, _, stderr := run(t, nil, "inventory", "export", "--db", db, "--out", file); code != 0 {
		t.Fatalf("inventory export: %s", stderr)
	}
	data, _ := os.ReadFile(file)
	if bad := formulaCells(t, string(data)); len(bad) > 0 || !bytes.Contains(data, []byte(`'@SUM(1+1)`)) {
		t.Errorf("inventory export writes formulas: %q\n%s", bad, data)
	}
}

// The table writer every --format csv goes through (risk, vulns, plan
// list and export, evaluate, attestations, evidence...) neutralises its
// cells and keeps plain numbers numeric.
func TestTableCSVNeutralisesFormulas(t *testing.T) {
	tb := &table{header: []string{"DEVICE", "SCORE", "NOTE"}}
	tb.add("=1+1", "-3.5", "@x")
	tb.add("ok", "7", "+cmd|' /C calc'!A0")
	var b bytes.Buffer
	if err := tb.writeCSV(&b); err != nil {
		t.Fatal(err)
	}
	want := "DEVICE,SCORE,NOTE\n'=1+1,-3.5,'@x\nok,7,'+cmd|' /C calc'!A0\n"
	if b.String() != want {
		t.Errorf("CSV = %q, want %q", b.String(), want)
	}
}
