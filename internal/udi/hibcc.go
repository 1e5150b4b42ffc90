package udi

import (
	"fmt"
	"strings"

	"github.com/vigil-health/vigil"
)

// hibcAlphabet is the Code 39 character set HIBC data is written in; a
// character's index is its value in the modulo 43 check.
const hibcAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-. $/+%"

// mod43 returns the HIBC check character of s, which must be in the
// alphabet.
func mod43(s string) byte {
	sum := 0
	for i := 0; i < len(s); i++ {
		sum += strings.IndexByte(hibcAlphabet, s[i])
	}
	return hibcAlphabet[sum%43]
}

// maxHIBCField is the longest product number, lot or serial number.
const maxHIBCField = 18

func isUpperAlnum(c byte) bool { return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }

// hibcc reads HIBC supplier labeling data: "+", the primary data (labeler
// identification code, product or catalog number, unit of measure), then
// after '/' the secondary data (expiry, lot or serial) and supplemental
// data (/14D expiry, /16D manufacture date, /S serial, /Q quantity), and
// the modulo 43 check character over everything before it.
func (p *reader) hibcc() (vigil.UDI, error) {
	start, end := p.pos, len(p.s)
	caption := p.s[start] == '*'
	if caption {
		// A caption: "*+...*", the asterisks not part of the data, a
		// space check character shown as '_'.
		if end-start < 3 || p.s[end-1] != '*' {
			return vigil.UDI{}, errAt(end-1, "a HIBC caption ends with '*'")
		}
		start, end = start+1, end-1
	}
	s := p.s
	if s[start] != '+' {
		return vigil.UDI{}, errAt(start, "HIBC data starts with '+'")
	}
	if end-start < 3 {
		return vigil.UDI{}, errAt(end, "HIBC data too short")
	}
	data := s[start:end]
	// A space check character is written '_' (in a caption, and in the
	// canonical form Format writes): a trailing space is lost to any tool
	// that trims, and then the data's last character reads as a check that
	// may hold by chance (1 in 43).
	check := data[len(data)-1]
	if check == '_' {
		check = ' '
	}
	for i := 0; i < len(data)-1; i++ {
		if strings.IndexByte(hibcAlphabet, data[i]) < 0 {
			return vigil.UDI{}, errAt(start+i, "byte 0x%02x is not in the HIBC character set", data[i])
		}
	}
	body, off := data[1:len(data)-1], start+1
	if want := mod43(data[:len(data)-1]); check != want {
		// A space check character is lost to any tool that trims cells:
		// data whose own check would be a space is taken without it.
		if strings.IndexByte(hibcAlphabet, check) < 0 || mod43(data) != ' ' {
			return vigil.UDI{}, errAt(end-1, "HIBC check character is %q, want %q", check, want)
		}
		body = data[1:]
	}
	if body == "" || body[0] == '$' || body[0] >= '0' && body[0] <= '9' {
		return vigil.UDI{}, errAt(off, "HIBC secondary data alone: the primary data with the device identifier is missing")
	}
	parts := strings.Split(body, "/")
	u := vigil.UDI{Issuer: vigil.UDIIssuerHIBCC}
	if err := hibcPrimary(parts[0], off); err != nil {
		return vigil.UDI{}, err
	}
	u.DI = parts[0]
	off += len(parts[0]) + 1
	for i, part := range parts[1:] {
		var err error
		if i == 0 && part != "" && (part[0] == '$' || len(part) >= 5 && allDigits(part[:5])) {
			err = hibcSecondary(&u, part, off)
		} else {
			err = hibcSupplemental(&u, part, off)
		}
		if err != nil {
			return vigil.UDI{}, err
		}
		off += len(part) + 1
	}
	return u, nil
}

// hibcPrimary checks the primary data: a labeler identification code of a
// letter and three letters or digits, a product or catalog number of 1 to
// 18, a unit of measure digit.
func hibcPrimary(pd string, off int) error {
	if len(pd) < 6 {
		return errAt(off+len(pd), "HIBC primary data is a 4-character labeler code, a product number and a unit of measure digit")
	}
	if pd[0] < 'A' || pd[0] > 'Z' {
		return errAt(off, "a HIBC labeler identification code starts with a letter")
	}
	for i := 1; i < len(pd); i++ {
		if !isUpperAlnum(pd[i]) {
			return errAt(off+i, "HIBC primary data holds letters and digits only")
		}
	}
	if n := len(pd) - 5; n > maxHIBCField {
		return errAt(off+4, "a HIBC product number is at most %d characters, not %d", maxHIBCField, n)
	}
	if c := pd[len(pd)-1]; c < '0' || c > '9' {
		return errAt(off+len(pd)-1, "a HIBC unit of measure is a digit")
	}
	return nil
}

// hibcSecondary reads the secondary data: a lot or serial number with an
// expiry date in one of the formats the first characters name.
func hibcSecondary(u *vigil.UDI, sd string, off int) error {
	i := 0
	serial := false
	var err error
	switch {
	case strings.HasPrefix(sd, "$$"):
		i = 2
		if i < len(sd) && sd[i] == '+' {
			serial = true
			i++
		}
		if i >= len(sd) || sd[i] < '0' || sd[i] > '9' {
			return errAt(off+i, "a format digit follows \"$$\"")
		}
		f := sd[i]
		switch f {
		case '0', '1': // MMYY, the digit its first
			i, err = hibcDate(u, sd, off, i, "MMYY")
		case '7': // no date
			i++
		case '8', '9': // a quantity of 2 or 5 digits
			n := 2
			if f == '9' {
				n = 5
			}
			if _, err = digits(sd, i+1, n); err != nil {
				err = shift(err, off)
			}
			i += 1 + n
		default:
			i, err = hibcDate(u, sd, off, i+1, map[byte]string{'2': "MMDDYY", '3': "YYMMDD", '4': "YYMMDDHH", '5': "YYJJJ", '6': "YYJJJHH"}[f])
		}
	case strings.HasPrefix(sd, "$+"):
		i, serial = 2, true
	case strings.HasPrefix(sd, "$"):
		i = 1
	default: // the old form: a Julian date YYJJJ, then the lot
		i, err = hibcDate(u, sd, off, 0, "YYJJJ")
	}
	if err != nil {
		return err
	}
	rest := sd[i:]
	if err := hibcField(rest, off+i, "lot or serial number"); err != nil {
		return err
	}
	if serial {
		u.Serial = rest
	} else {
		u.Lot = rest
	}
	return nil
}

// shift moves an error's offset by off.
func shift(err error, off int) error {
	if e, ok := err.(*Error); ok {
		return &Error{Offset: e.Offset + off, Reason: e.Reason}
	}
	return err
}

// hibcDate reads an expiry date of a layout at sd[i:] and returns where it
// ends.
func hibcDate(u *vigil.UDI, sd string, off, i int, layout string) (int, error) {
	n := len(layout)
	if i+n > len(sd) {
		return 0, errAt(off+len(sd), "the %s date is cut short", layout)
	}
	if _, err := digits(sd, i, n); err != nil {
		return 0, shift(err, off)
	}
	d := sd[i : i+n]
	num := func(a, b int) int { v, _ := digits(d, a, b-a); return v }
	var s string
	var err error
	switch layout {
	case "MMYY":
		y, m := century(num(2, 4)), num(0, 2)
		if m < 1 || m > 12 {
			return 0, errAt(off+i, "month %d is not 1 to 12", m)
		}
		s, err = date(off+i, y, m, lastDay(y, m))
	case "MMDDYY":
		s, err = date(off+i, century(num(4, 6)), num(0, 2), num(2, 4))
	case "YYMMDD", "YYMMDDHH":
		s, err = date(off+i, century(num(0, 2)), num(2, 4), num(4, 6))
		if err == nil && layout == "YYMMDDHH" && num(6, 8) > 23 {
			err = errAt(off+i+6, "hour %d is not 0 to 23", num(6, 8))
		}
	case "YYJJJ", "YYJJJHH":
		s, err = julian(off+i, century(num(0, 2)), num(2, 5))
		if err == nil && layout == "YYJJJHH" && num(5, 7) > 23 {
			err = errAt(off+i+5, "hour %d is not 0 to 23", num(5, 7))
		}
	}
	if err != nil {
		return 0, err
	}
	u.Expiry = s
	return i + n, nil
}

// hibcField checks a lot or serial number: up to 18 letters and digits
// (the HIBC set's punctuation allowed after the first).
func hibcField(v string, off int, what string) error {
	if len(v) > maxHIBCField {
		return errAt(off, "a HIBC %s is at most %d characters, not %d", what, maxHIBCField, len(v))
	}
	for i := 0; i < len(v); i++ {
		if !isUpperAlnum(v[i]) && (i == 0 || strings.IndexByte("-. ", v[i]) < 0) {
			return errAt(off+i, "a HIBC %s holds letters and digits", what)
		}
	}
	return nil
}

// hibcSupplemental reads one supplemental data field after a '/'.
func hibcSupplemental(u *vigil.UDI, part string, off int) error {
	switch {
	case strings.HasPrefix(part, "14D"), strings.HasPrefix(part, "16D"):
		if len(part) != 11 {
			return errAt(off+3, "a HIBC %s date is YYYYMMDD", part[:3])
		}
		y, err := digits(part, 3, 4)
		if err != nil {
			return shift(err, off)
		}
		m, _ := digits(part, 7, 2)
		d, err := digits(part, 9, 2)
		if err != nil {
			return shift(err, off)
		}
		if y < 1900 {
			return errAt(off+3, "year %d is before 1900", y)
		}
		s, err := date(off+3, y, m, d)
		if err != nil {
			return err
		}
		if part[:3] == "14D" {
			u.Expiry = s
		} else {
			u.Manufactured = s
		}
	case strings.HasPrefix(part, "S"):
		if part == "S" {
			return errAt(off+1, "a HIBC serial number field is empty")
		}
		if u.Serial != "" {
			return errAt(off, "a second HIBC serial number")
		}
		if err := hibcField(part[1:], off+1, "serial number"); err != nil {
			return err
		}
		u.Serial = part[1:]
	case strings.HasPrefix(part, "Q"):
		if len(part) < 2 || len(part) > 6 || !allDigits(part[1:]) {
			return errAt(off+1, "a HIBC quantity is 1 to 5 digits")
		}
	default:
		return errAt(off, "unknown HIBC supplemental data: /14D, /16D, /S and /Q are known")
	}
	return nil
}

// hibccDI reads a HIBC primary data structure alone: '+' optional, and a
// trailing check character accepted when it checks.
func hibccDI(t string, off int) (vigil.UDI, error) {
	if t[0] == '+' {
		t, off = t[1:], off+1
	}
	if t != "" && hibcPrimary(t, off) == nil {
		return vigil.UDI{Issuer: vigil.UDIIssuerHIBCC, DI: t}, nil
	}
	if n := len(t); n >= 7 && mod43("+"+t[:n-1]) == t[n-1] && hibcPrimary(t[:n-1], off) == nil {
		return vigil.UDI{Issuer: vigil.UDIIssuerHIBCC, DI: t[:n-1]}, nil
	}
	return vigil.UDI{}, hibcPrimary(t, off)
}

// formatHIBCC writes the concatenated primary and secondary data: the lot
// (or, without one, the serial number) with the expiry as YYMMDD, the
// serial number as /S when the lot took the secondary data, the
// manufacture date as /16D, and the check character.
func formatHIBCC(u *vigil.UDI) (string, error) {
	if err := hibcPrimary(u.DI, 0); err != nil {
		return "", fmt.Errorf("udi: HIBCC device identifier: %w", err)
	}
	if u.DonationID != "" {
		return "", fmt.Errorf("udi: a HIBCC UDI has no donation identification number")
	}
	var b strings.Builder
	b.WriteString("+" + u.DI)
	// The expiry goes in the secondary data as YYMMDD when its year has
	// two digits under the pivot, else in /14D as YYYYMMDD.
	exp, exp14 := "7", ""
	if u.Expiry != "" {
		t, err := parseISO("expiry", u.Expiry)
		if err != nil {
			return "", err
		}
		if yy, err := twoDigitYear("expiry", t); err == nil {
			exp = fmt.Sprintf("3%02d%02d%02d", yy, int(t.Month()), t.Day())
		} else if t.Year() >= 1900 && t.Year() <= 9999 {
			exp14 = t.Format("20060102")
		} else {
			return "", fmt.Errorf("udi: expiry year %d has no HIBC form", t.Year())
		}
	}
	serialDone := false
	switch {
	case u.Lot != "":
		b.WriteString("/$$" + exp + u.Lot)
	case u.Serial != "":
		b.WriteString("/$$+" + exp + u.Serial)
		serialDone = true
	case exp14 == "" && u.Expiry != "":
		b.WriteString("/$$" + exp)
	}
	if exp14 != "" {
		b.WriteString("/14D" + exp14)
	}
	if u.Serial != "" && !serialDone {
		b.WriteString("/S" + u.Serial)
	}
	if u.Manufactured != "" {
		t, err := parseISO("manufacture date", u.Manufactured)
		if err != nil {
			return "", err
		}
		if t.Year() < 1900 || t.Year() > 9999 {
			return "", fmt.Errorf("udi: manufacture date year %d has no HIBC form", t.Year())
		}
		b.WriteString("/16D" + t.Format("20060102"))
	}
	s := b.String()
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(hibcAlphabet, s[i]) < 0 {
			return "", fmt.Errorf("udi: byte 0x%02x is not in the HIBC character set", s[i])
		}
	}
	c := mod43(s)
	if c == ' ' {
		c = '_' // see hibcc: a trailing space does not survive
	}
	return s + string(c), nil
}
