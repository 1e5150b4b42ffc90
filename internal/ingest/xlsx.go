package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/worksheet"
)

// readXLSX imports one sheet of a workbook: Options.Sheet or the first.
// Cells are read raw, so numbers keep all their digits (a serial is never
// 1.23E+07) and dates arrive as Excel serial days, which ParseDate reads.
func (p *parser) readXLSX(data []byte) (err error) {
	return p.readXLSXAt(bytes.NewReader(data), int64(len(data)), data)
}

// readXLSXAt is readXLSX for a workbook of size bytes read from r (a file:
// the workbook need not be in memory), head being its first bytes.
func (p *parser) readXLSXAt(r io.ReaderAt, size int64, head []byte) (err error) {
	if !bytes.HasPrefix(head, []byte("PK\x03\x04")) {
		return p.fail("byte 0", "not an XLSX workbook: no zip signature")
	}
	// The fast reader handles the workbooks real exports write; anything
	// else goes through excelize.
	var missing *worksheet.NoSheetError
	var over *worksheet.LimitError
	if sr, err := worksheet.Open(r, size, p.opt.Sheet, p.sheetLimits()); err == nil {
		defer sr.Close()
		sr.ReuseRow = true
		if err := p.checkSheetName(sr.Name()); err != nil {
			return err
		}
		p.res.Sheet = sr.Name()
		// What the workbook makes the import hold, its shared strings and
		// the values kept, is held to the size of the largest file.
		p.held, p.heldMax = sr.SharedSize(), p.lim.FileBytes
		return p.readTable(&fastRows{p: p, r: sr, sheet: sr.Name()}, nil)
	} else if errors.As(err, &missing) {
		return p.fail("", "no sheet %s; the workbook has %s", clip(p.opt.Sheet), quoteList(missing.Sheets))
	} else if errors.As(err, &over) {
		return p.sheetLimitError(over)
	}
	if err := p.checkFallback(r, size); err != nil {
		return err
	}
	// excelize parses untrusted archives; a panic inside it must become an
	// error about this file, never a crash of the import.
	defer func() {
		if r := recover(); r != nil {
			err = p.fail("", "corrupt XLSX workbook (the reader failed: %v)", r)
		}
	}()
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{UnzipSizeLimit: p.lim.Inflated})
	if err != nil {
		return p.fail("", "not a readable XLSX workbook: %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return p.fail("", "the workbook has no sheets")
	}
	sheet := sheets[0]
	if p.opt.Sheet != "" {
		sheet = ""
		for _, s := range sheets {
			if s == p.opt.Sheet {
				sheet = s
				break
			}
		}
		if sheet == "" {
			for _, s := range sheets {
				if strings.EqualFold(s, p.opt.Sheet) {
					sheet = s
					break
				}
			}
		}
		if sheet == "" {
			return p.fail("", "no sheet %s; the workbook has %s", clip(p.opt.Sheet), quoteList(sheets))
		}
	}
	if err := p.checkSheetName(sheet); err != nil {
		return err
	}
	p.res.Sheet = sheet
	rows, err := f.Rows(sheet)
	if err != nil {
		return p.fail(fmt.Sprintf("sheet %q", sheet), "cannot read rows: %v", err)
	}
	defer rows.Close()
	return p.readTable(&xlsxRows{p: p, rows: rows, sheet: sheet}, nil)
}

// xlsxRows adapts excelize's row iterator to rowSource.
type xlsxRows struct {
	p     *parser
	rows  *excelize.Rows
	sheet string
	n     int
}

// next returns the next row; excelize yields gaps as empty rows, so the
// count is the sheet's row number.
func (x *xlsxRows) next() (row, error) {
	if !x.rows.Next() {
		if err := x.rows.Error(); err != nil {
			return row{}, x.p.fail(fmt.Sprintf("sheet %q, row %d", x.sheet, x.n+1), "corrupt sheet: %v", err)
		}
		return row{}, io.EOF
	}
	x.n++
	cells, err := x.rows.Columns(excelize.Options{RawCellValue: true})
	if err != nil {
		return row{}, x.p.fail(fmt.Sprintf("sheet %q, row %d", x.sheet, x.n), "corrupt row: %v", err)
	}
	for i, c := range cells {
		cells[i] = excelNumber(c)
	}
	return row{cells: cells, origin: vigil.Origin{File: x.p.name, Sheet: x.sheet, Row: x.n}}, nil
}

// fastRows adapts worksheet.Reader to rowSource.
type fastRows struct {
	p     *parser
	r     *worksheet.Reader
	sheet string
}

func (x *fastRows) next() (row, error) {
	cells, n, err := x.r.Next()
	if err == io.EOF {
		return row{}, io.EOF
	}
	var over *worksheet.LimitError
	if errors.As(err, &over) {
		return row{}, x.p.sheetLimitError(over)
	} else if err != nil {
		return row{}, x.p.fail(fmt.Sprintf("sheet %q", x.sheet), "corrupt sheet: %v", err)
	}
	for i, c := range cells {
		cells[i] = excelNumber(c)
	}
	return row{cells: cells, origin: vigil.Origin{File: x.p.name, Sheet: x.sheet, Row: n}}, nil
}

// excelNumber tidies a raw numeric cell: Excel keeps 15 significant
// digits, so binary noise such as 3.2000000000000002 becomes 3.2. Exponent
// forms are written out in full. Text cells pass through unchanged.
func excelNumber(s string) string {
	if s == "" || len(s) > 32 || !(s[0] >= '0' && s[0] <= '9' || s[0] == '-' || s[0] == '.') {
		return s
	}
	// Short plain numbers and text come back unchanged whether they parse
	// or not: decide that before parsing, which allocates on failure.
	digits, exp := 0, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == 'e' || c == 'E':
			exp = true
		}
	}
	if digits <= 15 && !exp {
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return s
	}
	if math.Abs(f) >= 1e15 {
		// An integer too long for a double's precision: keep the text.
		if !strings.ContainsAny(s, "eE.") {
			return s
		}
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
	if err != nil {
		return s
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// quoteList formats names as "a", "b", "c" for messages, each clipped,
// at most a dozen.
func quoteList(names []string) string {
	var q []string
	for i, n := range names {
		if i == 12 {
			q = append(q, fmt.Sprintf("and %d more", len(names)-i))
			break
		}
		q = append(q, clip(n))
	}
	return strings.Join(q, ", ")
}
