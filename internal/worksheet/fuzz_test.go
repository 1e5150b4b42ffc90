package worksheet

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"testing/iotest"

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

// FuzzShared feeds arbitrary shared-string XML to readShared, read whole
// and a byte at a time through a window that must grow: the same strings,
// never a panic, and the limits held.
func FuzzShared(f *testing.F) {
	f.Add([]byte(`<sst><si><t>a&amp;b</t></si><si/><si><r><t>x</t></r><r><t xml:space="preserve"> y</t></r><rPh><t>p</t></rPh></si></sst>`))
	f.Add([]byte(`<si><t>` + strings.Repeat("z", 300) + `</t></si><sig/><si>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		lim := Limits{Row: 1 << 20, Cell: 1 << 20, Shared: 1 << 30}
		want, _, wantErr := readShared(bytes.NewReader(data), "s", lim)
		old := sharedWindow
		sharedWindow = 16
		defer func() { sharedWindow = old }()
		got, _, gotErr := readShared(iotest.OneByteReader(bytes.NewReader(data)), "s", lim)
		if diff := cmp.Diff(want, got); diff != "" || fmt.Sprint(wantErr) != fmt.Sprint(gotErr) {
			t.Fatalf("windowed read differs: %v, %v (-whole +windowed):\n%s", wantErr, gotErr, diff)
		}
		small := Limits{Row: 64, Cell: 8, Shared: 256}
		if strs, held, err := readShared(bytes.NewReader(data), "s", small); err == nil {
			for _, s := range strs {
				if len(s) > small.Cell {
					t.Fatalf("string of %d bytes past the cell limit", len(s))
				}
			}
			if held > small.Shared {
				t.Fatalf("held %d past the limit", held)
			}
		}
	})
}
