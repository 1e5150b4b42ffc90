package udi

import (
	"fmt"
	"strings"

	"github.com/vigil-health/vigil"
)

// aiSpec is what the GS1 General Specifications say of one application
// identifier's value.
type aiSpec struct {
	fixed    bool // predefined length: no FNC1 follows it in an element string
	min, max int
	numeric  bool
	date     bool // YYMMDD
}

// gs1AIs are the application identifiers a UDI carrier holds or may hold
// beside them. The UDI ones are 01 (GTIN), 10 (lot), 11 (production date),
// 17 (expiry) and 21 (serial); the others are read and set aside.
var gs1AIs = map[string]aiSpec{
	"00":   {fixed: true, min: 18, max: 18, numeric: true},
	"01":   {fixed: true, min: 14, max: 14, numeric: true},
	"02":   {fixed: true, min: 14, max: 14, numeric: true},
	"10":   {min: 1, max: 20},
	"11":   {fixed: true, min: 6, max: 6, numeric: true, date: true},
	"12":   {fixed: true, min: 6, max: 6, numeric: true, date: true},
	"13":   {fixed: true, min: 6, max: 6, numeric: true, date: true},
	"15":   {fixed: true, min: 6, max: 6, numeric: true, date: true},
	"16":   {fixed: true, min: 6, max: 6, numeric: true, date: true},
	"17":   {fixed: true, min: 6, max: 6, numeric: true, date: true},
	"20":   {fixed: true, min: 2, max: 2, numeric: true},
	"21":   {min: 1, max: 20},
	"22":   {min: 1, max: 20},
	"30":   {min: 1, max: 8, numeric: true},
	"37":   {min: 1, max: 8, numeric: true},
	"235":  {min: 1, max: 28},
	"240":  {min: 1, max: 30},
	"241":  {min: 1, max: 30},
	"250":  {min: 1, max: 30},
	"251":  {min: 1, max: 30},
	"400":  {min: 1, max: 30},
	"401":  {min: 1, max: 30},
	"403":  {min: 1, max: 30},
	"7003": {min: 10, max: 10, numeric: true},
	"7004": {min: 1, max: 4, numeric: true},
	"8003": {min: 14, max: 30},
	"8004": {min: 1, max: 30},
	"8012": {min: 1, max: 20},
	"8020": {min: 1, max: 25},
}

// lookupAI finds the application identifier that starts s and its spec.
func lookupAI(s string) (string, aiSpec, bool) {
	for n := 2; n <= 4 && n <= len(s); n++ {
		if spec, ok := gs1AIs[s[:n]]; ok {
			return s[:n], spec, true
		}
	}
	if len(s) >= 4 && s[0] == '3' && s[1] >= '1' && s[1] <= '6' && allDigits(s[:4]) {
		return s[:4], aiSpec{fixed: true, min: 6, max: 6, numeric: true}, true // measures
	}
	if len(s) >= 3 && s[0] == '4' && s[1] == '1' && s[2] >= '0' && s[2] <= '7' {
		return s[:3], aiSpec{fixed: true, min: 13, max: 13, numeric: true}, true // GLNs
	}
	if len(s) >= 2 && s[0] == '9' && s[1] >= '0' && s[1] <= '9' {
		return s[:2], aiSpec{min: 1, max: 90}, true // company internal
	}
	return "", aiSpec{}, false
}

// set82 reports whether c is in GS1's encodable character set 82, the
// characters a lot or serial may hold.
func set82(c byte) bool {
	switch {
	case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		return true
	}
	return strings.IndexByte("!\"%&'()*+,-./:;<=>?_", c) >= 0
}

// gtinCheck returns the GS1 check digit of the digits before it.
func gtinCheck(body string) byte {
	sum := 0
	for i := len(body) - 1; i >= 0; i-- {
		d := int(body[i] - '0')
		if (len(body)-1-i)%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

// checkGTIN verifies a GTIN-14's check digit; off is where it starts.
func checkGTIN(g string, off int) error {
	if len(g) != 14 || !allDigits(g) {
		return errAt(off, "a GTIN is 14 digits")
	}
	if want := gtinCheck(g[:13]); g[13] != want {
		return errAt(off+13, "GTIN check digit is %c, want %c", g[13], want)
	}
	return nil
}

// gs1 collects the UDI's parts as the AIs give them.
type gs1 struct {
	u     vigil.UDI
	found map[string]int // AI -> offset of its first value
}

// field records one AI's value, checking it against its spec.
func (g *gs1) field(ai string, spec aiSpec, known bool, v string, off int) error {
	if known {
		if len(v) < spec.min || len(v) > spec.max {
			if spec.min == spec.max {
				return errAt(off, "(%s) takes %d characters, not %d", ai, spec.min, len(v))
			}
			return errAt(off, "(%s) takes %d to %d characters, not %d", ai, spec.min, spec.max, len(v))
		}
		for i := 0; i < len(v); i++ {
			if spec.numeric && (v[i] < '0' || v[i] > '9') {
				return errAt(off+i, "(%s) takes digits only", ai)
			}
			if !set82(v[i]) {
				return errAt(off+i, "byte 0x%02x is not allowed in a GS1 value", v[i])
			}
		}
	}
	if v == "" {
		return errAt(off, "(%s) has no value", ai)
	}
	if _, dup := g.found[ai]; dup {
		return errAt(off, "(%s) appears twice", ai)
	}
	g.found[ai] = off
	var err error
	switch ai {
	case "01":
		err = checkGTIN(v, off)
		g.u.DI = v
	case "10":
		g.u.Lot = v
	case "21":
		g.u.Serial = v
	case "11":
		g.u.Manufactured, err = yymmdd(v, 0)
	case "17":
		g.u.Expiry, err = yymmdd(v, 0)
	default:
		if spec.date {
			_, err = yymmdd(v, 0)
		}
	}
	if e, ok := err.(*Error); ok && ai != "01" {
		e.Offset += off // the date helpers count from the value's start
	}
	return err
}

func (g *gs1) done(end int) (vigil.UDI, error) {
	if g.u.DI == "" {
		return vigil.UDI{}, errAt(end, "no GTIN: a GS1 UDI needs (01)")
	}
	g.u.Issuer = vigil.UDIIssuerGS1
	return g.u, nil
}

// gs1HRI reads the human-readable form: "(AI)value" repeated.
func (p *reader) gs1HRI() (vigil.UDI, error) {
	g := &gs1{found: map[string]int{}}
	s := p.s
	for p.pos < len(s) {
		if s[p.pos] != '(' {
			return vigil.UDI{}, errAt(p.pos, "'(' expected before an application identifier")
		}
		close := strings.IndexByte(s[p.pos:], ')')
		if close < 0 {
			return vigil.UDI{}, errAt(p.pos, "application identifier without ')'")
		}
		ai := s[p.pos+1 : p.pos+close]
		if len(ai) < 2 || len(ai) > 4 || !allDigits(ai) {
			return vigil.UDI{}, errAt(p.pos+1, "an application identifier is 2 to 4 digits")
		}
		start := p.pos + close + 1
		end := nextHRI(s, start)
		v := strings.TrimSpace(s[start:end])
		voff := start + strings.Index(s[start:end], v)
		spec, known := gs1AIs[ai]
		if !known {
			if a, sp, ok := lookupAI(ai); ok && a == ai {
				spec, known = sp, true
			}
		}
		if err := g.field(ai, spec, known, v, voff); err != nil {
			return vigil.UDI{}, err
		}
		p.pos = end
		for p.pos < len(s) && s[p.pos] == ' ' {
			p.pos++
		}
	}
	return g.done(len(s))
}

// nextHRI returns where the next "(AI)" starts at or after i, or len(s).
func nextHRI(s string, i int) int {
	for j := i; j < len(s); j++ {
		if s[j] != '(' {
			continue
		}
		k := j + 1
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		if n := k - j - 1; n >= 2 && n <= 4 && k < len(s) && s[k] == ')' {
			// "(AI)" preceded by a space belongs to the next field too
			for j > i && s[j-1] == ' ' {
				j--
			}
			return j
		}
	}
	return len(s)
}

// gs1Elements reads an element string: AI and value run together, a GS
// ending each value that has no predefined length.
func (p *reader) gs1Elements() (vigil.UDI, error) {
	g := &gs1{found: map[string]int{}}
	s := p.s
	for p.pos < len(s) && s[p.pos] == GS {
		p.pos++ // FNC1 in first position
	}
	for p.pos < len(s) {
		ai, spec, ok := lookupAI(s[p.pos:])
		if !ok {
			return vigil.UDI{}, errAt(p.pos, "unknown or cut-short GS1 application identifier")
		}
		start := p.pos + len(ai)
		var end int
		if spec.fixed {
			end = start + spec.max
			if end > len(s) {
				return vigil.UDI{}, errAt(len(s), "(%s) takes %d characters, the text ends after %d", ai, spec.max, len(s)-start)
			}
		} else {
			end = start
			for end < len(s) && s[end] != GS {
				end++
			}
		}
		if err := g.field(ai, spec, true, s[start:end], start); err != nil {
			return vigil.UDI{}, err
		}
		p.pos = end
		if p.pos < len(s) && s[p.pos] == GS {
			p.pos++
		}
	}
	return g.done(len(s))
}

// bareGTIN reads a GTIN-8, -12, -13 or -14 alone: a device identifier
// without production identifiers.
func (p *reader) bareGTIN() (vigil.UDI, error) {
	return gtinDI(p.s[p.pos:], p.pos)
}

// gtinDI reads a GTIN of 8 to 14 digits as a GS1 DI, padded to 14.
func gtinDI(t string, off int) (vigil.UDI, error) {
	if !allDigits(t) {
		for i := 0; i < len(t); i++ {
			if t[i] < '0' || t[i] > '9' {
				return vigil.UDI{}, errAt(off+i, "a GTIN is digits only")
			}
		}
	}
	switch len(t) {
	case 8, 12, 13, 14:
	default:
		return vigil.UDI{}, errAt(off, "a GTIN is 8, 12, 13 or 14 digits, not %d", len(t))
	}
	pad := 14 - len(t)
	g := strings.Repeat("0", pad) + t
	if err := checkGTIN(g, off-pad); err != nil {
		return vigil.UDI{}, err
	}
	return vigil.UDI{Issuer: vigil.UDIIssuerGS1, DI: g}, nil
}

// formatGS1 writes the human-readable form.
func formatGS1(u *vigil.UDI) (string, error) {
	if err := checkGTIN(u.DI, 0); err != nil {
		return "", fmt.Errorf("udi: GS1 device identifier: %w", err)
	}
	if u.DonationID != "" {
		return "", fmt.Errorf("udi: a GS1 UDI has no donation identification number")
	}
	var b strings.Builder
	b.WriteString("(01)" + u.DI)
	for _, d := range []struct{ ai, v, what string }{{"11", u.Manufactured, "manufacture date"}, {"17", u.Expiry, "expiry"}} {
		if d.v == "" {
			continue
		}
		t, err := parseISO(d.what, d.v)
		if err != nil {
			return "", err
		}
		yy, err := twoDigitYear(d.what, t)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(&b, "(%s)%02d%02d%02d", d.ai, yy, int(t.Month()), t.Day())
	}
	if u.Lot != "" {
		b.WriteString("(10)" + u.Lot)
	}
	if u.Serial != "" {
		b.WriteString("(21)" + u.Serial)
	}
	return b.String(), nil
}
