package ingest

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-health/vigil"
)

func TestJSONL(t *testing.T) {
	res := mustRead(t, filepath.Join("testdata", "jsonl", "devices.jsonl"), Options{})
	checkGolden(t, "devices_jsonl.txt", summarize(res))
	if res.Format != FormatJSONL || len(res.Records) != 2 {
		t.Fatalf("format %q, %d records:\n%s", res.Format, len(res.Records), summarize(res))
	}
	// Numbers keep every digit; booleans and dates are normalised.
	r := res.Records[0]
	if r.Fields.Get(vigil.FieldSerial) != "12345678901" || r.Fields.Get(vigil.FieldStoresEPHI) != "true" || r.ObservedAt.Format("2006-01-02T15") != "2024-06-01T08" {
		t.Errorf("first record: %+v", r)
	}
	var lines []int
	for _, e := range res.Errors {
		lines = append(lines, e.Origin.Line)
	}
	if diff := cmp.Diff([]int{3, 4, 6, 7}, lines); diff != "" {
		t.Errorf("bad row lines (-want +got):\n%s", diff)
	}
}

// TestJSONArray reads a pretty-printed JSON array of objects: origins are
// the line where each object starts.
func TestJSONArray(t *testing.T) {
	res := mustRead(t, filepath.Join("testdata", "jsonl", "array.json"), Options{})
	var got []string
	for _, r := range res.Records {
		got = append(got, fmt.Sprintf("%d %s", r.Origin.Line, r.Fields.Get(vigil.FieldAssetTag)))
	}
	for _, e := range res.Errors {
		got = append(got, e.Error())
	}
	want := []string{"2 A-1", "8 A-4",
		`testdata/jsonl/array.json:6: column "IP Address": not an IPv4 or IPv6 address`,
		"testdata/jsonl/array.json:7: not a JSON object"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestMapFile(t *testing.T) {
	dir := filepath.Join("testdata", "mapfile")
	res := mustRead(t, filepath.Join(dir, "cmms.csv"), Options{MapFile: filepath.Join(dir, "cmms.yaml")})
	wantMap := []ColumnMapping{
		{Column: 0, Header: "Equip #", Field: vigil.FieldAssetTag, How: ByMapFile},
		{Column: 1, Header: "Name", Field: vigil.FieldHostname, How: ByMapFile},
		{Column: 2, Header: "Serial No.", Field: FieldIgnore, How: ByMapFile},
		{Column: 3, Header: "Where", Field: vigil.FieldLocation, How: ByMapFile},
		{Column: 4, Header: "Criticality", Field: vigil.FieldCriticality, How: BySynonym},
		{Column: 5, Header: "Vendor", Field: vigil.FieldManufacturer, How: BySynonym},
	}
	if diff := cmp.Diff(wantMap, res.Mapping); diff != "" {
		t.Errorf("mapping (-want +got):\n%s", diff)
	}
	want := []map[string]string{
		{"asset_tag": "E1", "hostname": "pump-01", "location": "ICU bay 3", "criticality": "life-sustaining", "manufacturer": "GE Healthcare"},
		{"asset_tag": "E2", "hostname": "pump-02", "location": "Ward 5", "criticality": "life-supporting", "manufacturer": "Baxter"},
	}
	var got []map[string]string
	for _, r := range res.Records {
		got = append(got, r.Fields.Map())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	// Without the map file the same export has no identifier column but
	// the serial, which the map file ignored.
	res = mustRead(t, filepath.Join(dir, "cmms.csv"), Options{})
	if len(res.Records) != 2 || res.Records[0].Fields.Get(vigil.FieldSerial) != "S1" || res.Records[0].Fields.Get(vigil.FieldCriticality) != "" {
		t.Errorf("without map file:\n%s", summarize(res))
	}
}

func TestMapFileErrors(t *testing.T) {
	tests := map[string]string{
		"badfield.yaml": `column "X": unknown field "serail"`,
		"badkey.yaml":   "field colums not found",
		"badyaml.yaml":  "badyaml.yaml: yaml:",
	}
	for file, want := range tests {
		_, err := LoadMapFile(filepath.Join("testdata", "mapfile", file))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("LoadMapFile(%s) = %v, want error containing %q", file, err, want)
		}
	}
	mf, err := ParseMapFile("empty.yaml", nil)
	if err != nil || len(mf.Columns) != 0 {
		t.Errorf("empty map file: %+v, %v", mf, err)
	}
}

// TestContentMapping checks the content rules: a column of bare 12-digit
// numbers is not taken for MACs, and a synonym already holding the field
// keeps it.
func TestContentMapping(t *testing.T) {
	m := newMapper(nil)
	headers := []string{"Ref", "Hw", "Addr", "MAC"}
	sample := [][]string{
		{"001122334455", "00:11:22:33:44:55", "10.0.0.1", "00:11:22:33:44:66"},
		{"001122334456", "n/a", "10.0.0.2", ""},
		{"001122334457", "00-11-22-33-44-57", "fe80::1", ""},
	}
	got := m.mapColumns(headers, sample)
	want := []ColumnMapping{
		{Column: 0, Header: "Ref", How: Unmapped},
		{Column: 1, Header: "Hw", How: Unmapped},
		{Column: 2, Header: "Addr", Field: vigil.FieldIP, How: ByTokens}, // "address", IPs decide
		{Column: 3, Header: "MAC", Field: vigil.FieldMAC, How: BySynonym},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mapping (-want +got):\n%s", diff)
	}
}

// TestWriteMapFileRoundTrip writes a map file from a mapping and reads it
// back: every header, odd ones included, names the field it was mapped to,
// unmapped ones "ignore".
func TestWriteMapFileRoundTrip(t *testing.T) {
	res := &Result{File: "ce.csv", Mapping: []ColumnMapping{
		{Column: 0, Header: "Equip #", Field: vigil.FieldAssetTag, How: BySynonym},
		{Column: 1, Header: `SW "rev" \ build`, Field: vigil.FieldFirmware, How: ByTokens},
		{Column: 2, Header: "Notes: free text", How: Unmapped},
		{Column: 3, Header: "", How: Unmapped},
	}}
	var b strings.Builder
	if err := WriteMapFile(&b, res, res); err != nil {
		t.Fatal(err)
	}
	mf, err := ParseMapFile("written.yaml", []byte(b.String()))
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	want := map[string]string{"Equip #": vigil.FieldAssetTag, `SW "rev" \ build`: vigil.FieldFirmware, "Notes: free text": FieldIgnore}
	if diff := cmp.Diff(want, mf.Columns); diff != "" {
		t.Errorf("columns (-want +got):\n%s\n%s", diff, b.String())
	}
}
