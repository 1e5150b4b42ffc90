package match

import (
	"fmt"
	"strings"
)

// CPE is a CPE 2.3 name split into its eleven attributes. Values are kept
// unescaped-for-reading but with wildcards intact: "*" is ANY, "-" is NA.
type CPE struct {
	Part      string // a, o, h or *
	Vendor    string
	Product   string
	Version   string
	Update    string
	Edition   string
	Language  string
	SWEdition string
	TargetSW  string
	TargetHW  string
	Other     string
}

// The CPE logical values.
const (
	Any = "*"
	NA  = "-"
)

// ParseCPE parses a CPE 2.3 formatted string ("cpe:2.3:a:offis:dcmtk:3.6.6:*:*:*:*:*:*:*")
// or a CPE 2.2 URI ("cpe:/a:offis:dcmtk:3.6.6"). Missing trailing attributes are ANY.
// Values are lower-cased; "\:" and other escapes are resolved to the plain character.
func ParseCPE(s string) (CPE, error) {
	switch {
	case strings.HasPrefix(s, "cpe:2.3:"):
		return parseFormatted(s[len("cpe:2.3:"):], s)
	case strings.HasPrefix(s, "cpe:/"):
		return parseURI(s[len("cpe:/"):], s)
	}
	return CPE{}, fmt.Errorf("parse CPE %q: not a cpe:2.3: or cpe:/ name", truncate(s, 80))
}

func parseFormatted(body, orig string) (CPE, error) {
	var fields []string
	var b strings.Builder
	esc := false
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case esc:
			if c == '*' || c == '?' {
				b.WriteByte('\\') // keep escaped wildcards distinguishable from real ones
			}
			b.WriteByte(c)
			esc = false
		case c == '\\':
			esc = true
		case c == ':':
			fields = append(fields, b.String())
			b.Reset()
		default:
			b.WriteByte(c)
		}
	}
	if esc {
		return CPE{}, fmt.Errorf("parse CPE %q: trailing backslash", truncate(orig, 80))
	}
	fields = append(fields, b.String())
	if len(fields) > 11 {
		return CPE{}, fmt.Errorf("parse CPE %q: %d attributes, want 11", truncate(orig, 80), len(fields))
	}
	return fromFields(fields, orig)
}

func parseURI(body, orig string) (CPE, error) {
	fields := strings.Split(body, ":")
	if len(fields) > 7 {
		return CPE{}, fmt.Errorf("parse CPE %q: %d URI components, want at most 7", truncate(orig, 80), len(fields))
	}
	for i, f := range fields {
		f = uriDecode(f)
		if f == "" {
			f = Any
		}
		fields[i] = f
	}
	return fromFields(fields, orig)
}

func uriDecode(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b.WriteByte(unhex(s[i+1])<<4 | unhex(s[i+2]))
			i += 2
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

func fromFields(f []string, orig string) (CPE, error) {
	for len(f) < 11 {
		f = append(f, Any)
	}
	for i := range f {
		f[i] = strings.ToLower(f[i])
		if f[i] == "" {
			f[i] = Any
		}
	}
	switch f[0] {
	case "a", "o", "h", Any:
	default:
		return CPE{}, fmt.Errorf("parse CPE %q: part %q is not a, o or h", truncate(orig, 80), f[0])
	}
	if f[1] == NA || f[2] == NA {
		return CPE{}, fmt.Errorf("parse CPE %q: vendor and product may not be NA", truncate(orig, 80))
	}
	return CPE{f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10]}, nil
}

// BindCPE returns the CPE 2.3 formatted string for a product the device
// reports, e.g. BindCPE("a", "OFFIS", "DCMTK", "3.6.7") gives
// "cpe:2.3:a:offis:dcmtk:3.6.7:*:*:*:*:*:*:*" for a DICOM implementation
// version seen on the wire. Spaces become "_"; empty values are ANY.
func BindCPE(part, vendor, product, version string) string {
	norm := func(s string) string {
		s = strings.ToLower(strings.TrimSpace(s))
		if s == "" {
			return Any
		}
		return strings.Join(strings.Fields(s), "_")
	}
	c := CPE{Part: norm(part), Vendor: norm(vendor), Product: norm(product), Version: norm(version)}
	fill(&c)
	return c.String()
}

// String binds the CPE to its 2.3 formatted string, escaping ":" in values.
func (c CPE) String() string {
	var b strings.Builder
	b.WriteString("cpe:2.3")
	for _, v := range c.attrs() {
		b.WriteByte(':')
		for i := 0; i < len(v); i++ {
			if v[i] == ':' {
				b.WriteByte('\\')
			}
			b.WriteByte(v[i])
		}
	}
	return b.String()
}

func (c CPE) attrs() [11]string {
	return [11]string{c.Part, c.Vendor, c.Product, c.Version, c.Update, c.Edition, c.Language, c.SWEdition, c.TargetSW, c.TargetHW, c.Other}
}

// Matches reports whether target falls under criteria c, attribute by
// attribute (NISTIR 7696 name matching, simplified): a criteria value ANY
// matches everything, NA matches only NA, and "*" and "?" inside a value are
// wildcards. A target ANY (a value the device did not tell us) matches any
// criteria value. The version attribute is compared with the firmware-aware
// comparator, so "4.3" matches "4.3.0".
func (c CPE) Matches(target CPE) bool {
	ca, ta := c.attrs(), target.attrs()
	for i := range ca {
		if i == 3 {
			if !versionAttrMatches(ca[i], ta[i]) {
				return false
			}
			continue
		}
		if !attrMatches(ca[i], ta[i]) {
			return false
		}
	}
	return true
}

func versionAttrMatches(crit, target string) bool {
	if crit == Any || target == Any {
		return true
	}
	if crit == NA || target == NA {
		return crit == target
	}
	if strings.ContainsAny(crit, "*?") {
		return glob(crit, target)
	}
	return Compare(ParseVersion(crit), ParseVersion(target)) == 0
}

func attrMatches(crit, target string) bool {
	switch {
	case crit == Any, target == Any:
		return true
	case crit == NA || target == NA:
		return crit == target
	case strings.ContainsAny(crit, "*?"):
		return glob(crit, target)
	}
	return crit == target
}

// glob matches s against pattern p where an unescaped "*" is any run and "?"
// any one character.
func glob(p, s string) bool {
	var pi, si, star, mark = 0, 0, -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] == '\\' && pi+1 < len(p) && p[pi+1] == s[si]:
			pi += 2
			si++
		case pi < len(p) && (p[pi] == '?' || p[pi] == s[si]) && p[pi] != '*' && p[pi] != '\\':
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
