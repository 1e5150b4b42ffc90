package ingest

import (
	"fmt"
	"io"
)

// csvGuard gives encoding/csv the text of a CSV file, holding each record
// to the parser's limits as the bytes pass: csv.Reader gathers a whole
// record before it returns any of it, so a line of a hundred million
// columns, or one cell of a gigabyte, must be refused before it gets there.
// It follows the quoting as csv.Reader does once bare quotes are masked:
// every quote opens or closes a quoted field, or is half of a "".
//
// Cell and record sizes are counted raw, quotes and all, and refused at
// twice their limits: limitedRows holds the cells themselves to the exact
// limits; this bounds what csv.Reader holds on the way.
type csvGuard struct {
	p      *parser
	text   []byte
	pos    int
	class  [256]bool // the bytes the scan stops at: the delimiter, '"', '\n'
	delim  byte
	quoted bool
	line   int // the line of text[pos]
	fields int // the delimiters of the record so far
	field  int // the offset where the field being read starts
	record int // the offset where the record being read starts
	err    error
}

// newCSVGuard returns a guard reading text, delimited by delim, whose first
// line is line.
func newCSVGuard(p *parser, text []byte, delim byte, line int) *csvGuard {
	g := &csvGuard{p: p, text: text, delim: delim, line: line}
	g.class[delim], g.class['"'], g.class['\n'] = true, true, true
	return g
}

func (g *csvGuard) Read(b []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	if g.pos >= len(g.text) {
		return 0, io.EOF
	}
	end := g.pos + min(len(b), len(g.text)-g.pos)
	lim := &g.p.lim
	for i := g.pos; i < end; i++ {
		for i < end && !g.class[g.text[i]] {
			i++
		}
		if i == end {
			break
		}
		switch c := g.text[i]; {
		case c == '"':
			g.quoted = !g.quoted
		case c == '\n':
			g.line++
			if !g.quoted {
				if err := g.checkField(i); err != nil {
					return 0, err
				}
				g.fields, g.field, g.record = 0, i+1, i+1
			}
		case !g.quoted: // the delimiter
			if err := g.checkField(i); err != nil {
				return 0, err
			}
			g.field = i + 1
			if g.fields++; g.fields >= lim.Columns {
				return 0, g.fail(LimitColumns, int64(lim.Columns), "a row of more than %s columns")
			}
		}
	}
	if err := g.checkField(end); err != nil {
		return 0, err
	}
	n := copy(b, g.text[g.pos:end])
	g.pos = end
	return n, nil
}

// checkField checks the field and the record read so far, up to offset i.
func (g *csvGuard) checkField(i int) error {
	lim := &g.p.lim
	if i-g.field > 2*lim.FieldBytes+2 {
		return g.fail(LimitFieldBytes, int64(lim.FieldBytes), fmt.Sprintf("column %d: a value of more than %%s", g.fields+1))
	}
	if i-g.record > 2*lim.RecordBytes {
		return g.fail(LimitRecordBytes, int64(lim.RecordBytes), "a row of more than %s")
	}
	return nil
}

// fail ends the reading with a limit error at the current line.
func (g *csvGuard) fail(limit string, max int64, what string) error {
	g.err = g.p.limitError(fmt.Sprintf("line %d", g.line), limit, max, what)
	return g.err
}
