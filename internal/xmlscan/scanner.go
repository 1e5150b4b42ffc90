// Package xmlscan is a streaming XML tokenizer that checks
// well-formedness as it goes and allocates nothing per token. It reads
// what encoding/xml in strict mode reads, several times faster; a
// differential test holds it to that.
package xmlscan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Scanner splits an XML document into tokens, checking as it goes that
// the document is well-formed: names, attribute syntax and quoting,
// references (the five predefined entities and numeric character
// references; no other entity is ever defined), comments, processing
// instructions, CDATA sections, characters allowed by XML 1.0, and start
// and end tags that match. Names, values and text are slices of the
// document, decoded only when the caller asks.
//
// A Scanner made by New holds the whole document; one made by NewStream
// holds a window on it that the caller moves with Fill between tokens. A
// token the window cuts gives ErrNeedMore, never a wrong token or a wrong
// error. Offsets taken and given by methods are offsets in the window;
// Base gives the document offset of the window's first byte.
//
// The document structure around the root element (one root, what may stand
// before and after it, the DOCTYPE) is the caller's to check; the scanner
// only refuses CDATA and end tags outside any element.
type Scanner struct {
	data   []byte
	pos    int // the next byte to read
	tokOff int // where the current token starts

	// The current token.
	name      []byte // start and end tags: the name as written
	attrs     []Attr // start tags
	selfClose bool   // start tags: <name .../>
	text      []byte // text and CDATA: raw; doctype: from "DOCTYPE" up to the closing '>'
	plain     bool   // text: raw is the value (no reference, no CR)
	cdata     bool   // text: a CDATA section

	open     [][]byte // the names of the open elements, outermost first
	maxDepth int      // how deep elements may nest; 0 for no bound
	buf      []byte   // scratch for decoded values

	// Streaming (see Fill): data is a window on the document.
	src    io.Reader // the rest of the document after data; nil once it is all in data
	srcErr error     // what ended src, other than io.EOF
	base   int       // offset in the document of data[0]

	// Line counting: line numbers are counted forward as offsets grow.
	ln0   int // the line of data[0], less one
	lnOff int // data[:lnOff] is counted,
	ln    int // into ln lines before data[lnOff]
}

// New returns a Scanner of the whole document data.
func New(data []byte) *Scanner { return &Scanner{data: data} }

// NewStream returns a Scanner of a document whose first bytes are window
// and the rest of which src gives. The capacity of window is the size the
// window starts at; Fill grows it as the tokens need.
func NewStream(window []byte, src io.Reader) *Scanner {
	return &Scanner{data: window, src: src}
}

// ErrNeedMore says the window ends inside the token being read: the caller
// fills it and reads the token again. Only a streaming Scanner returns it.
var ErrNeedMore = errors.New("xml: window too small")

// Kind is the kind of a token.
type Kind uint8

// The kinds of token Next reads.
const (
	EOF      Kind = iota // the end of the document
	StartTag             // a start tag, or an empty-element tag (SelfClosing)
	EndTag               // an end tag
	Text                 // character data or a CDATA section
	Comment              // a comment
	ProcInst             // a processing instruction
	Doctype              // a document type declaration, scanned as encoding/xml does
)

// Attr is one attribute of a start tag; AttrValue gives its value.
type Attr struct {
	Name  []byte // as written, prefix included
	value []byte // raw, between the quotes
	plain bool   // the value holds no reference and no CR: raw is the value
}

// SyntaxError is a document that is not well-formed XML. Its message names
// neither line nor offset: the caller words where.
type SyntaxError struct {
	Line   int // the line of the offending byte, from 1
	Offset int // the offset in the document of the offending byte
	Msg    string
}

func (e *SyntaxError) Error() string { return e.Msg }

// SetMaxDepth bounds how deep elements may nest: a start tag deeper than
// depth is a *DepthError. Zero does not bound. The names of the open
// elements are held until they close, so a document nested a million deep
// would otherwise hold a million of them.
func (s *Scanner) SetMaxDepth(depth int) { s.maxDepth = depth }

// DepthError is a document nested deeper than SetMaxDepth allows.
type DepthError struct {
	Line   int // the line of the start tag too deep, from 1
	Offset int // its offset in the document
	Max    int // the depth allowed
}

func (e *DepthError) Error() string { return fmt.Sprintf("elements nested more than %d deep", e.Max) }

// maxQuoted is how much of a name an error message quotes.
const maxQuoted = 80

// quoted returns a name for an error message, cut to maxQuoted bytes: a
// document's names can be as long as the document.
func quoted(name []byte) string {
	if len(name) <= maxQuoted {
		return string(name)
	}
	return fmt.Sprintf("%s... (%d bytes)", name[:maxQuoted], len(name))
}

// Errorf returns a *SyntaxError at window offset off.
func (s *Scanner) Errorf(off int, format string, args ...any) error {
	return s.syntaxError(off, fmt.Sprintf(format, args...))
}

func (s *Scanner) syntaxError(off int, msg string) *SyntaxError {
	return &SyntaxError{Line: s.Line(off), Offset: s.base + off, Msg: msg}
}

// eof is the error for a document that ends inside markup or an element,
// or ErrNeedMore when it is only the window that ends.
func (s *Scanner) eof() error {
	if s.src != nil {
		return ErrNeedMore
	}
	return s.syntaxError(len(s.data), "unexpected EOF")
}

// Name returns the name of the current start or end tag, as written.
func (s *Scanner) Name() []byte { return s.name }

// Attrs returns the attributes of the current start tag.
func (s *Scanner) Attrs() []Attr { return s.attrs }

// SelfClosing reports whether the current start tag is an empty-element
// tag, <name .../>.
func (s *Scanner) SelfClosing() bool { return s.selfClose }

// Text returns the current token's raw text: the characters of text and
// CDATA (TextValue decodes them), the target of a processing instruction,
// and from "DOCTYPE" up to the closing '>' of a document type declaration.
func (s *Scanner) Text() []byte { return s.text }

// TokenOffset returns the window offset at which the current token starts.
func (s *Scanner) TokenOffset() int { return s.tokOff }

// Base returns the document offset of the window's first byte.
func (s *Scanner) Base() int { return s.base }

// Depth returns how many elements are open.
func (s *Scanner) Depth() int { return len(s.open) }

// Offset returns the document offset of the next byte to read.
func (s *Scanner) Offset() int { return s.base + s.pos }

// Buffered returns how many bytes of the window are left to read.
func (s *Scanner) Buffered() int { return len(s.data) - s.pos }

// ReadErr returns the error, other than io.EOF, that ended the reading of
// a streamed document; such a document reads as if it ended there.
func (s *Scanner) ReadErr() error { return s.srcErr }

// Mark is a position between tokens, to go back to with Reset.
type Mark struct{ off, depth int }

// Mark returns the position before the next token.
func (s *Scanner) Mark() Mark { return Mark{s.base + s.pos, len(s.open)} }

// Reset goes back to m, to read again what was read since: after
// ErrNeedMore, Reset then Fill. Fill drops what was read, so a Fill after
// reading on from m and before going back to it voids m.
func (s *Scanner) Reset(m Mark) { s.pos, s.open = m.off-s.base, s.open[:m.depth] }

// Line returns the line, from 1, of window offset off. Offsets asked for
// usually grow: the count goes on from the last one.
func (s *Scanner) Line(off int) int {
	off = min(max(off, 0), len(s.data))
	if off < s.lnOff {
		return 1 + s.ln0 + bytes.Count(s.data[:off], []byte("\n"))
	}
	s.ln += bytes.Count(s.data[s.lnOff:off], []byte("\n"))
	s.lnOff = off
	return 1 + s.ln0 + s.ln
}

// Fill makes the window hold at least want bytes from pos on, or all that
// is left of the document: it drops data[:pos] and reads on. Slices into
// data (the token just read, the open elements but the root) are void
// after it.
func (s *Scanner) Fill(want int) {
	if s.src == nil || len(s.data)-s.pos >= want {
		return
	}
	if s.pos > 0 {
		s.ln0, s.lnOff, s.ln = s.Line(s.pos)-1, 0, 0
		n := copy(s.data, s.data[s.pos:])
		s.data = s.data[:n]
		s.base += s.pos
		s.tokOff -= s.pos
		s.pos = 0
	}
	if cap(s.data) < want+want/2 {
		grown := make([]byte, len(s.data), want*2)
		copy(grown, s.data)
		s.data = grown
	}
	for len(s.data) < cap(s.data) {
		n, err := s.src.Read(s.data[len(s.data):cap(s.data)])
		s.data = s.data[:len(s.data)+n]
		if err != nil {
			if err != io.EOF {
				s.srcErr = err
			}
			s.src = nil
			return
		}
	}
}

// Next reads the next token.
func (s *Scanner) Next() (Kind, error) {
	d := s.data
	s.tokOff = s.pos
	if s.pos >= len(d) {
		if s.src != nil {
			return EOF, ErrNeedMore
		}
		if len(s.open) > 0 {
			return EOF, s.eof()
		}
		return EOF, nil
	}
	if d[s.pos] != '<' {
		return Text, s.scanText()
	}
	if s.pos+1 >= len(d) {
		return EOF, s.eof()
	}
	switch d[s.pos+1] {
	case '/':
		return EndTag, s.scanEndTag()
	case '?':
		return ProcInst, s.scanPI()
	case '!':
		rest := d[s.pos+2:]
		switch {
		case bytes.HasPrefix(rest, []byte("--")):
			return Comment, s.scanComment()
		case bytes.HasPrefix(rest, []byte("[CDATA[")):
			return Text, s.scanCDATA()
		case bytes.HasPrefix(rest, []byte("DOCTYPE")):
			return Doctype, s.scanDoctype()
		case len(rest) < len("[CDATA[") && (bytes.HasPrefix([]byte("--"), rest) ||
			bytes.HasPrefix([]byte("[CDATA["), rest) || bytes.HasPrefix([]byte("DOCTYPE"), rest)):
			return EOF, s.eof()
		}
		return EOF, s.Errorf(s.pos, "invalid markup after <!")
	}
	return StartTag, s.scanStartTag()
}

// Skip reads on to the end of the element whose start tag was just read.
func (s *Scanner) Skip() error {
	if s.selfClose {
		return nil
	}
	for depth := len(s.open); len(s.open) >= depth; {
		if tok, err := s.Next(); err != nil {
			return err
		} else if tok == EOF {
			return s.eof()
		}
	}
	return nil
}
