package sbom

import (
	"fmt"
	"io"

	"github.com/vigil-health/vigil/internal/bound"
)

// xmlGuard holds an XML document to its limits as bytes pass, before the
// library's decoder (encoding/xml, which bounds neither) holds it: elements
// nested at most lim.Depth deep, a text, CDATA section or attribute value
// at most lim.FieldBytes long, any other markup (a tag, a comment, a
// processing instruction, a DOCTYPE) at most lim.RecordBytes, and at most
// lim.Rows elements in all (what the document decodes to grows with
// them). It follows
// markup only as far as these need and holds nothing but a few counters:
// the decoder behind it finds whatever else is wrong.
type xmlGuard struct {
	r    io.Reader
	name string
	lim  bound.Limits
	err  error

	off  int64 // of the next byte
	line int   // of the next byte, from 1

	state     xmlState
	depth     int
	elements  int
	n         int64  // bytes of the current text or markup
	v         int64  // in a tag: bytes of the value being read
	startOff  int64  // where the current token starts
	startLine int    // its line
	quote     byte   // in a tag: the quote of the value being read, or 0
	closing   bool   // in a tag: an end tag
	slash     bool   // in a tag: the last byte outside quotes was '/'
	bang      []byte // after "<!": what follows, up to "[CDATA["
	last2     [2]byte
	brackets  int // in a DOCTYPE: open '['
}

type xmlState uint8

const (
	xmlText    xmlState = iota
	xmlLT               // after '<'
	xmlTag              // in a start or end tag
	xmlBang             // after "<!"
	xmlComment          // in <!-- -->
	xmlCDATA            // in <![CDATA[ ]]>
	xmlPI               // in <? ?>
	xmlDecl             // in <!DOCTYPE ...>
)

func newXMLGuard(r io.Reader, name string, lim bound.Limits) *xmlGuard {
	return &xmlGuard{r: r, name: name, lim: lim, line: 1, bang: make([]byte, 0, 8)}
}

func (g *xmlGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	for i, c := range p[:n] {
		if e := g.step(c); e != nil {
			g.err = e
			return i, e
		}
		g.off++
		if c == '\n' {
			g.line++
		}
	}
	return n, err
}

// where is the position of the current token for an error.
func (g *xmlGuard) where() string { return fmt.Sprintf("line %d, byte %d", g.startLine, g.startOff) }

// start begins a token at the byte being read.
func (g *xmlGuard) start(s xmlState) {
	g.state, g.n, g.startOff, g.startLine = s, 0, g.off, g.line
}

func (g *xmlGuard) step(c byte) error {
	g.n++
	switch g.state {
	case xmlText:
		if c == '<' {
			g.start(xmlLT)
			return nil
		}
		if g.n == 1 {
			g.startOff, g.startLine = g.off, g.line
		}
		return g.value("an XML text of more than %s")
	case xmlLT:
		switch c {
		case '/':
			g.state, g.closing, g.slash, g.quote = xmlTag, true, false, 0
		case '?':
			g.state = xmlPI
		case '!':
			g.state, g.bang = xmlBang, g.bang[:0]
		default:
			g.state, g.closing, g.slash, g.quote = xmlTag, false, false, 0
			if g.elements++; g.elements > g.lim.Rows {
				return bound.Over(g.name, g.where(), bound.LimitRows, int64(g.lim.Rows), "an XML document of more than %s elements")
			}
		}
	case xmlTag:
		return g.tag(c)
	case xmlBang:
		g.bang = append(g.bang, c)
		switch b := string(g.bang); {
		case b == "--":
			g.state, g.last2 = xmlComment, [2]byte{}
		case b == "[CDATA[":
			g.state, g.n, g.last2 = xmlCDATA, 0, [2]byte{}
		case len(b) > 7 || b[0] != '-' && b[0] != '[':
			g.state, g.brackets, g.quote = xmlDecl, 0, 0
			return g.decl(c)
		}
	case xmlComment, xmlCDATA, xmlPI:
		end := g.state == xmlPI && g.last2[1] == '?' && c == '>' ||
			g.state == xmlComment && g.last2 == [2]byte{'-', '-'} && c == '>' ||
			g.state == xmlCDATA && g.last2 == [2]byte{']', ']'} && c == '>'
		g.last2 = [2]byte{g.last2[1], c}
		if end {
			g.state, g.n = xmlText, 0
			return nil
		}
		if g.state == xmlCDATA {
			return g.value("an XML CDATA section of more than %s")
		}
		return g.markup()
	case xmlDecl:
		return g.decl(c)
	}
	return nil
}

// tag reads a byte of a start or end tag.
func (g *xmlGuard) tag(c byte) error {
	if g.quote != 0 {
		if c == g.quote {
			g.quote = 0
			return nil
		}
		if g.v++; g.v > int64(g.lim.FieldBytes) {
			return bound.Over(g.name, g.where(), bound.LimitFieldBytes, int64(g.lim.FieldBytes), "an XML attribute value of more than %s")
		}
		return g.markup()
	}
	switch c {
	case '"', '\'':
		g.quote, g.v = c, 0
	case '>':
		switch {
		case g.closing:
			g.depth = max(g.depth-1, 0)
		case !g.slash:
			if g.depth++; g.depth > g.lim.Depth {
				return bound.Over(g.name, g.where(), bound.LimitDepth, int64(g.lim.Depth), "XML nested more than %s deep")
			}
		}
		g.state, g.n = xmlText, 0
		return nil
	}
	g.slash = c == '/'
	return g.markup()
}

// decl reads a byte of a DOCTYPE: it ends at '>' outside quotes and its
// internal subset's brackets.
func (g *xmlGuard) decl(c byte) error {
	switch {
	case g.quote != 0:
		if c == g.quote {
			g.quote = 0
		}
	case c == '"' || c == '\'':
		g.quote = c
	case c == '[':
		g.brackets++
	case c == ']':
		g.brackets--
	case c == '>' && g.brackets <= 0:
		g.state, g.n = xmlText, 0
		return nil
	}
	return g.markup()
}

// value holds a text or value to FieldBytes.
func (g *xmlGuard) value(what string) error {
	if g.n > int64(g.lim.FieldBytes) {
		return bound.Over(g.name, g.where(), bound.LimitFieldBytes, int64(g.lim.FieldBytes), what)
	}
	return nil
}

// markup holds a tag, comment, processing instruction or DOCTYPE to
// RecordBytes.
func (g *xmlGuard) markup() error {
	if g.n > int64(g.lim.RecordBytes) {
		return bound.Over(g.name, g.where(), bound.LimitRecordBytes, int64(g.lim.RecordBytes), "XML markup of more than %s")
	}
	return nil
}
