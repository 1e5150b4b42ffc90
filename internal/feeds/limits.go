package feeds

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
)

// A feed is held to its bound.Limits as it streams, before what a limit
// bounds is held: the file to FileBytes and what gzip unpacks to to
// Inflated (ParseLimits); a JSON feed's nesting to Depth and its strings
// and numbers to FieldBytes (bound.JSON); each record of a streamed list
// (an NVD, KEV or OSV entry) to RecordBytes and the list to Rows
// (jsonInput); a CSV feed's records to RecordBytes and Columns as bytes
// pass, its rows to Rows and its values to FieldBytes (csvGuard). A CVE 5
// record, read whole, is one record (RecordBytes); a CSAF document, read
// whole, is held to a WholeShare of FileBytes (LimitWhole) and to Rows
// list elements in all (LimitLists).

// jsonInput is a JSON feed read under its limits: the decoder reads
// through a record count that each element of a streamed list restarts.
type jsonInput struct {
	name string
	lim  bound.Limits
	rec  recordCap
}

// newJSON returns a decoder of r held to lim, and the input it reads.
func newJSON(name string, r io.Reader, lim bound.Limits) (*json.Decoder, *jsonInput) {
	in := &jsonInput{name: name, lim: lim}
	in.rec = recordCap{r: bound.JSON(r, name, lim), name: name, max: int64(lim.RecordBytes)}
	return json.NewDecoder(&in.rec), in
}

// element starts the count of the i-th element (from 0) of a streamed
// list, refusing it past Rows.
func (in *jsonInput) element(i int) error {
	if i >= in.lim.Rows {
		return bound.Over(in.name, fmt.Sprintf("record %d", i+1), bound.LimitRows, int64(in.lim.Rows), "a list of more than %s records")
	}
	in.rec.start(i + 1)
	return nil
}

// recordCap counts the bytes read for one record and fails past max: a
// record of the feed's list, or (record 0) what stands outside it. The
// decoder reads ahead, so a record is held to max plus one read.
type recordCap struct {
	r    io.Reader
	name string
	max  int64
	n    int64
	rec  int
	err  error
}

func (c *recordCap) start(rec int) { c.n, c.rec = 0, rec }

func (c *recordCap) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.r.Read(p)
	if c.n += int64(n); c.n > c.max {
		where := ""
		if c.rec > 0 {
			where = fmt.Sprintf("record %d", c.rec)
		}
		c.err = bound.Over(c.name, where, bound.LimitRecordBytes, c.max, "a record of more than %s")
		return n, c.err
	}
	return n, err
}

// csvGuard holds a CSV feed to its limits as bytes pass: a record (a line,
// or the lines a quoted value spans) to RecordBytes, and its fields to
// Columns. Quotes are followed only to tell a newline or comma inside a
// value from one between values; the CSV reader behind it finds whatever
// else is wrong.
type csvGuard struct {
	r       io.Reader
	name    string
	lim     bound.Limits
	line    int   // the line being read, from 1
	recLine int   // the line the record being read starts on
	n       int64 // bytes of the record so far
	commas  int   // commas of the record outside quotes
	quoted  bool
	err     error
}

func newCSVGuard(r io.Reader, name string, lim bound.Limits) *csvGuard {
	return &csvGuard{r: r, name: name, lim: lim, line: 1, recLine: 1}
}

func (g *csvGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	for i, c := range p[:n] {
		if g.n++; g.n > int64(g.lim.RecordBytes) {
			g.err = bound.Over(g.name, fmt.Sprintf("line %d", g.recLine), bound.LimitRecordBytes, int64(g.lim.RecordBytes), "a record of more than %s")
			return i, g.err
		}
		switch c {
		case '"':
			g.quoted = !g.quoted
		case ',':
			if g.quoted {
				break
			}
			if g.commas++; g.commas >= g.lim.Columns {
				g.err = bound.Over(g.name, fmt.Sprintf("line %d", g.recLine), bound.LimitColumns, int64(g.lim.Columns), "a record of more than %s columns")
				return i, g.err
			}
		case '\n':
			g.line++
			if !g.quoted {
				g.n, g.commas, g.recLine = 0, 0, g.line
			}
		}
	}
	return n, err
}

// checkRow holds one CSV row, at line, to Rows (row counts the rows after
// the header, from 1) and its values to FieldBytes.
func (g *csvGuard) checkRow(rec []string, row, line int) error {
	if row > g.lim.Rows {
		return bound.Over(g.name, fmt.Sprintf("line %d", line), bound.LimitRows, int64(g.lim.Rows), "more than %s rows")
	}
	for _, v := range rec {
		if len(v) > g.lim.FieldBytes {
			return bound.Over(g.name, fmt.Sprintf("line %d", line), bound.LimitFieldBytes, int64(g.lim.FieldBytes), "a value of more than %s")
		}
	}
	return nil
}

// limitError returns the error of the limit err met, if it met one: the
// message bound.Over wrote, which names the flag, without what the parser
// wrapped around it.
func limitError(err error) error {
	var ve *vigil.Error
	if _, ok := bound.AsLimitError(err); ok && errors.As(err, &ve) {
		return ve
	}
	return nil
}

// listCap holds a JSON document read whole to lim.Rows list elements in
// all, counted as bytes pass: what a document decodes to grows with its
// lists (its objects decode into fixed structs, unknown members skipped),
// so a document of tiny elements cannot make a hundred times its size.
// It reads behind bound.JSON, which holds the nesting to lim.Depth.
type listCap struct {
	r        io.Reader
	name     string
	max      int
	n        int
	off      int64
	lists    []bool // the open containers, innermost last: true for a list
	inString bool
	escape   bool
	opened   bool // a list just opened: the next value is its first element
	err      error
}

// LimitLists returns r, a JSON document read whole, held to lim.Rows list
// elements in all as it is read (listCap); put it behind bound.JSON. The
// SBOM reader holds its JSON documents to it too.
func LimitLists(r io.Reader, name string, lim bound.Limits) io.Reader {
	lim = lim.OrDefault()
	return &listCap{r: r, name: name, max: lim.Rows, lists: make([]bool, 0, lim.Depth+1)}
}

func (c *listCap) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if c.inString {
			switch {
			case c.escape:
				c.escape = false
			case b == '\\':
				c.escape = true
			case b == '"':
				c.inString = false
			}
			continue
		}
		counted := false
		switch b {
		case ' ', '\t', '\r', '\n':
			continue
		}
		if c.opened {
			c.opened, counted = false, b != ']'
		}
		switch b {
		case '"':
			c.inString = true
		case '[':
			c.lists = append(c.lists, true)
			c.opened = true
		case '{':
			c.lists = append(c.lists, false)
		case ']', '}':
			if len(c.lists) > 0 {
				c.lists = c.lists[:len(c.lists)-1]
			}
		case ',':
			counted = len(c.lists) > 0 && c.lists[len(c.lists)-1]
		}
		if counted {
			if c.n++; c.n > c.max {
				c.err = bound.Over(c.name, fmt.Sprintf("byte %d", c.off+int64(i)), bound.LimitRows, int64(c.max), "a document of more than %s list elements")
				return i, c.err
			}
		}
	}
	c.off += int64(n)
	return n, err
}

// WholeShare is the part of --max-file-bytes a document read whole (a CSAF
// document, an SBOM) may take. Decoded whole, with what it yields built
// beside it, a document costs about fourteen times its size: a 64 MiB CSAF
// VEX of 300,000 products imported at a peak of 920 MiB, a 66 MiB
// CycloneDX SBOM of 300,000 components at 875 MiB. An eighth, 64 MiB by
// default, keeps an import under 1 GiB and holds the largest real CSAF
// VEX files (tens of MB).
const WholeShare = 8

// LimitWhole returns r, a document read whole, held to a WholeShare of
// lim.FileBytes as it is read; what names the document ("a CSAF
// document").
func LimitWhole(r io.Reader, name string, lim bound.Limits, what string) io.Reader {
	lim = lim.OrDefault()
	return bound.Reader(r, name, bound.LimitFileBytes, max(lim.FileBytes/WholeShare, 1),
		what+" of more than %s, read whole (an eighth of --max-file-bytes)")
}
