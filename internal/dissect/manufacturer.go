package dissect

import "strings"

// uidRoot maps a DICOM implementation class UID root (an organisation's
// registered OID) to the manufacturer or toolkit that owns it.
type uidRoot struct {
	root, maker string
}

// dicomUIDRoots lists implementation class UID roots of major imaging
// manufacturers and DICOM toolkits. Longer roots come first so the most
// specific one wins.
var dicomUIDRoots = []uidRoot{
	{"1.2.826.0.1.3680043.9.3811", "pynetdicom"},
	{"1.2.826.0.1.3680043.8.498", "pydicom"},
	{"1.2.826.0.1.3680043.2.1143", "GDCM"},
	{"1.2.276.0.7230010", "OFFIS DCMTK"},
	{"1.2.40.0.13.1", "dcm4che"},
	{"1.3.6.1.4.1.5962", "dicom3tools (Clunie)"},
	{"1.3.6.1.4.1.25403", "ClearCanvas"},
	{"1.2.840.113619", "GE Healthcare"},
	{"1.2.840.113704", "Philips (Picker)"},
	{"1.2.840.113681", "Hologic"},
	{"1.3.12.2.1107", "Siemens Healthineers"},
	{"1.3.46.670589", "Philips Healthcare"},
	{"1.3.46.423632", "Elekta"},
	{"1.2.246.352", "Varian"},
	{"1.2.752.24", "Sectra"},
	{"1.2.124.113532", "Agfa HealthCare"},
	{"1.3.51.0.1.1", "Agfa HealthCare"},
	{"1.2.392.200036.9116", "Canon Medical (Toshiba)"},
	{"1.2.392.200036.9125", "Fujifilm"},
}

// ManufacturerFromDICOMUID returns the manufacturer or toolkit whose
// registered root the implementation class UID (or any DICOM UID) falls
// under, or "".
func ManufacturerFromDICOMUID(uid string) string {
	for _, r := range dicomUIDRoots {
		if strings.HasPrefix(uid, r.root) && (len(uid) == len(r.root) || uid[len(r.root)] == '.') {
			return r.maker
		}
	}
	return ""
}

// nameHint maps a case-insensitive token found in a product string to a
// manufacturer.
type nameHint struct {
	token, maker string
}

// hl7AppHints maps tokens of HL7 MSH-3/MSH-4 application and facility names
// to manufacturers of devices, gateways and clinical systems.
var hl7AppHints = []nameHint{
	{"intellivue", "Philips"},
	{"philips", "Philips"},
	{"carescape", "GE Healthcare"},
	{"ge_carescape", "GE Healthcare"},
	{"gehc", "GE Healthcare"},
	{"centricity", "GE Healthcare"},
	{"muse", "GE Healthcare"},
	{"epic", "Epic"},
	{"cerner", "Oracle Health (Cerner)"},
	{"millennium", "Oracle Health (Cerner)"},
	{"healthsentry", "Oracle Health (Cerner)"},
	{"alaris", "BD"},
	{"carefusion", "BD"},
	{"pyxis", "BD"},
	{"mindray", "Mindray"},
	{"benevision", "Mindray"},
	{"draeger", "Dräger"},
	{"drager", "Dräger"},
	{"infinity", "Dräger"},
	{"nihon", "Nihon Kohden"},
	{"spacelabs", "Spacelabs"},
	{"baxter", "Baxter"},
	{"sigma", "Baxter"},
	{"hospira", "ICU Medical"},
	{"plum", "ICU Medical"},
	{"medfusion", "ICU Medical"},
	{"b.braun", "B. Braun"},
	{"bbraun", "B. Braun"},
	{"spaceom", "B. Braun"},
	{"masimo", "Masimo"},
	{"welch", "Baxter (Welch Allyn)"},
	{"capsule", "Philips (Capsule)"},
	{"mirth", "NextGen (Mirth)"},
	{"meditech", "MEDITECH"},
	{"allscripts", "Veradigm (Allscripts)"},
	{"athena", "athenahealth"},
	{"siemens", "Siemens Healthineers"},
	{"soarian", "Siemens Healthineers"},
	{"agfa", "Agfa HealthCare"},
	{"sectra", "Sectra"},
	{"medtronic", "Medtronic"},
	{"cloverleaf", "Infor"},
	{"rhapsody", "Rhapsody"},
	{"corepoint", "Rhapsody (Corepoint)"},
}

// httpHints maps tokens of HTTP Server and User-Agent headers to
// manufacturers. Generic web servers (Apache, nginx) are deliberately absent.
var httpHints = []nameHint{
	{"intellivue", "Philips"},
	{"philips", "Philips"},
	{"carescape", "GE Healthcare"},
	{"ge healthcare", "GE Healthcare"},
	{"alaris", "BD"},
	{"mindray", "Mindray"},
	{"draeger", "Dräger"},
	{"siemens", "Siemens"},
	{"allegro-software-rompager", "Allegro (embedded RomPager)"},
	{"goahead", "Embedthis GoAhead (embedded)"},
	{"boa/", "Boa (embedded)"},
	{"lighttpd", ""},
	{"hp http server", "HP"},
	{"hp-chaistk", "HP"},
	{"xerox", "Xerox"},
	{"ricoh", "Ricoh"},
	{"canon http server", "Canon"},
	{"lexmark", "Lexmark"},
	{"brother", "Brother"},
	{"axis", "Axis Communications"},
	{"hikvision", "Hikvision"},
	{"cisco", "Cisco"},
	{"microsoft-iis", "Microsoft"},
	{"microsoft-httpapi", "Microsoft"},
	{"windows nt", "Microsoft"},
	{"macintosh", "Apple"},
	{"mac os x", "Apple"},
	{"iphone", "Apple"},
	{"ipad", "Apple"},
	{"sm-", "Samsung"},
	{"samsung", "Samsung"},
	{"darwin", "Apple"},
}

// ManufacturerFromHL7App returns the manufacturer suggested by an HL7
// application or facility name (MSH-3..6, any component), or "".
func ManufacturerFromHL7App(name string) string { return matchHint(hl7AppHints, name) }

// ManufacturerFromHTTP returns the manufacturer suggested by an HTTP Server
// or User-Agent header value, or "".
func ManufacturerFromHTTP(product string) string { return matchHint(httpHints, product) }

// matchHint returns the maker of the first hint whose token occurs in s,
// ignoring ASCII case, without allocating.
func matchHint(hints []nameHint, s string) string {
	for _, h := range hints {
		if h.maker != "" && containsFold(s, h.token) {
			return h.maker
		}
	}
	return ""
}

// containsFold reports whether the lower-case ASCII token occurs in s,
// ignoring ASCII case.
func containsFold(s, token string) bool {
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
			return true
		}
	}
	return false
}
