package mds2

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/worksheet"
)

// TableOptions says how ReadTable holds a file to its limits.
type TableOptions struct {
	Limits bound.Limits // zero fields are their defaults
	// Share makes the file a small one: it may be at most 1/Share of
	// Limits.FileBytes, have at most 1/Share of Limits.Rows rows a sheet,
	// and its rows hold at most 1/Share of Limits.FileBytes. 0 or 1 for
	// the whole limits.
	Share int64
	// FirstSheet reads only the first sheet of a workbook.
	FirstSheet bool
	// What names the file in an error ("an MDS2 form", "a vendor list").
	What string
}

// ReadTable reads a small table file of size bytes at r, named name: a
// CSV file (comma, semicolon or tab separated, sniffed; a byte-order mark
// dropped) or an XLSX workbook, told apart by content. It gives each sheet
// in order to each, all its rows at once (a CSV file is one sheet named
// ""), until each says it is done. An MDS2 form and the vendor register's
// lists are read so: they are held whole, to limits checked as the file
// streams (the size before a byte is read; columns, a value, a record and
// the depth of XML as they arrive; rows and what the rows hold as they are
// kept), each refused naming its --max- flag. Its own errors are *Error
// (one for a limit wraps a *bound.LimitError); each's are returned as they
// are.
func ReadTable(name string, r io.ReaderAt, size int64, opt TableOptions, each func(sheet string, rows [][]string) (done bool, err error)) error {
	t := &table{name: name, lim: opt.Limits.OrDefault(), share: max(opt.Share, 1), what: opt.What}
	if t.what == "" {
		t.what = "a table"
	}
	if size > t.lim.FileBytes/t.share {
		return t.over("", 0, bound.LimitFileBytes, t.lim.FileBytes, t.what+" of more than "+t.part()+"%s")
	}
	head := make([]byte, 4)
	if n, _ := r.ReadAt(head, 0); bytes.Equal(head[:n], []byte("PK\x03\x04")) {
		return t.readXLSX(r, size, opt.FirstSheet, each)
	}
	rows, err := t.readCSV(io.NewSectionReader(r, 0, size))
	if err != nil {
		return err
	}
	_, err = each("", rows)
	return err
}

// table reads one file.
type table struct {
	name  string
	lim   bound.Limits
	share int64
	what  string
	held  int64 // what the rows of the sheet being read hold
}

// part is how a message says the file's share of a limit: "", "a quarter
// of ", "a sixteenth of ".
func (t *table) part() string {
	switch t.share {
	case 1:
		return ""
	case 4:
		return "a quarter of "
	case 16:
		return "a sixteenth of "
	}
	return fmt.Sprintf("1/%d of ", t.share)
}

// over is the error of a limit met at row (0 for the file as a whole).
func (t *table) over(sheet string, row int, limit string, max int64, what string) error {
	e := bound.Over("", "", limit, max, what)
	return &Error{File: t.name, Sheet: sheet, Row: row, Reason: vigil.ErrorMessage(e), Err: e}
}

// keep checks row n of a sheet, its cells, against the limits and counts
// what it holds: its text, 16 bytes a cell and 24 a row.
func (t *table) keep(sheet string, n int, cells []string) error {
	if int64(n) > int64(t.lim.Rows)/t.share {
		return t.over(sheet, n, bound.LimitRows, int64(t.lim.Rows), t.what+" of more than "+t.part()+"%s rows")
	}
	if len(cells) > t.lim.Columns {
		return t.over(sheet, n, bound.LimitColumns, int64(t.lim.Columns), "a row of more than %s columns")
	}
	t.held += 24 + 16*int64(len(cells))
	for i, c := range cells {
		if len(c) > t.lim.FieldBytes {
			return t.over(sheet, n, bound.LimitFieldBytes, int64(t.lim.FieldBytes), fmt.Sprintf("column %s: a value of more than %%s", colName(i)))
		}
		t.held += int64(len(c))
	}
	if t.held > t.lim.FileBytes/t.share {
		return t.over(sheet, n, bound.LimitFileBytes, t.lim.FileBytes, "rows holding more than "+t.part()+"%s of text")
	}
	return nil
}

// readCSV reads every row of a CSV file, each record held to the limits
// as its bytes pass (csvGuard), every row as it is kept.
func (t *table) readCSV(r io.Reader) ([][]string, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, _ := br.Peek(3); bytes.Equal(bom, []byte("\xef\xbb\xbf")) {
		br.Discard(3)
	}
	head, _ := br.Peek(4096)
	delim, best := byte(','), bytes.Count(head, []byte(","))
	for _, d := range []byte{';', '\t'} {
		if n := bytes.Count(head, []byte{d}); n > best {
			delim, best = d, n
		}
	}
	g := newCSVGuard(br, delim, t)
	cr := csv.NewReader(g)
	cr.Comma, cr.FieldsPerRecord, cr.LazyQuotes = rune(delim), -1, true
	var rows [][]string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if g.err != nil {
			return nil, g.err
		}
		if err != nil {
			row := len(rows) + 1
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				row = pe.Line
			}
			return nil, &Error{File: t.name, Row: row, Reason: "malformed CSV"}
		}
		if err := t.keep("", len(rows)+1, rec); err != nil {
			return nil, err
		}
		rows = append(rows, rec)
	}
}

// readXLSX reads the workbook's sheets, in order, through the worksheet
// reader, each sheet streamed; a workbook laid out in a way that reader
// does not handle is read by excelize (fallback.go).
func (t *table) readXLSX(r io.ReaderAt, size int64, first bool, each func(string, [][]string) (bool, error)) error {
	lim := t.sheetLimits()
	names, err := sheetNames(r, size, lim)
	if err != nil {
		return t.xlsxError(err, "")
	}
	if names == nil {
		return t.readFallback(r, size, first, each)
	}
	for _, sheet := range names {
		rows, err := t.readSheet(r, size, sheet, lim)
		if errors.Is(err, errFallback) {
			return t.readFallback(r, size, first, each)
		} else if err != nil {
			return err
		}
		if done, err := each(sheet, rows); done || err != nil || first {
			return err
		}
	}
	return nil
}

// sheetNames returns the names of the workbook's sheets, in order; nil
// when the worksheet reader does not handle the workbook's layout.
func sheetNames(r io.ReaderAt, size int64, lim worksheet.Limits) ([]string, error) {
	// Excel forbids brackets in a sheet name: asking for "[]" has the
	// reader list the sheets the workbook has.
	_, err := worksheet.Open(r, size, "[]", lim)
	var none *worksheet.NoSheetError
	var over *worksheet.LimitError
	switch {
	case errors.As(err, &none):
		return none.Sheets, nil
	case errors.As(err, &over):
		return nil, err
	}
	return nil, nil
}

// errFallback says the worksheet reader does not handle a sheet's layout.
var errFallback = errors.New("read by excelize")

// readSheet reads every row of one sheet, kept as it streams; errFallback
// when the worksheet reader does not handle its layout.
func (t *table) readSheet(r io.ReaderAt, size int64, sheet string, lim worksheet.Limits) ([][]string, error) {
	ws, err := worksheet.Open(r, size, sheet, lim)
	var over *worksheet.LimitError
	if errors.As(err, &over) {
		return nil, t.xlsxError(err, sheet)
	} else if err != nil {
		return nil, errFallback
	}
	defer ws.Close()
	t.held = ws.SharedSize()
	var rows [][]string
	for {
		cells, n, err := ws.Next()
		if errors.Is(err, io.EOF) {
			return rows, nil
		} else if err != nil {
			return nil, t.xlsxError(err, sheet)
		}
		end := len(cells)
		for end > 0 && cells[end-1] == "" {
			end--
		}
		if err := t.keep(sheet, n, cells[:end]); err != nil {
			return nil, err
		}
		// A copy: the reader's slice may run on to column XFD.
		rows = append(rows, slices.Clone(cells[:end]))
	}
}

// sheetLimits are the limits as the worksheet reader takes them, as the
// inventory importer maps them: a part may unpack to --max-inflated, a part
// read whole (the workbook, its relationships), a row's XML and a shared
// string's are records, and the shared strings count against what the rows
// may hold.
func (t *table) sheetLimits() worksheet.Limits {
	return worksheet.Limits{
		Part:   t.lim.Inflated,
		Whole:  int64(t.lim.RecordBytes),
		Row:    t.lim.RecordBytes,
		Cell:   t.lim.FieldBytes,
		Depth:  t.lim.Depth,
		Shared: t.lim.FileBytes / t.share,
	}
}

// xlsxError is the error of the worksheet reader's err on sheet.
func (t *table) xlsxError(err error, sheet string) error {
	var e *worksheet.LimitError
	if !errors.As(err, &e) {
		return &Error{File: t.name, Sheet: sheet, Reason: "not a readable XLSX workbook"}
	}
	part := bound.Quote(e.Part)
	switch e.Limit {
	case worksheet.LimitPart:
		return t.over(sheet, 0, bound.LimitInflated, e.Max, part+" unpacks to more than %s")
	case worksheet.LimitWhole:
		return t.over(sheet, 0, bound.LimitRecordBytes, e.Max, part+" unpacks to more than %s")
	case worksheet.LimitRow:
		return t.over(sheet, e.Row, bound.LimitRecordBytes, e.Max, part+": "+e.Item+" of more than %s of XML")
	case worksheet.LimitDepth:
		return t.over(sheet, 0, bound.LimitDepth, e.Max, part+": XML nested more than %s deep")
	case worksheet.LimitCell:
		return t.over(sheet, 0, bound.LimitFieldBytes, e.Max, part+": a shared string of more than %s")
	case worksheet.LimitShared:
		return t.over(sheet, 0, bound.LimitFileBytes, t.lim.FileBytes, part+": shared strings holding more than "+t.part()+"%s")
	}
	return &Error{File: t.name, Sheet: sheet, Reason: "not a readable XLSX workbook"}
}
