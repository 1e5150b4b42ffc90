package store

import (
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"

	vigil "github.com/vigil-health/vigil"
)

// A source record's fields are a flat object of strings, written and read
// hundreds of thousands of times per import. These two functions do it by
// hand; the bytes are exactly what encoding/json writes for a
// map[string]string (keys sorted, HTML characters and U+2028/2029 escaped,
// invalid UTF-8 replaced), so a stored record compares equal to its
// re-encoding and nothing stored before is read as changed.

// encodeFlat returns the JSON object of a record's fields.
func encodeFlat(f vigil.RecordFields) string {
	n := 2
	for _, p := range f.List() {
		n += len(p.Name) + len(p.Value) + 6
	}
	b := append(make([]byte, 0, n), '{')
	for i, p := range f.List() {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, p.Name)
		b = append(b, ':')
		b = appendJSONString(b, p.Value)
	}
	return string(append(b, '}'))
}

// appendFlat appends the JSON object of m with sorted keys.
func appendFlat(b []byte, m map[string]string) []byte {
	var keys [32]string
	ks := keys[:0]
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	b = append(b, '{')
	for i, k := range ks {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = appendJSONString(b, m[k])
	}
	return append(b, '}')
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string the way encoding/json does
// with HTML escaping on.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// decodeFlat reads a JSON object of strings. Objects as encodeFlat writes
// them without escapes are read directly; anything else goes through
// encoding/json.
func decodeFlat(s string) (vigil.RecordFields, error) {
	if f, ok := decodeSimpleFlat(s); ok {
		return f, nil
	}
	var f vigil.RecordFields
	err := json.Unmarshal([]byte(s), &f)
	return f, err
}

// decodeSimpleFlat parses {"k":"v",...} with no whitespace and no
// backslash; ok is false for anything else. A repeated key keeps its last
// value, as encoding/json does.
func decodeSimpleFlat(s string) (vigil.RecordFields, bool) {
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' || strings.IndexByte(s, '\\') >= 0 {
		return vigil.RecordFields{}, false
	}
	i := 1
	if s[i] == '}' {
		return vigil.RecordFields{}, i == len(s)-1
	}
	kv := make([]vigil.FieldValue, 0, strings.Count(s, `":"`))
	str := func() (string, bool) {
		if i >= len(s) || s[i] != '"' {
			return "", false
		}
		j := strings.IndexByte(s[i+1:], '"')
		if j < 0 {
			return "", false
		}
		v := s[i+1 : i+1+j]
		for k := 0; k < len(v); k++ {
			if v[k] < 0x20 {
				return "", false
			}
		}
		if !utf8.ValidString(v) {
			return "", false
		}
		i += j + 2
		return v, true
	}
	for {
		k, ok := str()
		if !ok || i >= len(s) || s[i] != ':' {
			return vigil.RecordFields{}, false
		}
		i++
		v, ok := str()
		if !ok || i >= len(s) {
			return vigil.RecordFields{}, false
		}
		kv = append(kv, vigil.FieldValue{Name: k, Value: v})
		switch s[i] {
		case ',':
			i++
		case '}':
			return vigil.FieldsOf(kv), i == len(s)-1
		default:
			return vigil.RecordFields{}, false
		}
	}
}
