// Package udi reads and writes unique device identifiers in the forms the
// three FDA-accredited issuing agencies define: GS1 (a GTIN and application
// identifiers, in the human-readable form with parentheses or as an element
// string with FNC1 separators), HIBCC (the HIBC supplier labeling data
// structures) and ICCBBA (ISBT 128 data structures for medical devices).
//
// It is hand-written and pure: no I/O, no clock. Errors name the byte
// offset in the input where reading failed and never quote the input,
// which may come from a misaligned spreadsheet column.
package udi

import (
	"fmt"
	"strings"

	"github.com/vigil-health/vigil"
)

// Error says where and why a UDI could not be read. Offset counts bytes
// from the start of the text given to Parse.
type Error struct {
	Offset int
	Reason string
}

// Error returns "byte N: reason".
func (e *Error) Error() string { return fmt.Sprintf("byte %d: %s", e.Offset, e.Reason) }

func errAt(off int, format string, args ...any) error {
	return &Error{Offset: off, Reason: fmt.Sprintf(format, args...)}
}

// GS is the ASCII group separator a scanner sends for FNC1 between the
// fields of a GS1 element string.
const GS = 0x1d

// maxLen bounds the text Parse reads: the longest real carrier is far
// shorter, and a bound keeps hostile input cheap.
const maxLen = 512

// Parse reads a UDI in any of the forms the issuing agencies print or
// encode:
//
//   - GS1 human-readable: "(01)00844588018923(17)251231(10)LOT7(21)SN42"
//   - GS1 element string: "01008445880189231725123110LOT7<GS>21SN42",
//     optionally after a symbology identifier (]d2, ]C1, ]Q3, ]e0, ]J1)
//     or a leading GS for FNC1 in first position
//   - a bare GTIN of 8, 12, 13 or 14 digits (a device identifier alone)
//   - HIBCC: "+A123BJC5D6E71/$$52001510X3" with its modulo 43 check
//     character, optionally in a caption's asterisks
//   - ICCBBA ISBT 128: "=/A9999XYZ100T0944=,000025..." data structures,
//     optionally in a compound message ("=+")
//
// Check digits and characters are verified. Surrounding white space is
// ignored. The UDI's Raw is the text as given.
func Parse(s string) (vigil.UDI, error) {
	if len(s) > maxLen {
		return vigil.UDI{}, errAt(maxLen, "longer than %d bytes", maxLen)
	}
	start, end := 0, len(s)
	for start < end && isSpace(s[start]) {
		start++
	}
	for end > start && isSpace(s[end-1]) {
		end--
	}
	if start == end {
		return vigil.UDI{}, errAt(0, "empty")
	}
	p := &reader{s: s[:end], pos: start}
	u, err := p.parse()
	if err != nil {
		return vigil.UDI{}, err
	}
	u.Raw = s
	return u, nil
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// reader walks the text; offsets are into the whole input.
type reader struct {
	s   string
	pos int
}

func (p *reader) parse() (vigil.UDI, error) {
	gs1Symbology := false
	if p.s[p.pos] == ']' {
		// An AIM symbology identifier: ']', the symbology, a modifier.
		if p.pos+3 > len(p.s) {
			return vigil.UDI{}, errAt(p.pos, "symbology identifier cut short")
		}
		switch p.s[p.pos : p.pos+3] {
		case "]C1", "]d2", "]Q3", "]e0", "]J1":
			gs1Symbology = true
		}
		p.pos += 3
		if p.pos == len(p.s) {
			return vigil.UDI{}, errAt(p.pos, "nothing after the symbology identifier")
		}
	}
	c := p.s[p.pos]
	switch {
	case gs1Symbology || c == GS:
		return p.gs1Elements()
	case c == '(':
		return p.gs1HRI()
	case c >= '0' && c <= '9':
		if allDigits(p.s[p.pos:]) {
			switch len(p.s) - p.pos {
			case 8, 12, 13, 14:
				return p.bareGTIN()
			}
		}
		return p.gs1Elements()
	case c == '+' || c == '*':
		return p.hibcc()
	case c == '=' || c == '&':
		return p.isbt()
	}
	return vigil.UDI{}, errAt(p.pos, "not a UDI: a GS1 UDI starts with '(' or digits, a HIBCC one with '+', an ISBT 128 one with '='")
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Format writes a UDI in its issuer's canonical text: the GS1
// human-readable form with AIs (01), (11), (17), (10), (21) in that order;
// the HIBCC concatenated primary and secondary data with its check
// character; the ISBT 128 data structures =/, =, (the donation
// identification number), =,, =>, =} and &,1. Parse reads what Format
// writes back to the same UDI (Raw aside). It fails when a part does not
// fit its issuer's syntax.
func Format(u vigil.UDI) (string, error) {
	var s string
	var err error
	switch u.Issuer {
	case vigil.UDIIssuerGS1:
		s, err = formatGS1(&u)
	case vigil.UDIIssuerHIBCC:
		s, err = formatHIBCC(&u)
	case vigil.UDIIssuerICCBBA:
		s, err = formatISBT(&u)
	default:
		return "", fmt.Errorf("udi: unknown issuer %q", u.Issuer)
	}
	if err != nil {
		return "", err
	}
	// What is written must read back: this catches a lot or serial that
	// would change the structure (a "(21)" inside a GS1 lot, say).
	back, err := Parse(s)
	if err != nil {
		return "", fmt.Errorf("udi: the %s form does not read back: %w", u.Issuer, err)
	}
	back.Raw = u.Raw
	if back != u {
		return "", fmt.Errorf("udi: the %s form does not read back to the same parts", u.Issuer)
	}
	return s, nil
}

// Canonical reads a UDI and writes it back in canonical form: the value a
// UDI column or a message's UDI normalises to, so that one UDI written two
// ways compares equal.
func Canonical(s string) (string, vigil.UDI, error) {
	u, err := Parse(s)
	if err != nil {
		return "", vigil.UDI{}, err
	}
	c, err := canonicalOf(u)
	if err != nil {
		return "", vigil.UDI{}, err
	}
	return c, u, nil
}

// canonicalOf formats a parsed UDI.
func canonicalOf(u vigil.UDI) (string, error) {
	u.Raw = ""
	return Format(u)
}

// KeyOf returns the identity key (vigil.UDI.Key) of a UDI in any form Parse
// reads, or "" when it does not parse or names a model only.
func KeyOf(s string) string {
	u, err := Parse(s)
	if err != nil {
		return ""
	}
	return u.Key()
}

// ParseDI reads a device identifier alone, as HL7 PRT-16 and the GUDID
// give it: a GTIN of 8 to 14 digits (check digit verified) for GS1; a HIBC
// primary data structure for HIBCC ('+' and a trailing check character
// optional); a processor product identification code for ICCBBA ("=/"
// optional). An empty issuer is told from the shape. The UDI returned has
// the DI only.
func ParseDI(issuer vigil.UDIIssuer, s string) (vigil.UDI, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return vigil.UDI{}, errAt(0, "empty")
	}
	off := strings.Index(s, t)
	if issuer == "" {
		switch {
		case allDigits(t):
			issuer = vigil.UDIIssuerGS1
		case t[0] == '+':
			issuer = vigil.UDIIssuerHIBCC
		case strings.HasPrefix(t, "=/"):
			issuer = vigil.UDIIssuerICCBBA
		default:
			return vigil.UDI{}, errAt(off, "cannot tell the issuing agency of a device identifier from its shape")
		}
	}
	var u vigil.UDI
	var err error
	switch issuer {
	case vigil.UDIIssuerGS1:
		u, err = gtinDI(t, off)
	case vigil.UDIIssuerHIBCC:
		u, err = hibccDI(t, off)
	case vigil.UDIIssuerICCBBA:
		u, err = isbtDI(t, off)
	default:
		return vigil.UDI{}, fmt.Errorf("udi: unknown issuer %q", issuer)
	}
	if err != nil {
		return vigil.UDI{}, err
	}
	u.Raw = s
	return u, nil
}

// NormalizeDI returns the form of a device identifier that GUDID records
// and UDIs are matched by: upper case, without HIBCC's '+' or ISBT 128's
// "=/" and without spaces.
func NormalizeDI(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "=/")
	s = strings.TrimPrefix(s, "+")
	return strings.ReplaceAll(s, " ", "")
}
