package binder_test

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Finding 5: inventory.xlsx neutralises formulas in text cells and keeps
// ids and counts numeric.
func TestInventoryWorkbookNeutralisesFormulas(t *testing.T) {
	in := sampleInput(t)
	in.Devices[0].Model = `=HYPERLINK("http://evil.example","x")`
	in.Devices[0].Location = "-2+3+cmd|' /C calc'!A0"
	files := entries(t, writeSample(t, in))
	f, err := excelize.OpenReader(bytes.NewReader(files["inventory.xlsx"]))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for cell, want := range map[string]string{"E2": `'=HYPERLINK("http://evil.example","x")`, "K2": "'-2+3+cmd|' /C calc'!A0", "A2": "1"} {
		got, err := f.GetCellValue("Inventory", cell)
		if err != nil || got != want {
			t.Errorf("%s = %q, %v; want %q", cell, got, err, want)
		}
	}
	if typ, _ := f.GetCellType("Inventory", "A2"); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("the id is written as text (%v)", typ)
	}
	if formula, _ := f.GetCellFormula("Inventory", "E2"); formula != "" {
		t.Errorf("E2 holds a formula %q", formula)
	}
}
