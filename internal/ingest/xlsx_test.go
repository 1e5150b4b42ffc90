package ingest

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/vigil-health/vigil"
)

// makeWorkbook builds a CMMS-like workbook: a title row, the header on row
// 2, numbers that Excel would show in exponent form, real date cells,
// booleans, a gap row, and a second sheet.
func makeWorkbook(tb testing.TB) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		if err != nil {
			tb.Fatal(err)
		}
	}
	const sh = "Inventory"
	must(f.SetSheetName("Sheet1", sh))
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14}) // m/d/yyyy
	must(err)
	sciStyle, err := f.NewStyle(&excelize.Style{NumFmt: 11}) // 0.00E+00
	must(err)
	rows := [][]any{
		{"Biomed Equipment List"},
		{"Control Number", "Serial Number", "Manufacturer", "Model", "Software Version", "MAC Address", "Contains ePHI", "Last Updated"},
		{"C-1001", 12345678, "GE Healthcare", "B450", 3.2, "00:1A:2B:3C:4D:01", true, time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)},
		{"C-1002", 123456789012, "Baxter", "Sigma Spectrum", "8.01.01", "bad-mac", false, time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC)},
		{},
		{"C-1004", "0001234", "BD", 8015, 0.1 + 0.2, "", "N", "2024-03-04"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		must(f.SetSheetRow(sh, cell, &r))
	}
	must(f.SetCellStyle(sh, "H3", "H4", dateStyle))
	must(f.SetCellStyle(sh, "B3", "B4", sciStyle))
	_, err = f.NewSheet("Scanners")
	must(err)
	must(f.SetSheetRow("Scanners", "A1", &[]any{"IP", "Host Name"}))
	must(f.SetSheetRow("Scanners", "A2", &[]any{"10.9.9.9", "scanner-1"}))
	var buf bytes.Buffer
	must(f.Write(&buf))
	return buf.Bytes()
}

func TestXLSX(t *testing.T) {
	data := makeWorkbook(t)
	res, err := Parse(context.Background(), "cmms.xlsx", data, Options{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if res.Sheet != "Inventory" || res.Header != (vigil.Origin{File: "cmms.xlsx", Sheet: "Inventory", Row: 2}) {
		t.Errorf("sheet %q header %v", res.Sheet, res.Header)
	}
	day := func(d int) time.Time { return time.Date(2024, 3, d, 0, 0, 0, 0, time.UTC) }
	want := []*vigil.Record{
		{Origin: vigil.Origin{File: "cmms.xlsx", Sheet: "Inventory", Row: 3}, ObservedAt: day(1), Fields: vigil.MakeFields(map[string]string{
			"asset_tag": "C-1001", "serial": "12345678", "manufacturer": "GE Healthcare", "model": "B450",
			"firmware": "3.2", "mac": "00:1a:2b:3c:4d:01", "stores_ephi": "true"})},
		{Origin: vigil.Origin{File: "cmms.xlsx", Sheet: "Inventory", Row: 6}, ObservedAt: day(4), Fields: vigil.MakeFields(map[string]string{
			"asset_tag": "C-1004", "serial": "0001234", "manufacturer": "BD", "model": "8015",
			"firmware": "0.3", "stores_ephi": "false"})},
	}
	if diff := cmp.Diff(want, res.Records); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	wantErr := []RowError{{Origin: vigil.Origin{File: "cmms.xlsx", Sheet: "Inventory", Row: 4}, Reason: `column "MAC Address": not a MAC address`}}
	if diff := cmp.Diff(wantErr, res.Errors); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}

	// The other sheet, chosen case-insensitively.
	res, err = Parse(context.Background(), "cmms.xlsx", data, Options{Now: testNow, Sheet: "scanners"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 1 || res.Records[0].Fields.Get("hostname") != "scanner-1" || res.Records[0].Origin.Row != 2 {
		t.Errorf("Scanners sheet:\n%s", summarize(res))
	}
	_, err = Parse(context.Background(), "cmms.xlsx", data, Options{Now: testNow, Sheet: "Nope"})
	if err == nil || !strings.Contains(err.Error(), `no sheet "Nope"; the workbook has "Inventory", "Scanners"`) {
		t.Errorf("missing sheet: err = %v", err)
	}
	// A workbook cut short is refused with the file named.
	_, err = Parse(context.Background(), "cut.xlsx", data[:len(data)/2], Options{Now: testNow})
	if err == nil || !strings.Contains(err.Error(), "cut.xlsx") {
		t.Errorf("truncated workbook: err = %v", err)
	}
}

// TestXLSXFile reads the workbook from disk through Read.
func TestXLSXFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "inv.xlsx")
	f, err := excelize.OpenReader(bytes.NewReader(makeWorkbook(t)))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	f.Close()
	res := mustRead(t, path, Options{})
	if res.Format != FormatXLSX || len(res.Records) != 2 {
		t.Errorf("format %q, %d records", res.Format, len(res.Records))
	}
}

func TestExcelNumber(t *testing.T) {
	tests := map[string]string{
		"12345678":            "12345678",
		"1.2345678E7":         "12345678",
		"0.30000000000000004": "0.3",
		"3.2000000000000002":  "3.2",
		"123456789012345678":  "123456789012345678",
		"0001234":             "0001234",
		"SN-1":                "SN-1",
		"-1.5":                "-1.5",
		"":                    "",
	}
	for in, want := range tests {
		if got := excelNumber(in); got != want {
			t.Errorf("excelNumber(%q) = %q, want %q", in, got, want)
		}
	}
}
