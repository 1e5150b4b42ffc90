package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// xmlScanner splits an XML document into tokens, checking as it goes that
// the document is well-formed: names, attribute syntax and quoting,
// references (the five predefined entities and numeric character
// references; no other entity is ever defined), comments, processing
// instructions, CDATA sections, characters allowed by XML 1.0, and start
// and end tags that match. It is the hot path of readNmap, several times
// faster than encoding/xml, and allocates nothing per token: names, values
// and text are slices of data, decoded only when the caller asks.
//
// data is the whole document, or with src a window on it that the caller
// moves with fill between tokens; a token the window cuts gives
// errNeedMore, never a wrong token or a wrong error.
//
// The document structure around the root element (one root, what may stand
// before and after it, the DOCTYPE) is the caller's to check; the scanner
// only refuses CDATA and end tags outside any element.
type xmlScanner struct {
	data   []byte
	pos    int // the next byte to read
	tokOff int // where the current token starts

	// The current token.
	name      []byte    // start and end tags: the name as written
	attrs     []xmlAttr // start tags
	selfClose bool      // start tags: <name .../>
	text      []byte    // text and CDATA: raw; doctype: from "DOCTYPE" up to the closing '>'
	plain     bool      // text: raw is the value (no reference, no CR)
	cdata     bool      // text: a CDATA section

	open [][]byte // the names of the open elements, outermost first
	buf  []byte   // scratch for decoded values

	// Streaming (see fill): data is a window on the document.
	src    io.Reader // the rest of the document after data; nil once it is all in data
	srcErr error     // what ended src, other than io.EOF
	base   int       // offset in the document of data[0]

	// Line counting: line numbers are counted forward as offsets grow.
	ln0   int // the line of data[0], less one
	lnOff int // data[:lnOff] is counted,
	ln    int // into ln lines before data[lnOff]
}

// errNeedMore says the window ends inside the token being read: the caller
// fills it and reads the token again. Only a scanner with a src returns it.
var errNeedMore = errors.New("xml: window too small")

// xmlTok is the kind of a token.
type xmlTok uint8

const (
	tokEOF     xmlTok = iota
	tokStart          // a start tag, or an empty-element tag (selfClose)
	tokEnd            // an end tag
	tokText           // character data or a CDATA section
	tokComment        // a comment
	tokPI             // a processing instruction
	tokDoctype        // a document type declaration, scanned as encoding/xml does
)

// xmlAttr is one attribute of a start tag.
type xmlAttr struct {
	name  []byte // as written, prefix included
	value []byte // raw, between the quotes
	plain bool   // the value holds no reference and no CR: raw is the value
}

// xmlSyntaxError is a document that is not well-formed XML, at a byte offset.
type xmlSyntaxError struct {
	off int
	msg string
}

func (e *xmlSyntaxError) Error() string { return e.msg }

func (s *xmlScanner) errorf(off int, format string, args ...any) error {
	return &xmlSyntaxError{off: off, msg: fmt.Sprintf(format, args...)}
}

// eof is the error for a document that ends inside markup or an element,
// or errNeedMore when it is only the window that ends.
func (s *xmlScanner) eof() error {
	if s.src != nil {
		return errNeedMore
	}
	return &xmlSyntaxError{off: len(s.data), msg: "unexpected EOF"}
}

// line returns the line of data[off]. Offsets asked for usually grow: the
// count goes on from the last one.
func (s *xmlScanner) line(off int) int {
	off = min(max(off, 0), len(s.data))
	if off < s.lnOff {
		return 1 + s.ln0 + bytes.Count(s.data[:off], []byte("\n"))
	}
	s.ln += bytes.Count(s.data[s.lnOff:off], []byte("\n"))
	s.lnOff = off
	return 1 + s.ln0 + s.ln
}

// fill makes the window hold at least want bytes from pos on, or all that
// is left of the document: it drops data[:pos] and reads on. Slices into
// data (the token just read, the open elements but the root) are void
// after it.
func (s *xmlScanner) fill(want int) {
	if s.src == nil || len(s.data)-s.pos >= want {
		return
	}
	if s.pos > 0 {
		s.ln0, s.lnOff, s.ln = s.line(s.pos)-1, 0, 0
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

// Byte classes, for the loops that run over text and attribute values.
const (
	cNameStart = 1 << iota // an ASCII NameStartChar
	cName                  // an ASCII NameChar
	cSpace                 // S: space, tab, CR, LF
	cText                  // ends a plain run of text: < & ] CR, a control character, non-ASCII
	cAttr                  // ends a plain run of an attribute value: " ' < & CR, a control character, non-ASCII
	cChar                  // needs a look: a control character or non-ASCII
)

var xmlClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c == '_', c == ':':
			t[c] |= cNameStart | cName
		case c >= '0' && c <= '9', c == '-', c == '.':
			t[c] |= cName
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			t[c] |= cSpace
		}
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c >= 0x80 {
			t[c] |= cText | cAttr | cChar
		}
		switch c {
		case '<', '&', '\r':
			t[c] |= cText | cAttr
		case ']':
			t[c] |= cText
		case '"', '\'':
			t[c] |= cAttr
		}
	}
	return t
}()

// isXMLChar reports whether r is a Char of XML 1.0.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// isNameStart and isNameChar are XML 1.0 (fifth edition) NameStartChar and
// NameChar for runes past ASCII.
func isNameStart(r rune) bool {
	return r >= 0xC0 && r <= 0xD6 || r >= 0xD8 && r <= 0xF6 || r >= 0xF8 && r <= 0x2FF ||
		r >= 0x370 && r <= 0x37D || r >= 0x37F && r <= 0x1FFF || r >= 0x200C && r <= 0x200D ||
		r >= 0x2070 && r <= 0x218F || r >= 0x2C00 && r <= 0x2FEF || r >= 0x3001 && r <= 0xD7FF ||
		r >= 0xF900 && r <= 0xFDCF || r >= 0xFDF0 && r <= 0xFFFD || r >= 0x10000 && r <= 0xEFFFF
}

func isNameChar(r rune) bool {
	return isNameStart(r) || r == 0xB7 || r >= 0x300 && r <= 0x36F || r >= 0x203F && r <= 0x2040
}

// char checks the character at data[i], which has class cChar, and
// returns its length.
func (s *xmlScanner) char(i int) (int, error) {
	c := s.data[i]
	if c < utf8.RuneSelf {
		return 0, s.errorf(i, "illegal character code %U", rune(c))
	}
	if s.src != nil && !utf8.FullRune(s.data[i:]) {
		return 0, errNeedMore
	}
	r, n := utf8.DecodeRune(s.data[i:])
	if r == utf8.RuneError && n == 1 {
		return 0, s.errorf(i, "invalid UTF-8")
	}
	if !isXMLChar(r) {
		return 0, s.errorf(i, "illegal character code %U", r)
	}
	return n, nil
}

// chars checks that data[i:end] holds only XML characters.
func (s *xmlScanner) chars(i, end int) error {
	for i < end {
		if xmlClass[s.data[i]]&cChar == 0 {
			i++
			continue
		}
		n, err := s.char(i)
		if err != nil {
			return err
		}
		i += n
	}
	return nil
}

// scanName returns the end of the Name starting at data[i], i when there
// is none. A name holds at most one colon, as namespaces require.
func (s *xmlScanner) scanName(i int) (int, error) {
	d := s.data
	start := i
	if i < len(d) && xmlClass[d[i]]&cNameStart != 0 {
		i++
		for i < len(d) && xmlClass[d[i]]&cName != 0 {
			i++
		}
	}
	if i < len(d) && d[i] >= utf8.RuneSelf {
		i = s.scanNameUnicode(start, i)
	}
	if s.src != nil && (i == len(d) || !utf8.FullRune(d[i:])) {
		return start, errNeedMore // the name may go on past the window
	}
	if i > start && bytes.IndexByte(d[start:i], ':') >= 0 && bytes.Count(d[start:i], []byte(":")) > 1 {
		return start, s.errorf(start, "name with more than one colon")
	}
	return i, nil
}

// scanNameUnicode goes on with a name that holds characters past ASCII.
func (s *xmlScanner) scanNameUnicode(start, i int) int {
	d := s.data
	for i < len(d) {
		if c := d[i]; c < utf8.RuneSelf {
			cl := xmlClass[c]
			if cl&cName == 0 || (i == start && cl&cNameStart == 0) {
				break
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(d[i:])
		if (i == start && !isNameStart(r)) || !isNameChar(r) {
			break
		}
		i += n
	}
	return i
}

// space returns the end of the white space starting at data[i].
func (s *xmlScanner) space(i int) int {
	for i < len(s.data) && xmlClass[s.data[i]]&cSpace != 0 {
		i++
	}
	return i
}

// next reads the next token.
func (s *xmlScanner) next() (xmlTok, error) {
	d := s.data
	s.tokOff = s.pos
	if s.pos >= len(d) {
		if s.src != nil {
			return tokEOF, errNeedMore
		}
		if len(s.open) > 0 {
			return tokEOF, s.eof()
		}
		return tokEOF, nil
	}
	if d[s.pos] != '<' {
		return tokText, s.scanText()
	}
	if s.pos+1 >= len(d) {
		return tokEOF, s.eof()
	}
	switch d[s.pos+1] {
	case '/':
		return tokEnd, s.scanEndTag()
	case '?':
		return tokPI, s.scanPI()
	case '!':
		rest := d[s.pos+2:]
		switch {
		case bytes.HasPrefix(rest, []byte("--")):
			return tokComment, s.scanComment()
		case bytes.HasPrefix(rest, []byte("[CDATA[")):
			return tokText, s.scanCDATA()
		case bytes.HasPrefix(rest, []byte("DOCTYPE")):
			return tokDoctype, s.scanDoctype()
		case len(rest) < len("[CDATA[") && (bytes.HasPrefix([]byte("--"), rest) ||
			bytes.HasPrefix([]byte("[CDATA["), rest) || bytes.HasPrefix([]byte("DOCTYPE"), rest)):
			return tokEOF, s.eof()
		}
		return tokEOF, s.errorf(s.pos, "invalid markup after <!")
	}
	return tokStart, s.scanStartTag()
}

// scanText reads character data up to the next '<'.
func (s *xmlScanner) scanText() error {
	d := s.data
	i, plain := s.pos, true
	for i < len(d) {
		c := d[i]
		if xmlClass[c]&cText == 0 {
			i++
			continue
		}
		switch {
		case c == '<':
			s.text, s.plain, s.cdata, s.pos = d[s.pos:i], plain, false, i
			return nil
		case c == '&':
			n, err := s.reference(i)
			if err != nil {
				return err
			}
			i, plain = i+n, false
		case c == ']':
			if bytes.HasPrefix(d[i:], []byte("]]>")) {
				return s.errorf(i, "unescaped ]]> not in CDATA section")
			}
			i++
		case c == '\r':
			i, plain = i+1, false
		default:
			n, err := s.char(i)
			if err != nil {
				return err
			}
			i += n
		}
	}
	s.text, s.plain, s.cdata, s.pos = d[s.pos:i], plain, false, i
	return nil
}

// reference checks the reference starting at data[i] ('&') and returns its
// length, ';' included.
func (s *xmlScanner) reference(i int) (int, error) {
	d := s.data
	j := i + 1
	bad := func(end int, why string) error {
		ent := d[i:min(end, i+24)]
		return s.errorf(i, "invalid character entity %s%s", ent, why)
	}
	if j < len(d) && d[j] == '#' {
		j++
		base := 10
		if j < len(d) && d[j] == 'x' {
			base, j = 16, j+1
		}
		digits, n := j, 0
		for ; j < len(d); j++ {
			c := d[j]
			var v int
			switch {
			case c >= '0' && c <= '9':
				v = int(c - '0')
			case base == 16 && c >= 'a' && c <= 'f':
				v = int(c-'a') + 10
			case base == 16 && c >= 'A' && c <= 'F':
				v = int(c-'A') + 10
			default:
				v = -1
			}
			if v < 0 {
				break
			}
			if n <= utf8.MaxRune {
				n = n*base + v
			}
		}
		if j >= len(d) {
			return 0, s.eof()
		}
		if d[j] != ';' {
			return 0, bad(j, " (no semicolon)")
		}
		if j == digits || n > utf8.MaxRune || !isXMLChar(rune(n)) {
			return 0, bad(j+1, "")
		}
		return j + 1 - i, nil
	}
	end, err := s.scanName(j)
	if err != nil {
		return 0, err
	}
	if end >= len(d) {
		return 0, s.eof()
	}
	if d[end] != ';' {
		return 0, bad(end, " (no semicolon)")
	}
	switch string(d[j:end]) {
	case "lt", "gt", "amp", "apos", "quot":
		return end + 1 - i, nil
	}
	return 0, bad(end+1, "")
}

// decode returns the value of raw text or an attribute value that is not
// plain: references resolved, CR LF and lone CR made LF. The result is
// valid until the next call.
func (s *xmlScanner) decode(raw []byte, refs bool) []byte {
	out := s.buf[:0]
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case c == '\r':
			out = append(out, '\n')
			i++
			if i < len(raw) && raw[i] == '\n' {
				i++
			}
		case c == '&' && refs:
			semi := i + bytes.IndexByte(raw[i:], ';')
			ent := raw[i+1 : semi]
			switch {
			case ent[0] == '#':
				base, digits := 10, ent[1:]
				if len(digits) > 0 && digits[0] == 'x' {
					base, digits = 16, digits[1:]
				}
				n, _ := strconv.ParseUint(string(digits), base, 32)
				out = utf8.AppendRune(out, rune(n))
			case string(ent) == "lt":
				out = append(out, '<')
			case string(ent) == "gt":
				out = append(out, '>')
			case string(ent) == "amp":
				out = append(out, '&')
			case string(ent) == "apos":
				out = append(out, '\'')
			case string(ent) == "quot":
				out = append(out, '"')
			}
			i = semi + 1
		default:
			j := i + 1
			for j < len(raw) && raw[j] != '\r' && (raw[j] != '&' || !refs) {
				j++
			}
			out = append(out, raw[i:j]...)
			i = j
		}
	}
	s.buf = out
	return out
}

// textValue returns the current text token's value; valid until the next
// call to decode.
func (s *xmlScanner) textValue() []byte {
	if s.plain {
		return s.text
	}
	return s.decode(s.text, !s.cdata)
}

// attrValue returns an attribute's value; valid until the next call to
// decode.
func (s *xmlScanner) attrValue(a *xmlAttr) []byte {
	if a.plain {
		return a.value
	}
	return s.decode(a.value, true)
}

// scanStartTag reads <name attr="value" ...> or <name .../>.
func (s *xmlScanner) scanStartTag() error {
	d := s.data
	i := s.pos + 1
	end, err := s.scanName(i)
	if err != nil {
		return err
	}
	if end == i {
		return s.errorf(i, "expected element name after <")
	}
	s.name, s.attrs, s.selfClose = d[i:end], s.attrs[:0], false
	i = end
	for {
		j := s.space(i)
		if j >= len(d) {
			return s.eof()
		}
		if d[j] == '>' {
			i = j + 1
			break
		}
		if d[j] == '/' {
			if j+1 >= len(d) {
				return s.eof()
			}
			if d[j+1] != '>' {
				return s.errorf(j, "expected /> in element")
			}
			i, s.selfClose = j+2, true
			break
		}
		if j == i {
			return s.errorf(j, "expected white space before an attribute in element")
		}
		nameEnd, err := s.scanName(j)
		if err != nil {
			return err
		}
		if nameEnd == j {
			return s.errorf(j, "expected attribute name in element")
		}
		k := s.space(nameEnd)
		if k >= len(d) {
			return s.eof()
		}
		if d[k] != '=' {
			return s.errorf(k, "attribute name without = in element")
		}
		k = s.space(k + 1)
		if k >= len(d) {
			return s.eof()
		}
		a := xmlAttr{name: d[j:nameEnd]}
		if a.value, a.plain, i, err = s.scanAttrValue(k); err != nil {
			return err
		}
		for _, b := range s.attrs {
			if bytes.Equal(b.name, a.name) {
				return s.errorf(j, "attribute %s appears twice in element", a.name)
			}
		}
		s.attrs = append(s.attrs, a)
	}
	s.pos = i
	if !s.selfClose {
		name := s.name
		if len(s.open) == 0 {
			name = bytes.Clone(name) // the root's name outlives the window
		}
		s.open = append(s.open, name)
	}
	return nil
}

// scanAttrValue reads a quoted value starting at data[i] and returns it
// raw, whether it is plain, and where it ends.
func (s *xmlScanner) scanAttrValue(i int) (value []byte, plain bool, end int, err error) {
	d := s.data
	q := d[i]
	if q != '"' && q != '\'' {
		return nil, false, 0, s.errorf(i, "unquoted or missing attribute value in element")
	}
	start := i + 1
	plain = true
	for i = start; i < len(d); {
		c := d[i]
		if xmlClass[c]&cAttr == 0 {
			i++
			continue
		}
		switch {
		case c == q:
			return d[start:i], plain, i + 1, nil
		case c == '"' || c == '\'':
			i++
		case c == '<':
			return nil, false, 0, s.errorf(i, "unescaped < inside quoted string")
		case c == '&':
			n, err := s.reference(i)
			if err != nil {
				return nil, false, 0, err
			}
			i, plain = i+n, false
		case c == '\r':
			i, plain = i+1, false
		default:
			n, err := s.char(i)
			if err != nil {
				return nil, false, 0, err
			}
			i += n
		}
	}
	return nil, false, 0, s.eof()
}

// needName scans the name that must start at i; at the end of the data it
// asks for more, else an empty name is the error msg.
func (s *xmlScanner) needName(i int, msg string) (int, error) {
	end, err := s.scanName(i)
	if err != nil {
		return 0, err
	}
	if end == i {
		if i >= len(s.data) {
			return 0, s.eof()
		}
		return 0, s.errorf(i, "%s", msg)
	}
	return end, nil
}

// scanEndTag reads </name> and checks it closes the open element.
func (s *xmlScanner) scanEndTag() error {
	d := s.data
	i := s.pos + 2
	end, err := s.needName(i, "expected element name after </")
	if err != nil {
		return err
	}
	s.name = d[i:end]
	j := s.space(end)
	if j >= len(d) {
		return s.eof()
	}
	if d[j] != '>' {
		return s.errorf(j, "invalid characters between </%s and >", s.name)
	}
	if len(s.open) == 0 {
		return s.errorf(s.pos, "unexpected end element </%s>", s.name)
	}
	if top := s.open[len(s.open)-1]; !bytes.Equal(top, s.name) {
		return s.errorf(s.pos, "element <%s> closed by </%s>", top, s.name)
	}
	s.open = s.open[:len(s.open)-1]
	s.pos = j + 1
	return nil
}

// until returns the offset of the first term at or after i, having checked
// that the characters before it are allowed; without one, it checks what
// there is and asks for more data.
func (s *xmlScanner) until(i int, term string) (int, error) {
	d := s.data
	k := bytes.Index(d[i:], []byte(term))
	if k < 0 {
		if err := s.chars(i, len(d)); err != nil {
			return 0, err
		}
		return 0, s.eof()
	}
	return i + k, s.chars(i, i+k)
}

// scanComment reads <!-- ... -->; "--" may only end it.
func (s *xmlScanner) scanComment() error {
	d := s.data
	i := s.pos + 4
	k, err := s.until(i, "--")
	if err != nil {
		return err
	}
	if k+2 >= len(d) {
		return s.eof()
	}
	if d[k+2] != '>' {
		return s.errorf(k, `invalid sequence "--" not allowed in comments`)
	}
	s.pos = k + 3
	return nil
}

// scanPI reads <?target ...?>. The target xml (in any case) is reserved
// for the XML declaration, which xmlProlog reads.
func (s *xmlScanner) scanPI() error {
	d := s.data
	i := s.pos + 2
	end, err := s.needName(i, "expected target name after <?")
	if err != nil {
		return err
	}
	if bytes.EqualFold(d[i:end], []byte("xml")) {
		return s.errorf(s.pos, "XML declaration not at the start of the document")
	}
	s.text = d[i:end]
	if bytes.HasPrefix(d[end:], []byte("?>")) {
		s.pos = end + 2
		return nil
	}
	if end >= len(d) || end+1 >= len(d) && d[end] == '?' {
		return s.eof()
	}
	if xmlClass[d[end]]&cSpace == 0 {
		return s.errorf(end, "expected white space after the processing instruction target")
	}
	k, err := s.until(end, "?>")
	if err != nil {
		return err
	}
	s.pos = k + 2
	return nil
}

// scanCDATA reads <![CDATA[ ... ]]>, inside an element only.
func (s *xmlScanner) scanCDATA() error {
	d := s.data
	if len(s.open) == 0 {
		return s.errorf(s.pos, "CDATA section outside the root element")
	}
	i := s.pos + len("<![CDATA[")
	k, err := s.until(i, "]]>")
	if err != nil {
		return err
	}
	s.text, s.cdata = d[i:k], true
	s.plain = bytes.IndexByte(s.text, '\r') < 0
	s.pos = k + 3
	return nil
}

// scanDoctype finds the end of <!DOCTYPE ...> the way encoding/xml does:
// quoted '>' and '<' do not count, nested <...> do, and comments are
// skipped. s.text is what lies between "<!" and the closing '>'; the
// caller decides what it may hold (see nmapDecoder.doctype).
func (s *xmlScanner) scanDoctype() error {
	d := s.data
	i := s.pos + 2
	var quote byte
	depth := 0
	for ; i < len(d); i++ {
		c := d[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>' && depth == 0:
			if err := s.chars(s.pos, i); err != nil {
				return err
			}
			s.text, s.pos = d[s.pos+2:i], i+1
			return nil
		case c == '>':
			depth--
		case c == '<':
			if bytes.HasPrefix(d[i:], []byte("<!--")) {
				k := bytes.Index(d[i+4:], []byte("-->"))
				if k < 0 {
					return s.eof()
				}
				i += 4 + k + 2
				continue
			}
			depth++
		}
	}
	return s.eof()
}

// skip reads on to the end of the element whose start tag was just read.
func (s *xmlScanner) skip() error {
	if s.selfClose {
		return nil
	}
	for depth := len(s.open); len(s.open) >= depth; {
		if tok, err := s.next(); err != nil {
			return err
		} else if tok == tokEOF {
			return s.eof()
		}
	}
	return nil
}

// localName is a name without its namespace prefix, as encoding/xml
// matches names.
func localName(name []byte) []byte {
	if i := bytes.IndexByte(name, ':'); i > 0 && i < len(name)-1 {
		return name[i+1:]
	}
	return name
}

// isSpace reports whether b is all XML white space.
func isSpace(b []byte) bool {
	for _, c := range b {
		if xmlClass[c]&cSpace == 0 {
			return false
		}
	}
	return true
}
