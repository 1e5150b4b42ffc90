package udi

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse holds Parse to its contract on any input: it never panics, an
// error is an *Error whose offset lies within the input and whose reason
// does not quote it, and a UDI it accepts has a DI, formats, and reads back
// from its canonical form to the same key.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"(01)10884521062856(11)141231(17)150707(10)A213B1(21)1234",
		"]d201008445880189231725123110LOT7\x1d21SN42",
		"00844588018923",
		"+A123ABCDEFGHI1234567891/$$420020216LOT123456789012345/SXYZ456789012345678/16D20130202$",
		"*+A123BJC5D6E71/$$52001510X3C*",
		"+A99912345/$$52001510X3/16D20111212/S77DE1G45-",
		"=/W4146EB0010T0475=,000025=A99971312345600=>014032=}013032&,1000000000000XYZ123",
		"=+05000=/A9997AB3456T0123=,000025=A99971712345600=>025365&,1000000000000XYZ123",
		"(01)00844588018923(", "+", "=", "]C1", "(01", "\x1d",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := Parse(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse(%q): %v is not an *Error", s, err)
			}
			if e.Offset < 0 || e.Offset > len(s) {
				t.Fatalf("Parse(%q): offset %d outside 0..%d", s, e.Offset, len(s))
			}
			if t := strings.TrimSpace(s); len(t) >= 8 && strings.Contains(e.Reason, t) {
				panic("the error quotes the input")
			}
			return
		}
		if u.DI == "" || !u.Issuer.Valid() {
			t.Fatalf("Parse(%q) = %+v: no DI or issuer", s, u)
		}
		c, _, err := Canonical(s)
		if err != nil {
			t.Fatalf("Canonical(%q): %v", s, err)
		}
		back, err := Parse(c)
		if err != nil {
			t.Fatalf("Parse(Canonical(%q)) = Parse(%q): %v", s, c, err)
		}
		if back.Key() != u.Key() || back.DI != u.DI {
			t.Fatalf("Parse(%q) key %q, canonical %q key %q", s, u.Key(), c, back.Key())
		}
	})
}
