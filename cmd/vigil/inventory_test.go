package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestImportInventoryEndToEnd(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "vigil.db")
	if code, _, stderr := run(t, nil, "gen", "--out", dir, "--devices", "120", "--seed", "7"); code != 0 {
		t.Fatalf("gen: %s", stderr)
	}
	mapFile := filepath.Join(dir, "cmms-map.yaml")
	os.WriteFile(mapFile, []byte("columns:\n  \"Equipment ID\": ignore\n  \"Control Number\": asset_tag\n"), 0o644)

	code, out, stderr := run(t, nil, "import", "--dry-run", "--source", "cmms", "--map", mapFile, filepath.Join(dir, "cmms_clinical_engineering.csv"))
	if code != 0 || !strings.Contains(out, "map-file") || !strings.Contains(out, "nothing written") {
		t.Fatalf("dry run: exit %d\n%s\n%s", code, out, stderr)
	}
	if _, err := os.Stat(db); err == nil {
		t.Fatal("a dry run created the database")
	}
	imp := func(args ...string) string {
		t.Helper()
		code, out, stderr := run(t, nil, append([]string{"import", "--db", db}, args...)...)
		if code != 0 {
			t.Fatalf("import %v: exit %d\n%s", args, code, stderr)
		}
		return out
	}
	imp("--source", "cmms", "--role", "clinical-engineering", "--map", mapFile, filepath.Join(dir, "cmms_clinical_engineering.csv"))
	imp("--source", "cmdb", "--role", "it", "--sheet", "cmdb_ci", filepath.Join(dir, "it_cmdb.xlsx"))
	imp("--source", "nmap", filepath.Join(dir, "nmap_scan.xml"))
	// The same file again changes nothing.
	if out := imp("--source", "cmms", "--map", mapFile, filepath.Join(dir, "cmms_clinical_engineering.csv")); !strings.Contains(out, "0 added, 0 changed, 0 removed") {
		t.Errorf("re-import: %s", out)
	}
	// A corrupt file is refused with its name, and changes nothing.
	bad := filepath.Join(dir, "broken.xlsx")
	os.WriteFile(bad, []byte("PK\x03\x04 this is not a workbook"), 0o644)
	code, _, stderr = run(t, nil, "import", "--db", db, "--source", "cmdb", bad)
	oneErrorLine(t, code, stderr, "broken.xlsx")

	code, out, stderr = run(t, nil, "inventory", "discrepancies", "--db", db, "--format", "json")
	if code != 0 {
		t.Fatalf("discrepancies: %s", stderr)
	}
	var rep struct {
		Discrepancies []map[string]json.RawMessage `json:"discrepancies"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("discrepancies JSON: %v", err)
	}
	kinds := map[string]int{}
	for _, d := range rep.Discrepancies {
		var k string
		json.Unmarshal(d["kind"], &k)
		kinds[k]++
		for _, key := range []string{"kind", "device", "sources"} {
			if _, ok := d[key]; !ok {
				t.Fatalf("a discrepancy lacks %q: %v", key, d)
			}
		}
	}
	for _, k := range []string{"missing-from-source", "field-conflict"} {
		if kinds[k] == 0 {
			t.Errorf("no %s discrepancy in the generated hospital (%v)", k, kinds)
		}
	}
	// The CSV has a header and a row a discrepancy; one hospital's are some
	// of them.
	code, out, stderr = run(t, nil, "inventory", "discrepancies", "--db", db, "--format", "csv")
	if n := strings.Count(out, "\n"); code != 0 || n != len(rep.Discrepancies)+1 {
		t.Fatalf("discrepancies CSV: exit %d, %d lines for %d discrepancies: %s", code, n, len(rep.Discrepancies), stderr)
	}
	code, out, stderr = run(t, nil, "inventory", "discrepancies", "--db", db, "--format", "csv", "--site", "1")
	if n := strings.Count(out, "\n"); code != 0 || n < 2 || n > len(rep.Discrepancies)+1 {
		t.Errorf("one hospital's discrepancies: exit %d, %d lines: %s", code, n, stderr)
	}
	if code, _, _ := run(t, nil, "inventory", "discrepancies", "--db", db, "--site", "St. Brigid"); code != 2 {
		t.Errorf("--site with a name: exit %d, want 2", code)
	}
	for _, format := range []string{"table", "csv", "json"} {
		if code, _, stderr := run(t, nil, "inventory", "list", "--db", db, "--format", format, "--type", "infusion-pump"); code != 0 {
			t.Errorf("inventory list --format %s: %s", format, stderr)
		}
	}
	code, out, _ = run(t, nil, "inventory", "show", "1", "--db", db)
	if code != 0 || !strings.Contains(out, "EVERY SOURCE") {
		t.Errorf("inventory show: %s", out)
	}
	if code, _, stderr := run(t, nil, "inventory", "export", "--db", db, "--out", filepath.Join(dir, "inv.csv")); code != 0 {
		t.Errorf("export: %s", stderr)
	}
	// The exports, written as the devices are read, hold every device once.
	code, out, _ = run(t, nil, "inventory", "list", "--db", db, "--format", "json", "--limit", "1")
	var listed struct{ Total int }
	if err := json.Unmarshal([]byte(out), &listed); code != 0 || err != nil || listed.Total == 0 {
		t.Fatalf("list: exit %d, %v", code, err)
	}
	csvOut, _ := os.ReadFile(filepath.Join(dir, "inv.csv"))
	if n := strings.Count(string(csvOut), "\n"); n != listed.Total+1 {
		t.Errorf("the CSV export has %d lines for %d devices", n, listed.Total)
	}
	code, out, _ = run(t, nil, "inventory", "export", "--db", db, "--format", "json")
	var exported struct {
		ExportedAt time.Time `json:"exported_at"`
		Devices    []struct{ ID int64 }
	}
	if err := json.Unmarshal([]byte(out), &exported); code != 0 || err != nil || len(exported.Devices) != listed.Total || exported.ExportedAt.IsZero() {
		t.Errorf("JSON export: exit %d, %v, %d devices of %d", code, err, len(exported.Devices), listed.Total)
	}
	if code, out, _ := run(t, nil, "audit-log", "verify", "--db", db); code != 0 {
		t.Errorf("audit trail after imports: %s", out)
	}
}

func TestDiscoverEndToEnd(t *testing.T) {
	pcap := filepath.Join("..", "..", "internal", "dissect", "testdata", "dicom_any_ae.pcap")
	code, out, stderr := run(t, nil, "discover", "--pcap", pcap, "--format", "json")
	if code != 0 {
		t.Fatalf("discover: %s", stderr)
	}
	var rep struct {
		Devices []struct {
			MAC      string          `json:"mac"`
			IPs      []string        `json:"ips"`
			DICOM    json.RawMessage `json:"dicom"`
			Findings []struct{ Code string }
		} `json:"devices"`
		Flows []json.RawMessage `json:"flows"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("discover JSON: %v", err)
	}
	anyAE := false
	for _, d := range rep.Devices {
		for _, f := range d.Findings {
			anyAE = anyAE || f.Code == "dicom-any-ae"
		}
	}
	if len(rep.Devices) == 0 || len(rep.Flows) == 0 || !anyAE {
		t.Fatalf("discover report: %d devices, %d flows, dicom-any-ae %v", len(rep.Devices), len(rep.Flows), anyAE)
	}
	db := filepath.Join(t.TempDir(), "v.db")
	code, _, stderr = run(t, nil, "discover", "--pcap", pcap, "--import", "--db", db, "--format", "table", "--clinical-vlans", "10,20")
	if code != 0 || !strings.Contains(stderr, "recorded discovery run 1") {
		t.Fatalf("discover --import: exit %d: %s", code, stderr)
	}
	code, out, _ = run(t, nil, "inventory", "discrepancies", "--db", db, "--kind", "unmanaged", "--format", "json")
	if code != 0 || !strings.Contains(out, `"unmanaged"`) {
		t.Errorf("devices seen only on the wire are not unmanaged: %s", out)
	}
	code, _, stderr = run(t, nil, "discover", "--pcap", filepath.Join(t.TempDir(), "missing.pcap"))
	oneErrorLine(t, code, stderr, "missing.pcap")
	code, _, stderr = run(t, nil, "discover", "--pcap", pcap, "--clinical-subnets", "10.0.0.0/33")
	if code != 2 {
		t.Errorf("bad subnet: exit %d %s", code, stderr)
	}
}
