package worksheet

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// parseShared reads the shared-string table: each <si>'s text runs joined,
// phonetic runs left out.
func parseShared(b []byte) []string {
	out := make([]string, 0, bytes.Count(b, []byte("<si")))
	var sb []byte
	for {
		i := bytes.Index(b, []byte("<si"))
		if i < 0 {
			return out
		}
		b = b[i+3:]
		end := bytes.Index(b, []byte("</si>"))
		item := b
		if end >= 0 {
			item, b = b[:end], b[end+5:]
		} else {
			b = nil
		}
		if !bytes.HasPrefix(item, []byte(">")) && !bytes.HasPrefix(item, []byte(" ")) {
			if bytes.HasPrefix(item, []byte("/>")) {
				out = append(out, "")
			}
			continue
		}
		if ph := bytes.Index(item, []byte("<rPh")); ph >= 0 {
			item = item[:ph]
		}
		sb = sb[:0]
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
			close := bytes.Index(item, []byte("</t>"))
			if close < 0 {
				break
			}
			sb = appendUnescaped(sb, item[gt+1:close])
			item = item[close+4:]
		}
		out = append(out, string(sb))
	}
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
