package worksheet

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzSheetXML feeds arbitrary sheet XML to the Reader, which must return
// rows or an error, never panic or loop.
func FuzzSheetXML(f *testing.F) {
	f.Add([]byte(`<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1"><v>4.5</v></c></row><row r="3"><c t="inlineStr"><is><t>x&amp;y</t></is></c></row></sheetData>`))
	f.Add([]byte(`<sheetData><row r="2"/><row><c r="ZZZZ9"/></row></sheetData>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s := &Reader{data: data, shared: []string{"a", "b"}}
		for i := 0; i < 10000; i++ {
			if _, _, err := s.Next(); err != nil {
				return
			}
		}
	})
}

// FuzzSheetRowPaths holds scanRow to cellsOf: on any sheet XML the rows
// Next gives are what cellsOf alone gives.
func FuzzSheetRowPaths(f *testing.F) {
	f.Add([]byte(`<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="C1"><v>4.5</v></c></row><row r="3"><c t="inlineStr"><is><t>x&amp;y</t></is></c></row></sheetData>`))
	f.Add([]byte(`<sheetData><row r="2"/><row><c r="ZZZZ9"/></row></sheetData>`))
	f.Add([]byte(`<row><c r="B1"><v>1</v></c><c></c><col/><c t="s"><v>&#49;</v></c><c/></row><row><c><v>x</row></v></c></row>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		read := func(slow bool) (rows [][]string, last error) {
			s := &Reader{data: data, shared: []string{"a", "", "b"}, noFast: slow}
			for range 1000 {
				cells, n, err := s.Next()
				if err != nil {
					return rows, err
				}
				rows = append(rows, append([]string{fmt.Sprint(n)}, cells...))
			}
			return rows, nil
		}
		fast, fastErr := read(false)
		slow, slowErr := read(true)
		if diff := cmp.Diff(slow, fast); diff != "" || fmt.Sprint(fastErr) != fmt.Sprint(slowErr) {
			t.Fatalf("scanRow and cellsOf differ: %v, %v (-cellsOf +scanRow):\n%s", slowErr, fastErr, diff)
		}
	})
}
