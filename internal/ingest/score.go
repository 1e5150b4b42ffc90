package ingest

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/udi"
)

// Token-based header matching. A header the synonym table does not list is
// split into words ("SWVersion", "sw_ver", "S/W Rev." all give "software
// version"/"software revision"), each word is read through a table of
// abbreviations and synonyms into a concept, and every field scores the
// header by the concepts it holds: words that name the field count for it,
// qualifiers that turn it into something else ("Asset Type", "Serial
// Number" for a manufacturer) count against it. The best field above
// tokenThreshold wins; fields within tokenMargin of it are candidates that
// the column's content decides between (a "Risk Class" of I, II and III is
// an FDA class, one of "Life Support" a criticality). The tables below are
// words, never whole headers, so that spellings never seen map the way a
// person would map them.

// How a column came to be mapped by its header's words.
const ByTokens = "tokens"

const (
	tokenThreshold = 2.5 // the least score that maps a header
	tokenMargin    = 1.5 // how far below the best a candidate may score
	contentMargin  = 1.0 // how far below a shapeless best fitting values may overrule it
)

// phrases are word sequences read as one concept before scoring; the
// longest match at a position wins.
var phrases = map[string]string{
	"operating system":               "os",
	"physical address":               "mac",
	"hardware address":               "mac",
	"ethernet address":               "mac",
	"adapter address":                "mac",
	"preventive maintenance":         "pm",
	"preventative maintenance":       "pm",
	"planned maintenance":            "pm",
	"scheduled maintenance":          "pm",
	"planned preventive maintenance": "pm",
	"end of life":                    "eol",
	"end of support":                 "eos",
	"end of service":                 "eos",
	"end of sale":                    "eos",
	"end of service life":            "eol",
	"cost center":                    "costcenter",
	"cost centre":                    "costcenter",
	"cost code":                      "costcenter",
	"host name":                      "hostname",
	"computer name":                  "hostname",
	"machine name":                   "hostname",
	"network segment":                "vlan",
	"fda class":                      "fdaclass",
	"device class fda":               "fdaclass",
	"regulatory class":               "fdaclass",
	"service contract":               "contract",
	"maintenance contract":           "contract",
	"service agreement":              "contract",
	"support contract":               "contract",
	"serial number":                  "serial",
	"unique device identifier":       "udi",
	"unique device id":               "udi",
	"device identifier":              "di",
	"udi carrier":                    "udi",
	"udi di":                         "udi",
	"part number":                    "catalog",
	"as of":                          "observed",
	"ip address":                     "ip",
	"mac address":                    "mac",
	"last seen":                      "seen",
	"last scan":                      "scan",
	"control number":                 "control",
	"in service":                     "service",
}

// words maps one normalised word to the concept it stands for. Words not
// listed stand for themselves.
var words = map[string]string{
	// versions
	"sw": "software", "s/w": "software", "soft": "software", "fw": "firmware", "f/w": "firmware",
	"firmwre": "firmware", "ver": "version", "vers": "version", "v": "version", "vsn": "version",
	"rev": "revision", "revision": "revision", "rel": "release", "bld": "build", "fwver": "firmware",
	"swver": "software", "osver": "os", "bios": "bios", "image": "image", "oper": "os",
	// identifiers
	"sn": "serial", "s/n": "serial", "ser": "serial", "serialno": "serial", "serialnumber": "serial",
	"no": "number", "num": "number", "nbr": "number", "nr": "number", "#": "number",
	"tag": "tag", "tagno": "tag", "barcode": "barcode", "bar": "barcode", "equip": "equipment",
	"eqp": "equipment", "eq": "equipment", "equipmentid": "equipment", "ctrl": "control",
	"cn": "control", "inv": "inventory", "prop": "property", "assetid": "asset", "assettag": "tag",
	"id": "id", "identifier": "id", "ident": "id",
	"udi": "udi", "udis": "udi", "udidi": "udi", "gtin": "gtin", "hibc": "udi", "isbt": "udi", "di": "di",
	"eui": "eui64", "eui64": "eui64", "deveui": "eui64",
	// makers and models
	"mfr": "manufacturer", "mfg": "manufacturer", "manuf": "manufacturer", "manufacturer": "manufacturer",
	"manufacture": "manufacturer", "mfgr": "manufacturer", "maker": "manufacturer", "make": "manufacturer",
	"vendor": "vendor", "vndr": "vendor", "oem": "manufacturer", "brand": "brand", "labeler": "manufacturer",
	"mdl": "model", "modelno": "model", "catalogue": "catalog", "cat": "catalog", "catno": "catalog",
	"sku": "catalog", "pn": "catalog", "p/n": "catalog", "product": "product", "prod": "product",
	// network
	"mac": "mac", "macaddr": "mac", "macaddress": "mac", "hwaddr": "mac", "ip": "ip", "ipv4": "ip",
	"ipv6": "ip", "ipaddr": "ip", "ipaddress": "ip", "addr": "address", "adr": "address",
	"hostname": "hostname", "host": "host", "dns": "dns", "fqdn": "fqdn", "netbios": "netbios",
	"vlan": "vlan", "vlanid": "vlan", "vid": "vlan", "segment": "segment", "seg": "segment",
	// places
	"dept": "department", "dep": "department", "department": "department", "bldg": "building",
	"bld.": "building", "blg": "building", "rm": "room", "loc": "location", "locn": "location",
	"fl": "floor", "flr": "floor", "lvl": "level", "campus": "site", "facility": "site",
	"hospital": "site", "branchoffice": "site", "branch": "site", "centre": "center", "ctr": "center",
	"cc": "costcenter", "costcentre": "costcenter", "costcenter": "costcenter",
	// upkeep
	"pm": "pm", "ppm": "pm", "maint": "maintenance", "mnt": "maintenance", "mx": "maintenance",
	"eol": "eol", "eos": "eos", "eosl": "eos", "eox": "eol", "obsolete": "obsolete",
	"obsolescence": "obsolete", "discontinued": "obsolete", "warr": "warranty", "warranty": "warranty",
	"contract": "contract", "exp": "expiration", "expiry": "expiration", "expires": "expiration",
	"expiration": "expiration", "dt": "date", "date": "date", "due": "due", "nxt": "next",
	"next": "next", "last": "last", "lst": "last", "prev": "last", "previous": "last", "done": "done",
	"completed": "done", "performed": "done", "insp": "inspection", "sched": "scheduled",
	// risk, status
	"crit": "criticality", "critical": "criticality", "criticality": "criticality", "fda": "fda",
	"regulatory": "regulatory", "reg": "regulatory", "stat": "status", "sts": "status",
	"lifecycle": "lifecycle", "phi": "phi", "ephi": "phi", "pii": "phi",
	"xmit": "transmits", "transmit": "transmits", "transmits": "transmits", "sends": "transmits",
	"send": "transmits",
	// dates of observation
	"seen": "seen", "scanned": "scan", "scan": "scan", "discovered": "discovered", "updated": "updated",
	"modified": "updated", "lastseen": "seen", "observed": "observed", "checkin": "seen",
	"descr": "description", "desc": "description", "typ": "type", "discovery": "discovered",
	"recent": "last", "latest": "last", "changed": "updated", "change": "updated",
	"os": "os", "software": "software", "firmware": "firmware",
}

// cues gives, for each field, the weight each concept adds to a header's
// score for it; negative weights are qualifiers that make the header mean
// something else.
var cues = map[string]map[string]float64{
	vigil.FieldAssetTag: {"asset": 2.5, "tag": 3, "control": 3, "inventory": 2, "property": 2.5,
		"equipment": 2, "barcode": 3, "biomed": 2, "number": 1, "id": 1, "item": 1.5, "hospital": 0.5,
		"type": -3, "status": -3, "category": -3, "class": -3, "date": -3, "name": -2, "cost": -3,
		"price": -3, "value": -3, "description": -3, "model": -3, "location": -3, "eol": -3,
		"condition": -3, "owner": -3, "group": -3, "serial": -3, "manufacturer": -3, "contract": -3,
		"site": -3, "department": -3, "user": -3, "vendor": -3, "mac": -3, "ip": -3},
	vigil.FieldSerial: {"serial": 4, "number": 1, "manufacturer": 0.5, "date": -4, "port": -4},
	vigil.FieldManufacturer: {"manufacturer": 4, "vendor": 3.5, "brand": 3, "company": 2.5, "name": 0.5,
		"serial": -4, "model": -1, "number": -1, "catalog": -2, "contact": -4, "phone": -4, "email": -4,
		"date": -4, "mac": -5, "contract": -3, "id": -0.5},
	vigil.FieldModel: {"model": 4, "catalog": 3, "product": 2.5, "number": 1, "version": 0.5,
		"serial": -4, "type": -3, "date": -4, "year": -3},
	vigil.FieldDeviceType: {"type": 3, "category": 3, "subcategory": 2.5, "class": 2, "nomenclature": 3,
		"modality": 3, "kind": 2, "classification": 2, "umdns": 3, "gmdn": 3, "description": 1.5,
		"risk": -3, "fda": -4, "fdaclass": -4, "status": -3, "os": -3, "address": -3, "contract": -3,
		"ip": -3, "mac": -3, "regulatory": -4, "device": 0.5},
	vigil.FieldFirmware: {"firmware": 4, "software": 3, "os": 3, "version": 3, "revision": 2.5,
		"release": 2.5, "build": 2.5, "bios": 1, "image": 1, "patch": 1.5,
		"date": -3, "model": -2, "catalog": -2, "install": -1, "count": -4},
	vigil.FieldMAC: {"mac": 5, "address": 1, "vendor": -2, "manufacturer": -2},
	vigil.FieldIP: {"ip": 5, "address": 2.5, "network": 0.5, "mac": -5, "gateway": -5, "mask": -5,
		"subnet": -3, "street": -4, "email": -5, "server": -2},
	vigil.FieldHostname: {"hostname": 5, "host": 4, "dns": 3, "fqdn": 5, "netbios": 4, "computer": 2,
		"name": 1.5, "device": 1, "system": 1, "ci": 1.5, "asset": 1, "item": 1, "display": 1,
		"endpoint": 1.5, "network": 1, "node": 1.5,
		"model": -4, "manufacturer": -4, "user": -4, "owner": -4, "contact": -5, "site": -3,
		"location": -3, "product": -3, "company": -3, "department": -4, "vendor": -4, "server": -1,
		"domain": -2},
	vigil.FieldSite:       {"site": 4, "organization": 1.5, "name": 0.2},
	vigil.FieldBuilding:   {"building": 5},
	vigil.FieldFloor:      {"floor": 5, "level": 2, "storey": 4, "risk": -4},
	vigil.FieldDepartment: {"department": 5, "unit": 2.5, "ward": 3, "division": 2, "clinical": 0.5, "owner": -3, "owning": -3},
	vigil.FieldRoom:       {"room": 5, "bay": 3, "bed": 3, "suite": 2, "space": 2},
	vigil.FieldLocation:   {"location": 4, "area": 2.5, "street": 2.5, "physical": 1, "place": 2.5},
	vigil.FieldOwnerTeam: {"owner": 3, "team": 3, "group": 3, "responsible": 2, "managed": 2.5,
		"custodian": 3, "support": 1.5, "assigned": 2, "steward": 3, "owning": 2, "contract": -3,
		"vendor": -3},
	vigil.FieldStoresEPHI: {"phi": 4.1, "stores": 1.5, "contains": 1.5, "has": 1, "transmits": -3},
	vigil.FieldSendsEPHI:  {"phi": 4, "transmits": 3},
	vigil.FieldCriticality: {"criticality": 5, "risk": 3, "impact": 2, "priority": 1.5, "clinical": 0.5,
		"patient": 0.5, "fda": -5, "fdaclass": -5, "regulatory": -5, "vulnerability": -4, "security": -3},
	vigil.FieldLifecycle: {"status": 4, "lifecycle": 5, "state": 3, "operational": 2, "install": 2,
		"stage": 2, "condition": 2, "contract": -3, "warranty": -3, "pm": -4, "phi": -4, "date": -3},
	FieldObservedAt: {"seen": 4, "scan": 3.5, "discovered": 3.5, "observed": 4, "updated": 3,
		"inventory": 1, "last": 1, "date": 0.5, "first": -4, "pm": -5, "purchase": -5, "warranty": -5,
		"install": -4, "eol": -5, "contract": -5, "maintenance": -4, "due": -4},
	vigil.FieldLastPM: {"pm": 3.2, "last": 2, "date": 0.5, "done": 1.5, "maintenance": 1.5,
		"inspection": 1.5, "service": 1, "next": -5, "due": -4, "frequency": -5, "interval": -5,
		"procedure": -5, "schedule": -2, "scheduled": -2, "contract": -4, "status": -3, "type": -3},
	vigil.FieldNextPM: {"pm": 3, "next": 2.5, "due": 2.5, "date": 0.5, "scheduled": 1.5, "upcoming": 2,
		"maintenance": 1.5, "inspection": 1.5, "service": 1,
		"last": -5, "frequency": -5, "interval": -5, "procedure": -5, "done": -3, "contract": -4,
		"status": -3, "type": -3},
	vigil.FieldServiceContract: {"contract": 4, "warranty": 3.5, "coverage": 3, "agreement": 2.5,
		"sla": 2.5, "service": 1, "expiration": 0.5, "support": 0.5, "maintenance": 0.5},
	vigil.FieldEndOfLife: {"eol": 5, "eos": 4.5, "obsolete": 3.5, "retirement": 3, "sunset": 3,
		"replacement": 2, "life": 1.5, "end": 1.5, "date": 0.5},
	vigil.FieldFDAClass: {"fdaclass": 5, "fda": 4, "regulatory": 3, "class": 2, "risk": 1},
	vigil.FieldCostCenter: {"costcenter": 5, "cost": 2, "gl": 1.5, "account": 1.5, "budget": 2,
		"purchase": -3, "price": -5},
	vigil.FieldUDI:   {"udi": 5, "di": 2.5, "gtin": 3, "carrier": 1, "primary": 0.5, "device": 0.5, "date": -4, "expiration": -3},
	vigil.FieldEUI64: {"eui64": 5, "ieee": 1, "device": 0.5},
	vigil.FieldVLAN:  {"vlan": 5, "segment": 3, "network": 0.5, "subnet": 1.5, "name": 0.2},
}

// headerTokens splits a header into lower-case words: accents dropped,
// "S/N"-style abbreviations joined, camelCase and snake_case split, '#'
// read as "number", trailing digits dropped from words ("MAC1" is "mac")
// except where they are the word ("IPv4").
func headerTokens(h string) []string {
	if !isASCII(h) {
		t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
		if folded, _, err := transform.String(t, h); err == nil {
			h = folded
		}
	}
	rs := []rune(h)
	var b strings.Builder
	for i, r := range rs {
		switch {
		case r == '/' && i > 0 && i+1 < len(rs) && unicode.IsLetter(rs[i-1]) && unicode.IsLetter(rs[i+1]) &&
			(i < 2 || !unicode.IsLetter(rs[i-2])) && (i+2 >= len(rs) || !unicode.IsLetter(rs[i+2])):
			// "S/N", "S/W", "P/N": one abbreviation
		case r == '#':
			b.WriteString(" number ")
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if i > 0 && splitBefore(rs, i) {
				b.WriteByte(' ')
			}
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteByte(' ')
		}
	}
	fields := strings.Fields(b.String())
	out := fields[:0]
	for _, w := range fields {
		if w != "ipv4" && w != "ipv6" && w != "gs1" && w != "vl" {
			trimmed := strings.TrimRightFunc(w, unicode.IsDigit)
			if trimmed == "" {
				continue // a bare number says nothing
			}
			w = trimmed
		}
		out = append(out, w)
	}
	return out
}

// splitBefore reports whether a camelCase word boundary falls before rs[i]:
// lower to upper ("serialNumber"), an upper followed by lower after uppers
// ("MACAddress"), or a digit to a letter ("IPv4Address").
func splitBefore(rs []rune, i int) bool {
	prev, r := rs[i-1], rs[i]
	switch {
	case unicode.IsUpper(r) && unicode.IsLower(prev):
		return true
	case unicode.IsUpper(r) && unicode.IsUpper(prev) && i+1 < len(rs) && unicode.IsLower(rs[i+1]):
		// "MACAddress" -> MAC Address, but "IPv4" stays whole below
		return !(r == 'P' && prev == 'I' && rs[i+1] == 'v')
	case unicode.IsLetter(r) && unicode.IsDigit(prev):
		return true
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// concepts reads a header's words as concepts: phrases first, then single
// words through the abbreviation table, plurals folded.
func concepts(h string) []string {
	var ws []string
	for _, w := range headerTokens(h) {
		ws = append(ws, splitGlued(singular(w))...)
	}
	// phrases match the words as written or as the abbreviation table
	// reads them ("cost ctr" is "cost center")
	read := make([]string, len(ws))
	for i, w := range ws {
		read[i] = concept(w)
	}
	var out []string
	for i := 0; i < len(ws); {
		matched := false
		for n := min(5, len(ws)-i); n >= 2 && !matched; n-- {
			for _, seq := range [][]string{ws[i : i+n], read[i : i+n]} {
				if c, ok := phrases[strings.Join(seq, " ")]; ok {
					out = append(out, c)
					i += n
					matched = true
					break
				}
			}
		}
		if matched {
			continue
		}
		out = append(out, concept(ws[i]))
		i++
	}
	return out
}

// concept reads one word through the abbreviation table.
func concept(w string) string {
	if c, ok := words[w]; ok {
		return c
	}
	return w
}

// vocabulary holds every word the tables know: abbreviations, concepts,
// the words of phrases and every cue.
var vocabulary = sync.OnceValue(func() map[string]bool {
	v := map[string]bool{}
	for w, c := range words {
		v[w], v[c] = true, true
	}
	for p, c := range phrases {
		for _, w := range strings.Fields(p) {
			v[w] = true
		}
		v[c] = true
	}
	for _, cue := range cues {
		for w := range cue {
			v[w] = true
		}
	}
	return v
})

// singular folds a plural the tables know the singular of ("addresses",
// "centers"); other words are left as they are ("status").
func singular(w string) string {
	v := vocabulary()
	if v[w] || len(w) < 4 {
		return w
	}
	for _, suf := range []string{"es", "s"} {
		if stem, ok := strings.CutSuffix(w, suf); ok && v[stem] {
			return stem
		}
	}
	return w
}

// splitGlued splits a word the tables do not know into known words when it
// is several glued together ("hostserialnumber", "Warrantydate"): the
// split into the fewest known words of two letters or more; the word itself
// when there is none.
func splitGlued(w string) []string {
	v := vocabulary()
	if v[w] || len(w) < 5 || len(w) > 40 {
		return []string{w}
	}
	// best[i] is the fewest words w[:i] splits into, and where the last
	// one starts.
	const none = 1 << 30
	best := make([]int, len(w)+1)
	from := make([]int, len(w)+1)
	for i := 1; i <= len(w); i++ {
		best[i] = none
		for j := max(0, i-20); j <= i-2; j++ {
			if best[j] < none && v[singular(w[j:i])] && best[j]+1 < best[i] {
				best[i], from[i] = best[j]+1, j
			}
		}
	}
	if best[len(w)] == none {
		return []string{w}
	}
	var parts []string
	for i := len(w); i > 0; i = from[i] {
		parts = append(parts, singular(w[from[i]:i]))
	}
	slices.Reverse(parts)
	return parts
}

// candidate is one field a header may mean and its score.
type candidate struct {
	field string
	score float64
}

// scoreHeader scores a header against every field and returns the fields
// within tokenMargin of the best, best first, or nil when none reaches
// tokenThreshold.
func scoreHeader(h string) []candidate {
	cs := concepts(h)
	if len(cs) == 0 {
		return nil
	}
	seen := make(map[string]bool, len(cs))
	var uniq []string
	for _, c := range cs {
		if !seen[c] {
			seen[c] = true
			uniq = append(uniq, c)
		}
	}
	var out []candidate
	for field, cue := range cues {
		s := 0.0
		for _, c := range uniq {
			s += cue[c]
		}
		if s > 0 {
			out = append(out, candidate{field, s})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].score != out[j].score {
			return out[i].score > out[j].score
		}
		return fieldOrder(out[i].field) < fieldOrder(out[j].field)
	})
	if len(out) == 0 || out[0].score < tokenThreshold {
		return nil
	}
	best := out[0].score
	n := 1
	for n < len(out) && out[n].score >= best-tokenMargin {
		n++
	}
	return out[:n]
}

// fieldOrder breaks equal scores by the fields' display order.
func fieldOrder(f string) int {
	for i, g := range vigil.Fields {
		if g == f {
			return i
		}
	}
	return len(vigil.Fields)
}

// TokenField returns the field a header means by its words alone, without
// looking at content: what a column with that header and no sample maps
// to. "" when no field scores enough.
func TokenField(header string) string {
	if cs := scoreHeader(header); len(cs) > 0 {
		return cs[0].field
	}
	return ""
}

// contentTest returns a test of one value for fields whose values have a
// recognisable shape, or nil.
func contentTest(field string) func(string) bool {
	switch field {
	case vigil.FieldMAC:
		return func(s string) bool { _, err := vigil.NormalizeMAC(strings.TrimSpace(s)); return err == nil }
	case vigil.FieldUDI:
		return func(s string) bool { _, err := udi.Parse(s); return err == nil }
	case vigil.FieldEUI64:
		return func(s string) bool { _, err := vigil.NormalizeEUI64(strings.TrimSpace(s)); return err == nil }
	case vigil.FieldIP:
		return looksLike(vigil.FieldIP)
	case vigil.FieldFirmware:
		return looksLikeVersion
	case vigil.FieldVLAN, vigil.FieldFDAClass, vigil.FieldCriticality, vigil.FieldLifecycle,
		vigil.FieldStoresEPHI, vigil.FieldSendsEPHI:
		return func(s string) bool { v, err := NormalizeValue(field, s); return err == nil && v != "" }
	case vigil.FieldLastPM, vigil.FieldNextPM, vigil.FieldEndOfLife, FieldObservedAt:
		return func(s string) bool { _, err := ParseDate(s); return err == nil }
	}
	return nil
}

// looksLikeVersion reports whether s reads as a software version: digits
// with dots ("4.2.1", "v10.3", "R2.1b"), or a letter-and-digit build
// ("B.02.17"), short and without spaces beyond a leading word.
func looksLikeVersion(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 40 {
		return false
	}
	if _, err := ParseDate(s); err == nil && (strings.ContainsAny(s, "/-") || yearLast(s)) {
		return false // a date; "3.4.56" is a version, "03.04.2025" a date
	}
	if _, err := normalizeIP(s); err == nil && strings.Count(s, ".") == 3 {
		return false
	}
	// a leading product word is allowed: "Windows 10", "VxWorks 6.9"
	if i := strings.LastIndexByte(s, ' '); i >= 0 {
		s = s[i+1:]
	}
	digits, dots := 0, 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '.' || r == '-' || r == '_':
			dots++
		case unicode.IsLetter(r):
		default:
			return false
		}
	}
	if digits == 0 {
		return false
	}
	if dots > 0 {
		return true
	}
	// "10", "2019", "SP3": a bare number is a version only after a word
	_, err := strconv.Atoi(s)
	return err != nil && len(s) <= 12
}

// chooseByContent picks among a header's candidates: the best whose values
// fit its shape, else the best that has no shape to fit, else the best.
func chooseByContent(cs []candidate, sample [][]string, col int) string {
	if len(cs) == 1 || !mostly(sample, col, func(string) bool { return true }) {
		return cs[0].field // one candidate, or no values to judge by
	}
	fallback := -1
	for i, c := range cs {
		test := contentTest(c.field)
		switch {
		case test == nil:
			// a header too weak to map alone is taken only for its values
			if fallback < 0 && c.score >= tokenThreshold {
				fallback = i
			}
		case mostly(sample, col, test):
			// values that fit overrule a better header without a shape
			// only when the header scores them close ("Device Class" of
			// 2s and 3s), not when it plainly names the other field
			// ("Version or Model" of model names)
			if fallback < 0 || cs[fallback].score-c.score < contentMargin {
				return c.field
			}
		}
	}
	if fallback >= 0 {
		return cs[fallback].field
	}
	return cs[0].field
}

// yearLast reports whether a dotted value ends in a four-digit year.
func yearLast(s string) bool {
	i := strings.LastIndexByte(s, '.')
	if i < 0 || len(s)-i-1 != 4 {
		return false
	}
	_, err := strconv.Atoi(s[i+1:])
	return err == nil
}

// saysSomething reports whether any word of a header counts for or against
// some field: "Purchase Cost" says something, "Col13" and "" do not.
func saysSomething(h string) bool {
	for _, c := range concepts(h) {
		for _, cue := range cues {
			if cue[c] != 0 {
				return true
			}
		}
	}
	return false
}
