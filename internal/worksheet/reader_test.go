package worksheet

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

var testLimits = Limits{Part: 1 << 30, Whole: 16 << 20, Row: 16 << 20, Cell: 64 << 10, Shared: 512 << 20}

// sheet is one sheet of a test workbook: rows from A1 on, number formats
// by cell, rich text by cell.
type sheet struct {
	name   string
	rows   [][]any
	format map[string]int
	rich   map[string][]excelize.RichTextRun
}

// workbook writes a workbook of sheets, the first one first.
func workbook(tb testing.TB, sheets ...sheet) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		if err != nil {
			tb.Fatal(err)
		}
	}
	for i, sh := range sheets {
		if i == 0 {
			must(f.SetSheetName("Sheet1", sh.name))
		} else if _, err := f.NewSheet(sh.name); err != nil {
			tb.Fatal(err)
		}
		for j, r := range sh.rows {
			cell, _ := excelize.CoordinatesToCellName(1, j+1)
			must(f.SetSheetRow(sh.name, cell, &r))
		}
		for cell, numFmt := range sh.format {
			style, err := f.NewStyle(&excelize.Style{NumFmt: numFmt})
			must(err)
			must(f.SetCellStyle(sh.name, cell, cell, style))
		}
		for cell, runs := range sh.rich {
			must(f.SetCellRichText(sh.name, cell, runs))
		}
	}
	var buf bytes.Buffer
	must(f.Write(&buf))
	return buf.Bytes()
}

// cmdbBook is an IT CMDB export: escapes, unicode, a gap, empty cells,
// rich text, and the sheet second.
func cmdbBook(tb testing.TB) []byte {
	return workbook(tb, sheet{name: "Sheet1"}, sheet{
		name: "cmdb_ci",
		rows: [][]any{
			{"CI Name", "Serial Number", "MAC Address", "Count", "Notes"},
			{"pump-01", "00123", "00-11-22-33-44-55", 42, `Tom & Jerry <"quoted">`},
			{"mon-02", 12345678, nil, 3.25, "ünïcode ✓"},
			{},
			{"", "", "", "", ""},
			{"gap", nil, nil, nil, "last only"},
		},
		rich: map[string][]excelize.RichTextRun{"E8": {{Text: "rich "}, {Text: "text"}}},
	})
}

// cmmsBook is a biomed equipment list: a title row, numbers Excel shows in
// exponent form, date cells, booleans, a gap row, and a second sheet.
func cmmsBook(tb testing.TB) []byte {
	return workbook(tb, sheet{
		name: "Inventory",
		rows: [][]any{
			{"Biomed Equipment List"},
			{"Control Number", "Serial Number", "Manufacturer", "Model", "Software Version", "MAC Address", "Contains ePHI", "Last Updated"},
			{"C-1001", 12345678, "GE Healthcare", "B450", 3.2, "00:1A:2B:3C:4D:01", true, time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)},
			{"C-1002", 123456789012, "Baxter", "Sigma Spectrum", "8.01.01", "bad-mac", false, time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC)},
			{},
			{"C-1004", "0001234", "BD", 8015, 0.1 + 0.2, "", "N", "2024-03-04"},
		},
		format: map[string]int{"H3": 14, "H4": 14, "B3": 11, "B4": 11}, // m/d/yyyy, 0.00E+00
	}, sheet{name: "Scanners", rows: [][]any{{"IP", "Host Name"}, {"10.9.9.9", "scanner-1"}}})
}

// openBytes opens the sheet want of the workbook data.
func openBytes(data []byte, want string) (*Reader, error) {
	return Open(bytes.NewReader(data), int64(len(data)), want, testLimits)
}

// readAll reads every row of r, empty rows as nil.
func readAll(tb testing.TB, r *Reader) [][]string {
	tb.Helper()
	var rows [][]string
	for {
		cells, _, err := r.Next()
		if err == io.EOF {
			return rows
		}
		if err != nil {
			tb.Fatal(err)
		}
		rows = append(rows, cells)
	}
}

// excelizeRows reads the sheet through excelize, raw, empty rows as nil.
func excelizeRows(tb testing.TB, data []byte, name string) [][]string {
	tb.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	it, err := f.Rows(name)
	if err != nil {
		tb.Fatal(err)
	}
	var rows [][]string
	for it.Next() {
		cells, _ := it.Columns(excelize.Options{RawCellValue: true})
		if len(cells) == 0 {
			cells = nil
		}
		rows = append(rows, cells)
	}
	return rows
}

// TestReaderMatchesExcelize reads workbooks through the Reader and through
// excelize and wants the same rows.
func TestReaderMatchesExcelize(t *testing.T) {
	books := []struct {
		name, want, sheet string
		data              []byte
	}{
		{"cmdb", "CMDB_CI", "cmdb_ci", cmdbBook(t)},
		{"cmms", "", "Inventory", cmmsBook(t)},
		{"cmms scanners", "scanners", "Scanners", cmmsBook(t)},
		{"generated", "", "Sheet1", benchBook(t, 300)},
	}
	for _, b := range books {
		t.Run(b.name, func(t *testing.T) {
			sr, err := openBytes(b.data, b.want)
			if err != nil {
				t.Fatal(err)
			}
			defer sr.Close()
			if sr.Name() != b.sheet {
				t.Fatalf("sheet %q, want %q", sr.Name(), b.sheet)
			}
			fast := readAll(t, sr)
			for i := range fast {
				if len(fast[i]) == 0 {
					fast[i] = nil
				}
			}
			if diff := cmp.Diff(excelizeRows(t, b.data, b.sheet), fast); diff != "" {
				t.Errorf("Reader differs from excelize (-excelize +Reader):\n%s", diff)
			}
		})
	}
	var missing *NoSheetError
	if _, err := openBytes(cmdbBook(t), "nope"); !errors.As(err, &missing) || !cmp.Equal(missing.Sheets, []string{"Sheet1", "cmdb_ci"}) {
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

// TestAheadReader reads through inflateAhead: the same bytes, in any read
// size, the source's error passed on, and Close at any point.
func TestAheadReader(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 100_000) // 1.6 MB, several chunks
	got, err := io.ReadAll(iotest.OneByteReader(io.LimitReader(inflateAhead(io.NopCloser(iotest.HalfReader(bytes.NewReader(data)))), 300_000)))
	if err != nil || !bytes.Equal(got, data[:300_000]) {
		t.Fatalf("ReadAll: %d bytes, %v", len(got), err)
	}
	r := inflateAhead(io.NopCloser(bytes.NewReader(data)))
	if got, err := io.ReadAll(r); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("ReadAll: %d bytes, %v", len(got), err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	r = inflateAhead(io.NopCloser(io.MultiReader(bytes.NewReader(data), iotest.ErrReader(boom))))
	if _, err := io.ReadAll(r); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want %v", err, boom)
	}
	r.Close()
	// Closing early stops the goroutine even though nobody reads.
	r = inflateAhead(io.NopCloser(bytes.NewReader(data)))
	r.Read(make([]byte, 10))
	r.Close()
	r.Close()
}

// TestReaderPaths reads a workbook with the sheet inflated ahead and not,
// and rows through scanRow and through cellsOf: the same rows.
func TestReaderPaths(t *testing.T) {
	data := cmmsBook(t)
	read := func(ahead bool, slow bool, window int) [][]string {
		t.Helper()
		oldSize, oldWindow := inflateAheadSize, sheetWindow
		if ahead {
			inflateAheadSize = 0
		}
		sheetWindow = window
		defer func() { inflateAheadSize, sheetWindow = oldSize, oldWindow }()
		sr, err := openBytes(data, "")
		if err != nil {
			t.Fatal(err)
		}
		defer sr.Close()
		var rows [][]string
		for {
			if slow {
				sr.noFast = true
			}
			cells, n, err := sr.Next()
			if err == io.EOF {
				return rows
			}
			if err != nil {
				t.Fatal(err)
			}
			rows = append(rows, append([]string{fmt.Sprint(n)}, cells...))
		}
	}
	want := read(false, true, 1<<20)
	if len(want) < 5 {
		t.Fatalf("%d rows", len(want))
	}
	for _, ahead := range []bool{false, true} {
		for _, slow := range []bool{false, true} {
			for _, window := range []int{1, 7, 100, 1000, 1 << 20} {
				if diff := cmp.Diff(want, read(ahead, slow, window)); diff != "" {
					t.Errorf("ahead %v, slow %v, window %d (-want +got):\n%s", ahead, slow, window, diff)
				}
			}
		}
	}
}
