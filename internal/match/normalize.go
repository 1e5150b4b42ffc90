package match

import (
	"strings"
	"unicode"
)

// Aliases maps a squashed vendor spelling (see Squash) to the canonical vendor
// key Vigil uses, which is the squashed NVD CPE vendor where one exists.
// Build one with DefaultAliases and extend it from configuration.
type Aliases map[string]string

// DefaultAliases returns the vendor aliases for the medical-device makers seen
// in CISA ICSMA advisories and NVD. Keys and values are squashed.
func DefaultAliases() Aliases {
	groups := map[string][]string{
		"gehealthcare":        {"ge", "gehealthcare", "gemedicalsystems", "generalelectric", "generalelectricge", "gehealthcaretechnologies", "generalelectrichealthcare", "ge_healthcare"},
		"philips":             {"philips", "phillips", "philipshealthcare", "koninklijkephilips", "philipsmedicalsystems", "philipselectronics"},
		"bd":                  {"bd", "bectondickinson", "bectondickinsonandcompany", "bectondickinsonandcompanybd", "bdbectondickinson", "carefusion"},
		"bbraun":              {"bbraun", "bbraunmedical", "bbraunmelsungen", "bbraunmelsungenag", "braun"},
		"draeger":             {"draeger", "drager", "dragerwerk", "draegerwerk", "draegermedical"},
		"siemens":             {"siemens", "siemenshealthineers", "siemenshealthcare", "siemensmedical"},
		"medtronic":           {"medtronic", "medtronicplc", "covidien"},
		"baxter":              {"baxter", "baxterinternational", "baxterhealthcare"},
		"hillrom":             {"hillrom", "hillrombaxter", "welchallyn", "hillromandelibaxterinternational"},
		"smithsmedical":       {"smithsmedical", "smiths", "icumedical"},
		"fresenius":           {"fresenius", "freseniuskabi", "freseniusmedicalcare"},
		"offis":               {"offis", "offisev", "dcmtk"},
		"nextgen":             {"nextgen", "nextgenhealthcare", "mirth"},
		"stjudemedical":       {"stjudemedical", "stjude", "abbott", "abbottlaboratories"},
		"spacelabshealthcare": {"spacelabs", "spacelabshealthcare"},
		"natus":               {"natus", "natusmedical"},
		"changehealthcare":    {"changehealthcare", "mckesson"},
		"zoll":                {"zoll", "zollmedical"},
		"carestream":          {"carestream", "carestreamhealth"},
		"fujifilm":            {"fujifilm", "fujifilmhealthcare"},
		"roche":               {"roche", "rochediagnostics"},
		"orthanc-server":      {"orthanc", "orthancserver"},
	}
	a := Aliases{}
	for canon, names := range groups {
		c := Squash(canon)
		a[c] = c
		for _, n := range names {
			a[Squash(n)] = c
		}
	}
	return a
}

// Vendor returns the canonical key for a vendor name in any spelling:
// "GE Healthcare", "ge_healthcare" and "GE Medical Systems" all give
// "gehealthcare".
func (a Aliases) Vendor(name string) string {
	if cpeLike(name) {
		// CPE vendors ("ge_healthcare") have no legal forms to strip.
		s := Squash(name)
		if c, ok := a[s]; ok {
			return c
		}
		return s
	}
	s := Squash(stripCorporate(name))
	if c, ok := a[s]; ok {
		return c
	}
	if c, ok := a[Squash(name)]; ok {
		return c
	}
	return s
}

// cpeLike reports whether s uses only lower-case letters, digits and "_".
func cpeLike(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return s != ""
}

// Squash lower-cases s, folds common accented Latin letters to ASCII and
// drops everything that is not a letter or digit: "Dräger Medical" gives
// "dragermedical", "apexpro_telemetry_server" gives "apexprotelemetryserver".
func Squash(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = fold(unicode.ToLower(r))
		if r < 128 && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Tokens splits s into lower-case ASCII words of letters and digits, with
// accents folded: "CARESCAPE Central Station (CSCS)" gives
// [carescape central station cscs].
func Tokens(s string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	for _, r := range s {
		r = fold(unicode.ToLower(r))
		if r < 128 && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			flush()
		}
	}
	flush()
	return out
}

// ProductKey normalises a product name for index lookups: squashed, with a
// trailing "firmware" dropped so that NVD's "x_firmware" (o:) and the device
// model "X" meet.
func ProductKey(name string) string {
	s := Squash(name)
	if t, ok := strings.CutSuffix(s, "firmware"); ok && t != "" {
		return t
	}
	return s
}

func fold(r rune) rune {
	switch r {
	case 'à', 'á', 'â', 'ã', 'ä', 'å':
		return 'a'
	case 'ç':
		return 'c'
	case 'è', 'é', 'ê', 'ë':
		return 'e'
	case 'ì', 'í', 'î', 'ï':
		return 'i'
	case 'ñ':
		return 'n'
	case 'ò', 'ó', 'ô', 'õ', 'ö', 'ø':
		return 'o'
	case 'ù', 'ú', 'û', 'ü':
		return 'u'
	case 'ý', 'ÿ':
		return 'y'
	case 'ß':
		return 's'
	}
	return r
}

// stripCorporate drops legal-form words and parenthesised abbreviations
// ("Inc.", "Ltd", "GmbH", "(BD)") that vary between sources.
func stripCorporate(name string) string {
	if i := strings.IndexByte(name, '('); i > 0 {
		name = name[:i]
	}
	for _, abbr := range []string{"N.V.", "S.A.", "B.V.", "S.p.A.", "Co."} {
		name = strings.ReplaceAll(name, abbr, strings.ReplaceAll(abbr, ".", ""))
	}
	toks := Tokens(name)
	out := toks[:0]
	for _, t := range toks {
		switch t {
		case "inc", "incorporated", "ltd", "limited", "llc", "corp", "corporation", "co", "company", "gmbh", "ag", "sa", "plc", "oy", "kg", "kgaa", "se", "bv", "nv", "spa", "the", "and":
			continue
		}
		out = append(out, t)
	}
	if len(out) == 0 {
		return name
	}
	return strings.Join(out, " ")
}
