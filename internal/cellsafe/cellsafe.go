// Package cellsafe neutralises spreadsheet formulas in the cells Vigil
// exports (CSV and XLSX), so that a value that came from an imported file,
// such as =HYPERLINK(...), +cmd|..., or @SUM(...), is shown as text and
// never run when the file is opened in Excel, LibreOffice or Sheets.
//
// It follows OWASP's advice on CSV injection: a cell that begins with
// '=', '+', '-', '@', a tab or a carriage return gets a single quote in
// front. One deliberate exception: a cell that is wholly a plain decimal
// number ("-3.5", "+44", "-1e-3") is left as it is. A spreadsheet reads it
// as a number constant, never a formula, and quoting it would turn numeric
// columns (scores, deltas) into text. Anything else after the sign, even
// "-3+1", is quoted.
package cellsafe

import (
	"encoding/csv"
	"io"
)

// Text returns s neutralised for a spreadsheet cell.
func Text(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '@', '\t', '\r':
	case '+', '-':
		if isNumber(s) {
			return s
		}
	default:
		return s
	}
	return "'" + s
}

// Row neutralises every cell of r in place and returns it.
func Row(r []string) []string {
	for i, c := range r {
		r[i] = Text(c)
	}
	return r
}

// isNumber reports whether s is a sign, digits, an optional fraction and an
// optional exponent, and nothing else.
func isNumber(s string) bool {
	i := 1 // s[0] is the sign
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i, n = i+1, n+1
		}
		return n
	}
	if digits() == 0 {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// Writer is a csv.Writer whose every cell is neutralised.
type Writer struct {
	*csv.Writer
	buf []string
}

// NewWriter returns a Writer to w.
func NewWriter(w io.Writer) *Writer { return &Writer{Writer: csv.NewWriter(w)} }

// Write neutralises and writes one record; r itself is not changed.
func (w *Writer) Write(r []string) error {
	w.buf = append(w.buf[:0], r...)
	return w.Writer.Write(Row(w.buf))
}
