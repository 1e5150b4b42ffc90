package udi

import (
	"fmt"
	"strings"

	"github.com/vigil-health/vigil"
)

// The ISBT 128 data structures of a medical device's UDI (ICCBBA ST-011,
// ST-017), by data identifier: the processor product identification code
// (the DI), the donation identification number and the product divisions
// (what tells one unit from another), expiry and production dates
// (century digit, year, day of year), and the MPHO lot number.
const (
	isbtPPIC       = "=/" // 034: FIN(P) 5, product code 6, product description code 5
	isbtDivisions  = "=," // 032: 6 characters, the serial number
	isbtExpiry     = "=>" // 004: cyyjjj
	isbtProduction = "=}" // 008: cyyjjj
	isbtLot        = "&,1"
	isbtCompound   = "=+" // 023: nn structures, sss sequence
)

// isbtOther are the fixed lengths of the other ISBT 128 data structures,
// which a label may carry beside the UDI: read past, not kept.
var isbtOther = map[string]int{
	"=%": 4, "=<": 8, "&>": 10, "=*": 6, "&*": 10, "&}": 10, "&(": 5, "=\\": 18, "&\\": 18, "&{": 18,
	"=)": 10, "&)": 10, "=;": 21, "='": 11, "=-": 10, "&-": 10, "=#": 10, "=]": 6, "=$": 16, "=(": 16,
	"&+": 11, "&:": 19, "&/": 15, "&,2": 18, "&,3": 19,
}

// finChar reports whether c may stand in a facility identification
// number: digits and capital letters but O, which reads as zero.
func finChar(c byte) bool { return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' && c != 'O' }

// checkPPIC checks a processor product identification code.
func checkPPIC(v string, off int) error {
	if len(v) != 16 {
		return errAt(off, "an ISBT 128 device identifier is 16 characters, not %d", len(v))
	}
	for i := 0; i < len(v); i++ {
		ok := isUpperAlnum(v[i])
		if i < 5 {
			ok = finChar(v[i])
		}
		if !ok {
			return errAt(off+i, "an ISBT 128 device identifier holds capital letters and digits")
		}
	}
	return nil
}

// cyyjjj reads an ISBT 128 date: century (0 for the 2000s), year, day of
// the year.
func cyyjjj(s string, off int) (string, error) {
	c, err := digits(s, off, 1)
	if err != nil {
		return "", err
	}
	yy, err := digits(s, off+1, 2)
	if err != nil {
		return "", err
	}
	jjj, err := digits(s, off+3, 3)
	if err != nil {
		return "", err
	}
	return julian(off, 2000+c*100+yy, jjj)
}

// isbt reads ISBT 128 data structures, one after another or in a compound
// message.
func (p *reader) isbt() (vigil.UDI, error) {
	s := p.s
	u := vigil.UDI{Issuer: vigil.UDIIssuerICCBBA}
	declared, count, compoundAt := -1, 0, 0
	if strings.HasPrefix(s[p.pos:], isbtCompound) {
		compoundAt = p.pos
		n, err := digits(s, p.pos+2, 2)
		if err != nil {
			return u, err
		}
		if _, err := digits(s, p.pos+4, 3); err != nil {
			return u, err
		}
		declared = n
		p.pos += 7
	}
	seen := map[string]bool{}
	take := func(id string, n int) (string, int, error) {
		start := p.pos + len(id)
		if start+n > len(s) {
			return "", start, errAt(len(s), "the %s data structure takes %d characters, the text ends after %d", id, n, len(s)-start)
		}
		if seen[id] {
			return "", start, errAt(p.pos, "the %s data structure appears twice", id)
		}
		seen[id] = true
		p.pos = start + n
		return s[start : start+n], start, nil
	}
	for p.pos < len(s) {
		if p.pos+2 > len(s) || s[p.pos] != '=' && s[p.pos] != '&' {
			return u, errAt(p.pos, "an ISBT 128 data identifier starts with '=' or '&'")
		}
		count++
		id := s[p.pos : p.pos+2]
		if id == "&," && p.pos+3 <= len(s) {
			id = s[p.pos : p.pos+3]
		}
		var err error
		switch {
		case id == isbtPPIC:
			v, off, e := take(id, 16)
			if err = e; err == nil {
				err = checkPPIC(v, off)
				u.DI = v
			}
		case id == isbtDivisions:
			v, off, e := take(id, 6)
			if err = e; err == nil {
				for i := 0; i < len(v) && err == nil; i++ {
					if !isUpperAlnum(v[i]) {
						err = errAt(off+i, "ISBT 128 product divisions hold capital letters and digits")
					}
				}
				u.Serial = v
			}
		case id == isbtExpiry, id == isbtProduction:
			v, off, e := take(id, 6)
			if err = e; err == nil {
				var d string
				d, err = cyyjjj(v, 0)
				err = shift(err, off)
				if id == isbtExpiry {
					u.Expiry = d
				} else {
					u.Manufactured = d
				}
			}
		case id == isbtLot:
			v, off, e := take(id, 18)
			if err = e; err == nil {
				for i := 0; i < len(v) && err == nil; i++ {
					if !isUpperAlnum(v[i]) {
						err = errAt(off+i, "an ISBT 128 lot number holds capital letters and digits")
					}
				}
				u.Lot = v
			}
		case id[0] == '=' && finChar(id[1]) && id[1] != '0':
			// The donation identification number: '=' then FIN 5, year 2,
			// sequence 6, flags 2.
			v, off, e := take("=", 15) // its data identifier is the '=' alone
			if err = e; err == nil {
				for i := 0; i < 5 && err == nil; i++ {
					if !finChar(v[i]) {
						err = errAt(off+i, "a donation identification number starts with a facility number of capital letters and digits")
					}
				}
				if err == nil {
					_, err = digits(v, 5, 8)
					err = shift(err, off)
				}
				for i := 13; i < 15 && err == nil; i++ {
					if !isUpperAlnum(v[i]) {
						err = errAt(off+i, "donation identification number flags are capital letters and digits")
					}
				}
				u.DonationID = v[:13]
			}
		default:
			n, ok := isbtOther[id]
			if !ok {
				return u, errAt(p.pos, "unknown ISBT 128 data identifier")
			}
			_, _, err = take(id, n)
		}
		if err != nil {
			return vigil.UDI{}, err
		}
	}
	if declared >= 0 && declared != count {
		return vigil.UDI{}, errAt(compoundAt, "the compound message declares %d data structures, %d follow", declared, count)
	}
	if u.DI == "" {
		return vigil.UDI{}, errAt(len(s), "no device identifier: an ISBT 128 UDI needs the processor product identification code (=/)")
	}
	return u, nil
}

// isbtDI reads a processor product identification code alone, "=/"
// optional.
func isbtDI(t string, off int) (vigil.UDI, error) {
	if strings.HasPrefix(t, isbtPPIC) {
		t, off = t[2:], off+2
	}
	if err := checkPPIC(t, off); err != nil {
		return vigil.UDI{}, err
	}
	return vigil.UDI{Issuer: vigil.UDIIssuerICCBBA, DI: t}, nil
}

// formatISBT writes the data structures in order: device identifier,
// donation identification number (flags 00), product divisions, expiry,
// production date, lot (zero-padded to its 18 characters).
func formatISBT(u *vigil.UDI) (string, error) {
	if err := checkPPIC(u.DI, 0); err != nil {
		return "", fmt.Errorf("udi: ISBT 128 device identifier: %w", err)
	}
	var b strings.Builder
	b.WriteString(isbtPPIC + u.DI)
	if u.DonationID != "" {
		b.WriteString("=" + u.DonationID + "00")
	}
	if u.Serial != "" {
		b.WriteString(isbtDivisions + u.Serial)
	}
	for _, d := range []struct{ id, v, what string }{{isbtExpiry, u.Expiry, "expiry"}, {isbtProduction, u.Manufactured, "production date"}} {
		if d.v == "" {
			continue
		}
		t, err := parseISO(d.what, d.v)
		if err != nil {
			return "", err
		}
		if t.Year() < 2000 || t.Year() > 2999 {
			return "", fmt.Errorf("udi: an ISBT 128 %s is in the years 2000 to 2999, not %d", d.what, t.Year())
		}
		fmt.Fprintf(&b, "%s%d%02d%03d", d.id, (t.Year()-2000)/100, t.Year()%100, t.YearDay())
	}
	if u.Lot != "" {
		if len(u.Lot) > 18 {
			return "", fmt.Errorf("udi: an ISBT 128 lot number is at most 18 characters")
		}
		u.Lot = strings.Repeat("0", 18-len(u.Lot)) + u.Lot
		b.WriteString(isbtLot + u.Lot)
	}
	return b.String(), nil
}
