package web

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Finding 5, for every web and API export (devices, vulnerabilities, the
// risk worklist: one export function): text cells are neutralised, a
// numeric column stays numeric in XLSX (a negative number too) and plain
// in CSV.
func TestExportNeutralisesTextKeepsNumbers(t *testing.T) {
	type row struct {
		s string
		n float64
	}
	cols := []column[row]{
		{Key: "s", Title: "S", Text: func(r row) string { return r.s }},
		{Key: "n", Title: "N", Num: true, Text: func(r row) string { return fmt.Sprintf("%.1f", r.n) }},
	}
	rows := []row{{`=HYPERLINK("http://x","y")`, -3.5}, {"-2+3+cmd|' /C calc'!A0", 7}}
	rec := httptest.NewRecorder()
	if err := export(rec, "csv", "t", rows, cols); err != nil {
		t.Fatal(err)
	}
	if got, want := rec.Body.String(), "S,N\n\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",-3.5\n'-2+3+cmd|' /C calc'!A0,7.0\n"; got != want {
		t.Errorf("CSV = %q, want %q", got, want)
	}
	rec = httptest.NewRecorder()
	if err := export(rec, "xlsx", "t", rows, cols); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(strings.NewReader(rec.Body.String()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for cell, want := range map[string]string{"A2": `'=HYPERLINK("http://x","y")`, "A3": "'-2+3+cmd|' /C calc'!A0", "B2": "-3.5", "B3": "7"} {
		if got, _ := f.GetCellValue("Sheet1", cell); got != want {
			t.Errorf("%s = %q, want %q", cell, got, want)
		}
	}
	for _, cell := range []string{"B2", "B3"} {
		if typ, _ := f.GetCellType("Sheet1", cell); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
			t.Errorf("%s is text, want a number", cell)
		}
	}
}
