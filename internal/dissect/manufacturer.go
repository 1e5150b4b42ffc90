package dissect

import (
	"cmp"
	_ "embed"
	"slices"
	"strings"
	"sync"
)

// makersTSV is the table of manufacturer evidence: DICOM UID roots, HL7,
// HTTP and banner tokens and SNMP enterprise numbers, each with where it was
// learned. See the file's header for its columns.
//
//go:embed data/makers.tsv
var makersTSV string

// Maker is what one piece of application-layer evidence says about who made
// a device.
type Maker struct {
	Name  string // the manufacturer, "" when nothing matched
	Model string // the model the evidence names, or ""
	// Software is set when the rule names a toolkit, an embedded server or an
	// operating system rather than the maker of the device itself.
	Software bool
}

// makerRule is one line of makers.tsv.
type makerRule struct {
	pattern, maker, model string
	software              bool
}

// makerRules holds the parsed table by kind, longest pattern first.
type makerRules struct {
	uid, hl7, http, banner, enterprise []makerRule
}

var rules = sync.OnceValue(func() *makerRules { return parseMakers(makersTSV) })

// parseMakers reads the table. Malformed lines are a programming error
// caught by TestMakersTable, so they are skipped here.
func parseMakers(s string) *makerRules {
	r := &makerRules{}
	for line := range strings.Lines(s) {
		line = strings.TrimRight(line, "\r\n")
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 6 {
			continue
		}
		rule := makerRule{pattern: strings.ToLower(f[1]), maker: f[2], model: f[3], software: f[4] == "software"}
		switch f[0] {
		case "uid":
			r.uid = append(r.uid, rule)
		case "hl7":
			r.hl7 = append(r.hl7, rule)
		case "http":
			r.http = append(r.http, rule)
		case "banner":
			r.banner = append(r.banner, rule)
		case "enterprise":
			r.enterprise = append(r.enterprise, rule)
		}
	}
	for _, k := range [][]makerRule{r.uid, r.hl7, r.http, r.banner, r.enterprise} {
		slices.SortStableFunc(k, func(a, b makerRule) int { return cmp.Compare(len(b.pattern), len(a.pattern)) })
	}
	return r
}

// MakerFromDICOMUID returns the manufacturer or toolkit whose registered
// root the implementation class UID (or any DICOM UID) falls under.
func MakerFromDICOMUID(uid string) Maker {
	for _, r := range rules().uid {
		if strings.HasPrefix(uid, r.pattern) && (len(uid) == len(r.pattern) || uid[len(r.pattern)] == '.') {
			return Maker{Name: r.maker, Model: r.model, Software: r.software}
		}
	}
	return Maker{}
}

// MakerFromHL7 returns the manufacturer an HL7 application or facility name
// (MSH-3..6, any component) or an OBX-18/PRT device identifier names.
func MakerFromHL7(s string) Maker { return matchRules(rules().hl7, s) }

// MakerFromHTTP returns the manufacturer an HTTP Server or User-Agent value
// names: the HTTP rules first, then the device banners.
func MakerFromHTTP(s string) Maker {
	if m := matchRules(rules().http, s); m.Name != "" {
		return m
	}
	return matchRules(rules().banner, s)
}

// MakerFromBanner returns the manufacturer a device banner names: a DICOM
// implementation version name, a DHCP vendor class, a TLS certificate
// subject, an SNMP sysDescr, an LLDP or CDP system description.
func MakerFromBanner(s string) Maker { return matchRules(rules().banner, s) }

// MakerFromSysObjectID returns the manufacturer whose IANA private
// enterprise number an SNMP sysObjectID (1.3.6.1.4.1.N...) falls under.
func MakerFromSysObjectID(oid string) Maker {
	rest, ok := strings.CutPrefix(oid, "1.3.6.1.4.1.")
	if !ok {
		return Maker{}
	}
	n, _, _ := strings.Cut(rest, ".")
	for _, r := range rules().enterprise {
		if r.pattern == n {
			return Maker{Name: r.maker, Model: r.model, Software: r.software}
		}
	}
	return Maker{}
}

// ManufacturerFromDICOMUID returns the manufacturer or toolkit whose
// registered root the implementation class UID (or any DICOM UID) falls
// under, or "".
func ManufacturerFromDICOMUID(uid string) string { return MakerFromDICOMUID(uid).Name }

// ManufacturerFromHL7App returns the manufacturer suggested by an HL7
// application or facility name (MSH-3..6, any component), or "".
func ManufacturerFromHL7App(name string) string { return MakerFromHL7(name).Name }

// ManufacturerFromHTTP returns the manufacturer suggested by an HTTP Server
// or User-Agent header value, or "".
func ManufacturerFromHTTP(product string) string { return MakerFromHTTP(product).Name }

// matchRules returns the maker of the first rule whose token occurs in s,
// ignoring ASCII case, with the model the rule names followed by the next
// word of s when that word holds a digit ("IntelliVue" then "MX750").
// When the first rule names no model, a later rule of the same maker may
// ("Draeger Infinity M540": "draeger", then "infinity").
func matchRules(rs []makerRule, s string) Maker {
	var m Maker
	for _, r := range rs {
		if m.Name != "" && (r.maker != m.Name || r.model == "") {
			continue
		}
		i := indexFold(s, r.pattern)
		if i < 0 {
			continue
		}
		if m.Name == "" {
			m = Maker{Name: r.maker, Software: r.software}
		}
		if r.model != "" {
			m.Model = r.model
			if w := nextWord(s[i+len(r.pattern):]); w != "" {
				m.Model += " " + w
			}
			return m
		}
	}
	return m
}

// nextWord returns the word after the separators at the start of s when it
// holds a digit: a model number.
func nextWord(s string) string {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '_' || s[i] == '-' || s[i] == '/') {
		i++
	}
	j, digit := i, false
	for j < len(s) {
		c := s[j]
		if '0' <= c && c <= '9' {
			digit = true
		} else if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '.') {
			break
		}
		j++
	}
	if !digit || j-i > 24 {
		return ""
	}
	return strings.TrimRight(s[i:j], ".")
}

// containsFold reports whether the lower-case ASCII token occurs in s,
// ignoring ASCII case.
func containsFold(s, token string) bool { return indexFold(s, token) >= 0 }

// indexFold returns the index of the lower-case token in s, ignoring ASCII
// case, or -1, without allocating.
func indexFold(s, token string) int {
	n := len(token)
	for i := 0; i+n <= len(s); i++ {
		j := 0
		for ; j < n; j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != token[j] {
				break
			}
		}
		if j == n {
			return i
		}
	}
	return -1
}
