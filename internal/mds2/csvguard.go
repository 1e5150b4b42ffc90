package mds2

import (
	"fmt"
	"io"

	"github.com/vigil-health/vigil/internal/bound"
)

// csvGuard gives encoding/csv the bytes of a CSV file, holding each record
// to the limits as they pass: csv.Reader gathers a whole record before it
// returns any of it, so a line of a hundred million columns, or one value
// of a gigabyte, must be refused before it gets there. It follows quoting
// as csv.Reader does with LazyQuotes: a quote opens a quoted field only at
// the field's start, and inside one, a quote not followed by a quote, the
// delimiter or a line end is kept as text.
//
// Values and records are counted raw, quotes and all, and refused at twice
// their limits: the table holds the values themselves to the exact limits
// as it keeps them; this bounds what csv.Reader holds on the way.
type csvGuard struct {
	r      io.Reader
	t      *table
	delim  byte
	state  int
	line   int   // the line being read, from 1
	fields int   // the delimiters of the record so far
	field  int64 // the raw bytes of the value being read
	record int64 // the raw bytes of the record being read
	err    error
}

// The states of csvGuard.
const (
	fieldStart = iota // at a value's first byte
	unquoted          // in a value that did not open with a quote
	quoted            // in a quoted value
	quoteSeen         // in a quoted value, just past a quote
)

func newCSVGuard(r io.Reader, delim byte, t *table) *csvGuard {
	return &csvGuard{r: r, t: t, delim: delim, line: 1}
}

func (g *csvGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	for i, c := range p[:n] {
		if e := g.step(c); e != nil {
			g.err = e
			return i, e
		}
	}
	return n, err
}

// step takes one byte.
func (g *csvGuard) step(c byte) error {
	if c == '\n' {
		g.line++
	}
	switch g.state {
	case quoted:
		if c == '"' {
			g.state = quoteSeen
		}
		return g.grow()
	case quoteSeen:
		switch c {
		case '"':
			g.state = quoted
			return g.grow()
		case g.delim, '\n':
		default:
			g.state = quoted // a bare quote, kept as text
			return g.grow()
		}
	}
	switch c {
	case g.delim:
		g.state, g.field = fieldStart, 0
		if g.fields++; g.fields >= g.t.lim.Columns {
			return g.fail(bound.LimitColumns, int64(g.t.lim.Columns), "a row of more than %s columns")
		}
		return nil
	case '\n':
		g.state, g.field, g.record, g.fields = fieldStart, 0, 0, 0
		return nil
	case '"':
		if g.state == fieldStart {
			g.state = quoted
		}
	default:
		if g.state == fieldStart {
			g.state = unquoted
		}
	}
	return g.grow()
}

// grow counts one byte of a value.
func (g *csvGuard) grow() error {
	g.field++
	g.record++
	lim := &g.t.lim
	if g.field > 2*int64(lim.FieldBytes)+2 {
		return g.fail(bound.LimitFieldBytes, int64(lim.FieldBytes), fmt.Sprintf("column %s: a value of more than %%s", colName(g.fields)))
	}
	if g.record > 2*int64(lim.RecordBytes) {
		return g.fail(bound.LimitRecordBytes, int64(lim.RecordBytes), "a row of more than %s")
	}
	return nil
}

// fail is the error of a limit met on the current line.
func (g *csvGuard) fail(limit string, max int64, what string) error {
	err := g.t.over("", 0, limit, max, what).(*Error)
	err.Line = g.line
	return err
}
