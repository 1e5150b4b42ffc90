package main

import (
	"encoding/json"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

// writeITWorkbook writes the IT CMDB fixture: the same devices as
// testdata/ce_inventory.csv under other headers and MAC notations, with one
// firmware conflict, one device IT alone lists and two it lacks.
func writeITWorkbook(t *testing.T, path string) {
	t.Helper()
	f := excelize.NewFile()
	f.SetSheetName("Sheet1", "cmdb_ci")
	rows := [][]any{
		{"Asset Tag", "Serial Number", "MAC", "Host Name", "IP Address", "Manufacturer", "Model", "Firmware"},
		{"CE-1001", "S1001", "0011.2233.4401", "pump-1001", "10.1.0.1", "Becton Dickinson", "Alaris 8015", "12.1.2"},
		{"CE-1002", "S1002", "00:11:22:33:44:02", "mon-1002", "10.1.0.2", "Philips Healthcare", "IntelliVue MX800", "M.00.03"},
		{"CE-1004", "S1004", "001122334404", "pump-1004", "10.1.0.4", "Baxter", "Sigma Spectrum", "8.00.01"},
		{"IT-2001", "SRV-9", "00:11:22:33:44:99", "pacs-01", "10.1.0.9", "Dell", "PowerEdge R740", "2.1"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("cmdb_ci", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// TestInventoryAcceptance is the inventory issue's acceptance test: a CE CSV
// and an IT workbook of the same devices with different headers, MAC
// notations and conflicts give exactly the right device count and
// missing-from-source, field-conflict and duplicate lists.
func TestInventoryAcceptance(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "v.db")
	xlsx := filepath.Join(dir, "it_inventory.xlsx")
	writeITWorkbook(t, xlsx)
	for _, args := range [][]string{
		{"--source", "cmms", "--role", "clinical-engineering", filepath.Join("testdata", "ce_inventory.csv")},
		{"--source", "cmdb", "--role", "it", xlsx},
	} {
		if code, out, stderr := run(t, nil, append([]string{"import", "--db", db}, args...)...); code != 0 {
			t.Fatalf("import %v: %s %s", args, out, stderr)
		}
	}
	code, out, _ := run(t, nil, "inventory", "list", "--db", db, "--format", "json")
	var list struct{ Total int }
	if code != 0 || json.Unmarshal([]byte(out), &list) != nil || list.Total != 6 {
		t.Fatalf("device count: %d (%s)", list.Total, out)
	}
	code, out, stderr := run(t, nil, "inventory", "discrepancies", "--db", db, "--format", "json")
	if code != 0 {
		t.Fatal(stderr)
	}
	var rep struct {
		Discrepancies []struct {
			Kind   string `json:"kind"`
			Device struct {
				AssetTag string `json:"asset_tag"`
			} `json:"device"`
			Field   string            `json:"field"`
			Values  map[string]string `json:"values"`
			Sources []string          `json:"sources"`
		} `json:"discrepancies"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{}
	for _, d := range rep.Discrepancies {
		line := d.Device.AssetTag
		switch d.Kind {
		case "missing-from-source":
			line += " " + d.Values["cmms"] + "/" + d.Values["cmdb"]
		case "field-conflict":
			line += " " + d.Field + " cmms=" + d.Values["cmms"] + " cmdb=" + d.Values["cmdb"]
		case "duplicate":
			line += " " + strings.Join(d.Sources, ",")
		default:
			continue
		}
		got[d.Kind] = append(got[d.Kind], line)
	}
	for _, v := range got {
		sort.Strings(v)
	}
	want := map[string][]string{
		"missing-from-source": {"CE-1003 present/missing", "CE-1005 present/missing", "IT-2001 missing/present"},
		"field-conflict":      {"CE-1001 firmware cmms=12.1.0 cmdb=12.1.2"},
		"duplicate":           {"CE-1004 cmms"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("discrepancies (-want +got):\n%s", diff)
	}
}
