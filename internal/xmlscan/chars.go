package xmlscan

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

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

// isNameStart and IsNameChar are XML 1.0 (fifth edition) NameStartChar and
// NameChar for runes past ASCII.
func isNameStart(r rune) bool {
	return r >= 0xC0 && r <= 0xD6 || r >= 0xD8 && r <= 0xF6 || r >= 0xF8 && r <= 0x2FF ||
		r >= 0x370 && r <= 0x37D || r >= 0x37F && r <= 0x1FFF || r >= 0x200C && r <= 0x200D ||
		r >= 0x2070 && r <= 0x218F || r >= 0x2C00 && r <= 0x2FEF || r >= 0x3001 && r <= 0xD7FF ||
		r >= 0xF900 && r <= 0xFDCF || r >= 0xFDF0 && r <= 0xFFFD || r >= 0x10000 && r <= 0xEFFFF
}

func IsNameChar(r rune) bool {
	return isNameStart(r) || r == 0xB7 || r >= 0x300 && r <= 0x36F || r >= 0x203F && r <= 0x2040
}

// char checks the character at data[i], which has class cChar, and
// returns its length.
func (s *Scanner) char(i int) (int, error) {
	c := s.data[i]
	if c < utf8.RuneSelf {
		return 0, s.Errorf(i, "illegal character code %U", rune(c))
	}
	if s.src != nil && !utf8.FullRune(s.data[i:]) {
		return 0, ErrNeedMore
	}
	r, n := utf8.DecodeRune(s.data[i:])
	if r == utf8.RuneError && n == 1 {
		return 0, s.Errorf(i, "invalid UTF-8")
	}
	if !isXMLChar(r) {
		return 0, s.Errorf(i, "illegal character code %U", r)
	}
	return n, nil
}

// chars checks that data[i:end] holds only XML characters.
func (s *Scanner) chars(i, end int) error {
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

// ScanName returns the end of the Name starting at window offset i, i
// when there is none. A name holds at most one colon, as namespaces require.
func (s *Scanner) ScanName(i int) (int, error) {
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
		return start, ErrNeedMore // the name may go on past the window
	}
	if i > start && bytes.IndexByte(d[start:i], ':') >= 0 && bytes.Count(d[start:i], []byte(":")) > 1 {
		return start, s.Errorf(start, "name with more than one colon")
	}
	return i, nil
}

// scanNameUnicode goes on with a name that holds characters past ASCII.
func (s *Scanner) scanNameUnicode(start, i int) int {
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
		if (i == start && !isNameStart(r)) || !IsNameChar(r) {
			break
		}
		i += n
	}
	return i
}

// SkipSpace returns the end of the white space starting at window offset i.
func (s *Scanner) SkipSpace(i int) int {
	for i < len(s.data) && xmlClass[s.data[i]]&cSpace != 0 {
		i++
	}
	return i
}

// reference checks the reference starting at data[i] ('&') and returns its
// length, ';' included.
func (s *Scanner) reference(i int) (int, error) {
	d := s.data
	j := i + 1
	bad := func(end int, why string) error {
		ent := d[i:min(end, i+24)]
		return s.Errorf(i, "invalid character entity %s%s", ent, why)
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
	end, err := s.ScanName(j)
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
func (s *Scanner) decode(raw []byte, refs bool) []byte {
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

// TextValue returns the current text token's value; valid until the next
// call to decode.
func (s *Scanner) TextValue() []byte {
	if s.plain {
		return s.text
	}
	return s.decode(s.text, !s.cdata)
}

// AttrValue returns an attribute's value; valid until the next call to
// decode.
func (s *Scanner) AttrValue(a *Attr) []byte {
	if a.plain {
		return a.value
	}
	return s.decode(a.value, true)
}

// LocalName is a name without its namespace prefix, as encoding/xml
// matches names.
func LocalName(name []byte) []byte {
	if i := bytes.IndexByte(name, ':'); i > 0 && i < len(name)-1 {
		return name[i+1:]
	}
	return name
}

// IsSpace reports whether b is all XML white space.
func IsSpace(b []byte) bool {
	for _, c := range b {
		if xmlClass[c]&cSpace == 0 {
			return false
		}
	}
	return true
}
