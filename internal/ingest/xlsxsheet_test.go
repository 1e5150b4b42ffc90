package ingest

import (
	"bytes"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

// TestFastSheetMatchesExcelize reads one workbook through the fast reader
// and through excelize and wants the same rows.
func TestFastSheetMatchesExcelize(t *testing.T) {
	f := excelize.NewFile()
	f.NewSheet("cmdb_ci")
	rows := [][]any{
		{"CI Name", "Serial Number", "MAC Address", "Count", "Notes"},
		{"pump-01", "00123", "00-11-22-33-44-55", 42, `Tom & Jerry <"quoted">`},
		{"mon-02", 12345678, nil, 3.25, "ünïcode ✓"},
		{},
		{"", "", "", "", ""},
		{"gap", nil, nil, nil, "last only"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("cmdb_ci", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	f.SetCellRichText("cmdb_ci", "E8", []excelize.RichTextRun{{Text: "rich "}, {Text: "text"}})
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()

	sr, name, sheets, err := openSheet(data, "CMDB_CI", xlsxUnzipLimit)
	if err != nil {
		t.Fatal(err)
	}
	if name != "cmdb_ci" || len(sheets) != 2 {
		t.Fatalf("sheet %q of %v", name, sheets)
	}
	var fast [][]string
	for {
		cells, _, err := sr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		fast = append(fast, cells)
	}
	ef, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	it, _ := ef.Rows("cmdb_ci")
	var slow [][]string
	for it.Next() {
		cells, _ := it.Columns(excelize.Options{RawCellValue: true})
		slow = append(slow, cells)
	}
	norm := func(rs [][]string) [][]string {
		for i := range rs {
			if len(rs[i]) == 0 {
				rs[i] = nil
			}
		}
		return rs
	}
	if diff := cmp.Diff(norm(slow), norm(fast)); diff != "" {
		t.Errorf("fast reader differs from excelize (-excelize +fast):\n%s", diff)
	}
	if _, _, _, err := openSheet(data, "nope", xlsxUnzipLimit); err != errNoSheet {
		t.Errorf("missing sheet: %v", err)
	}
}

func TestUnescapeXML(t *testing.T) {
	for in, want := range map[string]string{"a&amp;b": "a&b", "&lt;x&gt;": "<x>", "&#65;&#x42;": "AB", "&bogus;": "&bogus;", "a & b": "a & b"} {
		if got := unescapeXML([]byte(in)); got != want {
			t.Errorf("unescapeXML(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzSheetXML feeds arbitrary sheet XML to the fast reader, which must
// return rows or an error, never panic or loop.
func FuzzSheetXML(f *testing.F) {
	f.Add([]byte(`<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1"><v>4.5</v></c></row><row r="3"><c t="inlineStr"><is><t>x&amp;y</t></is></c></row></sheetData>`))
	f.Add([]byte(`<sheetData><row r="2"/><row><c r="ZZZZ9"/></row></sheetData>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := &sheetReader{data: data, shared: []string{"a", "b"}}
		for i := 0; i < 10000; i++ {
			if _, _, err := s.next(); err != nil {
				return
			}
		}
	})
}
