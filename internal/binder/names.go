package binder

import (
	"crypto/sha1"
	"encoding/hex"
	"strings"
	"unicode"
)

// safeName keeps a path element readable and harmless in a ZIP entry, a
// shell and sha256sum's manifest: letters, digits, dot, dash and
// underscore, anything else becoming one underscore.
func safeName(s string) string {
	var b strings.Builder
	under := false
	for _, r := range s {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			b.WriteRune(r)
			under = false
		} else if !under {
			b.WriteByte('_')
			under = true
		}
	}
	out := strings.Trim(b.String(), "._")
	if out == "" {
		return "file"
	}
	if len(out) > 100 {
		out = out[len(out)-100:]
	}
	return out
}

// oscalToken returns id if it is an OSCAL token (an XML NCName: a letter
// or underscore, then letters, digits, dots, dashes, underscores), else a
// token made from it: "164.308(a)(1)(ii)(A)" of framework "hipaa" becomes
// "hipaa-164.308.a.1.ii.A". The control's own id is kept beside it as its
// label.
func oscalToken(framework, id string) string {
	if isToken(id) {
		return id
	}
	var b strings.Builder
	b.WriteString(framework)
	b.WriteByte('-')
	sep := false
	for _, r := range id {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' {
			if sep && b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteRune(r)
			sep = false
		} else {
			sep = true
		}
	}
	t := strings.TrimRight(b.String(), ".")
	if !isToken(t) {
		return "_" + safeName(t)
	}
	return t
}

// isToken reports whether s matches OSCAL's TokenDatatype,
// ^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case unicode.IsLetter(r) || r == '_':
		case i > 0 && (unicode.IsNumber(r) || r == '.' || r == '-'):
		default:
			return false
		}
	}
	return true
}

// uuid5 is an RFC 4122 name-based UUID (version 5, SHA-1) of name in the
// namespace ns: the same input always gives the same identifiers, so the
// same binder input gives the same OSCAL bytes.
type uuid5 [16]byte

func newUUID(ns uuid5, name string) uuid5 {
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var u uuid5
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50
	u[8] = u[8]&0x3f | 0x80
	return u
}

func (u uuid5) String() string {
	var buf [36]byte
	hex.Encode(buf[0:8], u[0:4])
	buf[8] = '-'
	hex.Encode(buf[9:13], u[4:6])
	buf[13] = '-'
	hex.Encode(buf[14:18], u[6:8])
	buf[18] = '-'
	hex.Encode(buf[19:23], u[8:10])
	buf[23] = '-'
	hex.Encode(buf[24:], u[10:])
	return string(buf[:])
}

// vigilNamespace roots every binder's identifiers: the RFC 4122 URL
// namespace's UUID of Vigil's module path.
var vigilNamespace = newUUID(uuid5{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8},
	"https://github.com/vigil-health/vigil")
