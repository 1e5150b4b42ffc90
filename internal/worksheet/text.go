package worksheet

import (
	"bufio"
	"bytes"
	"io"
	"strconv"
	"unicode/utf8"
)

// sharedWindow is the size the window of readShared starts at; it grows to
// hold an item larger than it. A variable for the tests.
var sharedWindow = 64 << 10

// readShared reads the shared-string table from r item by item, through
// a window that holds one item at a time: each <si>'s text runs joined,
// phonetic runs left out. An item's XML may not pass lim.Row bytes, nor
// its text lim.Cell; all the text, with 32 bytes for each string, may not
// pass lim.Shared (zero fields do not bound). Each is checked before
// more is read, so that a bomb of one huge string, or of a hundred million
// empty ones, is refused early.
func readShared(r io.Reader, part string, lim Limits) ([]string, int64, error) {
	buf := make([]byte, 0, sharedWindow)
	eof := false
	// fill reads on into buf, keeping buf[keep:]; false at the end.
	fill := func(keep int) (int, error) {
		n := copy(buf, buf[keep:])
		buf = buf[:n]
		if len(buf) == cap(buf) {
			if lim.Row > 0 && len(buf) >= lim.Row {
				return 0, &LimitError{Limit: LimitRow, Max: int64(lim.Row), Part: part, Item: "a shared string"}
			}
			buf = append(buf, 0)[:len(buf)]
		}
		for len(buf) < cap(buf) {
			m, err := r.Read(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+m]
			if err == io.EOF {
				eof = true
				break
			} else if err != nil {
				return 0, err
			}
		}
		return keep, nil
	}
	var out []string
	var sb []byte
	var held int64
	pos := 0
	for {
		i := bytes.Index(buf[pos:], []byte("<si"))
		if i < 0 {
			if eof {
				return out, held, nil
			}
			// The last bytes may hold the start of "<si".
			keep := max(pos, len(buf)-2)
			if _, err := fill(keep); err != nil {
				return nil, 0, err
			}
			pos = 0
			continue
		}
		start := pos + i + 3
		end := bytes.Index(buf[start:], []byte("</si>"))
		if end < 0 && !eof {
			if _, err := fill(pos + i); err != nil {
				return nil, 0, err
			}
			pos = 0
			continue
		}
		item := buf[start:]
		if end >= 0 {
			item, pos = buf[start:start+end], start+end+5
		} else {
			pos = len(buf)
		}
		text, ok := sharedItem(item, sb[:0])
		sb = text
		if !ok {
			continue
		}
		if lim.Cell > 0 && len(text) > lim.Cell {
			return nil, 0, &LimitError{Limit: LimitCell, Max: int64(lim.Cell), Part: part}
		}
		if held += int64(len(text)) + 32; lim.Shared > 0 && held > lim.Shared {
			return nil, 0, &LimitError{Limit: LimitShared, Max: lim.Shared, Part: part}
		}
		out = append(out, string(text))
	}
}

// sharedItem appends to sb the text of one shared string, the XML after
// "<si" and before its "</si>"; false when item is not an <si> element
// (another element whose name starts so) and holds no string.
func sharedItem(item, sb []byte) ([]byte, bool) {
	if !bytes.HasPrefix(item, []byte(">")) && !bytes.HasPrefix(item, []byte(" ")) {
		return sb, bytes.HasPrefix(item, []byte("/>"))
	}
	if ph := bytes.Index(item, []byte("<rPh")); ph >= 0 {
		item = item[:ph]
	}
	for {
		t := bytes.Index(item, []byte("<t"))
		if t < 0 {
			break
		}
		item = item[t+2:]
		gt := bytes.IndexByte(item, '>')
		if gt < 0 || (len(item) > 0 && item[0] != '>' && item[0] != ' ') {
			continue
		}
		if gt > 0 && item[gt-1] == '/' {
			item = item[gt+1:]
			continue
		}
		close := bytes.Index(item[gt+1:], []byte("</t>"))
		if close < 0 {
			break
		}
		sb = appendUnescaped(sb, item[gt+1:gt+1+close])
		item = item[gt+1+close+4:]
	}
	return sb, true
}

// innerRaw returns the raw (escaped) text of the first element opened by
// open ("<v" or "<t") inside b, nil when there is none.
func innerRaw(b []byte, open string) []byte {
	i := bytes.Index(b, []byte(open))
	for i >= 0 && i+len(open) < len(b) && b[i+len(open)] != '>' && b[i+len(open)] != ' ' {
		j := bytes.Index(b[i+1:], []byte(open))
		if j < 0 {
			return nil
		}
		i += 1 + j
	}
	if i < 0 {
		return nil
	}
	b = b[i:]
	gt := bytes.IndexByte(b, '>')
	if gt < 0 || b[gt-1] == '/' {
		return nil
	}
	var end int
	if open == "<v" {
		end = bytes.Index(b, []byte("</v>"))
	} else {
		end = bytes.Index(b, []byte("</t>"))
	}
	if end < gt {
		return nil
	}
	return b[gt+1 : end]
}

// attrValue returns an attribute's value from a start tag, unescaped; it
// is a slice of tag unless the value holds a character reference.
func attrValue(tag []byte, name string) ([]byte, bool) {
	for i := 0; i+len(name)+2 < len(tag); {
		j := bytes.Index(tag[i:], []byte(name))
		if j < 0 {
			return nil, false
		}
		k := i + j
		if k+len(name) >= len(tag) || tag[k+len(name)] != '=' {
			i = k + 1
			continue
		}
		if k > 0 && tag[k-1] != ' ' && tag[k-1] != '\t' && tag[k-1] != '\n' && tag[k-1] != '\r' {
			i = k + 1
			continue
		}
		q := k + len(name) + 1
		if q >= len(tag) || (tag[q] != '"' && tag[q] != '\'') {
			return nil, false
		}
		e := bytes.IndexByte(tag[q+1:], tag[q])
		if e < 0 {
			return nil, false
		}
		v := tag[q+1 : q+1+e]
		if bytes.IndexByte(v, '&') >= 0 {
			v = appendUnescaped(nil, v)
		}
		return v, true
	}
	return nil, false
}

// atoi reads a non-negative decimal number as strconv.Atoi would, without
// allocating: an optional sign, digits, no overflow.
func atoi(b []byte) (int, bool) {
	if len(b) > 0 && len(b) < 19 && b[0] != '+' && b[0] != '-' {
		n := 0
		for _, c := range b {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	n, err := strconv.Atoi(string(b))
	return n, err == nil && n >= 0
}

// colIndex turns a cell reference such as "AB12" into its 0-based column.
func colIndex(ref []byte) int {
	n := 0
	i := 0
	for ; i < len(ref) && ref[i] >= 'A' && ref[i] <= 'Z'; i++ {
		n = n*26 + int(ref[i]-'A'+1)
		if n > maxColumns {
			return -1
		}
	}
	if i == 0 {
		return -1
	}
	return n - 1
}

// unescapeXML resolves the five named entities and numeric references.
func unescapeXML(b []byte) string {
	if bytes.IndexByte(b, '&') < 0 {
		return string(b)
	}
	return string(appendUnescaped(nil, b))
}

// appendUnescaped appends b to dst with the five named entities and
// numeric references resolved; anything else after a '&' is kept as is.
func appendUnescaped(dst, b []byte) []byte {
	for len(b) > 0 {
		i := bytes.IndexByte(b, '&')
		if i < 0 {
			return append(dst, b...)
		}
		dst = append(dst, b[:i]...)
		b = b[i:]
		semi := bytes.IndexByte(b, ';')
		if semi < 0 || semi > 12 {
			dst = append(dst, '&')
			b = b[1:]
			continue
		}
		ent := b[1:semi]
		switch {
		case string(ent) == "amp":
			dst = append(dst, '&')
		case string(ent) == "lt":
			dst = append(dst, '<')
		case string(ent) == "gt":
			dst = append(dst, '>')
		case string(ent) == "quot":
			dst = append(dst, '"')
		case string(ent) == "apos":
			dst = append(dst, '\'')
		case bytes.HasPrefix(ent, []byte("#x")):
			if n, err := strconv.ParseUint(string(ent[2:]), 16, 32); err == nil {
				dst = utf8.AppendRune(dst, rune(n))
			}
		case bytes.HasPrefix(ent, []byte("#")):
			if n, err := strconv.ParseUint(string(ent[1:]), 10, 32); err == nil {
				dst = utf8.AppendRune(dst, rune(n))
			}
		default:
			dst = append(dst, b[:semi+1]...)
		}
		b = b[semi+1:]
	}
	return dst
}

// CheckXML reads an XML part as it streams and refuses, as a *LimitError,
// one nested deeper than lim.Depth, or holding a tag or a run of text
// longer than lim.Row bytes: what encoding/xml would hold at once (zero
// fields do not bound). It follows the markup roughly (quotes in tags, but
// not comments or CDATA), which is enough for a bound.
func CheckXML(r io.Reader, part string, lim Limits) error {
	br := bufio.NewReaderSize(r, 64<<10)
	depth, run := 0, 0
	inTag, quote, first, prev := false, byte(0), byte(0), byte(0)
	for {
		c, err := br.ReadByte()
		if err != nil {
			return nil // the reader of the part says what is wrong with it
		}
		if run++; lim.Row > 0 && run > lim.Row {
			return &LimitError{Limit: LimitRow, Max: int64(lim.Row), Part: part, Item: "a tag or a text"}
		}
		switch {
		case !inTag && c == '<':
			inTag, first, run = true, 0, 0
		case !inTag:
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case first == 0:
			first = c
		case c == '>':
			inTag, run = false, 0
			switch {
			case first == '/':
				depth--
			case first == '?' || first == '!' || prev == '/':
			default:
				if depth++; lim.Depth > 0 && depth > lim.Depth {
					return &LimitError{Limit: LimitDepth, Max: int64(lim.Depth), Part: part}
				}
			}
		}
		prev = c
	}
}
