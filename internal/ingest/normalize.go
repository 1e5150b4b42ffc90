package ingest

import (
	"errors"
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/udi"
)

// isPlaceholder reports whether s (already trimmed) means "no value":
// empty, N/A, -, ?, unknown, TBD, none, null and the like, in any case.
func isPlaceholder(s string) bool {
	if s == "" {
		return true
	}
	if len(s) > 16 {
		return false
	}
	var buf [16]byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	switch string(buf[:len(s)]) {
	case "n/a", "na", "-", "--", "---", "?", "unknown", "unk", "tbd", "tba", "none", "null", "nil",
		"#n/a", "not applicable", "not available", "not known", "(blank)", "<blank>", "(none)":
		return true
	}
	return false
}

// NormalizeValue turns one raw cell value into the canonical form of the
// field: MAC lower-case with colons, IPs canonical, booleans "true"/"false",
// dates (FieldObservedAt) as an RFC 3339 date, manufacturers, criticality and
// lifecycle through the alias table, everything else trimmed with runs of
// whitespace collapsed. Empty and placeholder values (N/A, -, unknown, TBD)
// give "" and no error. Errors never quote the value, which could be PHI in
// a misaligned column.
func NormalizeValue(field, raw string) (string, error) {
	s := cleanCell(raw)
	if isPlaceholder(s) {
		return "", nil
	}
	switch field {
	case vigil.FieldMAC:
		mac, err := vigil.NormalizeMAC(s)
		if err != nil {
			return "", errors.New("not a MAC address")
		}
		if mac == "00:00:00:00:00:00" || mac == "ff:ff:ff:ff:ff:ff" {
			return "", nil
		}
		return mac, nil
	case vigil.FieldIP:
		return normalizeIP(s)
	case vigil.FieldHostname:
		h := normalizeHostname(s)
		if len(h) > maxHostname {
			return "", fmt.Errorf("%d bytes: longer than a host name may be (%d)", len(h), maxHostname)
		}
		return h, nil
	case vigil.FieldStoresEPHI, vigil.FieldSendsEPHI:
		return normalizeBool(s)
	case FieldObservedAt, vigil.FieldLastPM, vigil.FieldNextPM, vigil.FieldEndOfLife:
		t, err := ParseDate(s)
		if err != nil {
			return "", err
		}
		return t.Format(time.DateOnly), nil
	case vigil.FieldManufacturer:
		return normalizeManufacturer(s), nil
	case vigil.FieldVLAN:
		return normalizeVLAN(s)
	case vigil.FieldFDAClass:
		return normalizeFDAClass(s)
	case vigil.FieldUDI:
		c, _, err := udi.Canonical(s)
		if err != nil {
			return "", errors.New("not a UDI: " + err.Error())
		}
		return c, nil
	case vigil.FieldEUI64:
		e, err := vigil.NormalizeEUI64(s)
		if err != nil {
			return "", errors.New("not an EUI-64")
		}
		return e, nil
	case vigil.FieldCriticality, vigil.FieldLifecycle:
		v, err := loadVocab()
		if err != nil {
			return "", err
		}
		if c, ok := v.aliases[field][foldKey(s)]; ok {
			return c, nil
		}
		return "", errors.New("not a known " + field + " value")
	}
	return s, nil
}

// cleanCell trims a raw cell, undoes Excel's ="0012" text trick and
// collapses runs of whitespace (embedded newlines included) to one space.
func cleanCell(raw string) string {
	s := strings.TrimSpace(raw)
	for len(s) >= 3 && s[0] == '=' && s[1] == '"' && s[len(s)-1] == '"' {
		s = strings.TrimSpace(s[2 : len(s)-1])
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\n' || c == '\r' || c == '\t' || (c == ' ' && i+1 < len(s) && s[i+1] == ' ') {
			return strings.Join(strings.Fields(s), " ")
		}
	}
	return s
}

// maxHostname is the longest host name kept: a DNS name has at most 253
// characters, a NetBIOS name 15.
const maxHostname = 255

// normalizeHostname lower-cases a cleaned host name and drops its trailing
// dots ("host.example.org." is host.example.org), again until nothing
// changes, so that a normalised name normalises to itself: dropping the
// dots of "n/a." leaves a placeholder, of "x ." a space to trim.
func normalizeHostname(s string) string {
	h := strings.TrimRight(strings.ToLower(s), ".")
	for range 8 {
		c := cleanCell(h)
		if isPlaceholder(c) {
			return ""
		}
		next := strings.TrimRight(strings.ToLower(c), ".")
		if next == h {
			break
		}
		h = next
	}
	return h
}

// normalizeIP accepts one address, an address with a prefix length
// (10.1.2.3/24) or a list (the first address wins) and returns it canonical;
// IPv4-mapped IPv6 addresses become IPv4.
func normalizeIP(s string) (string, error) {
	if i := strings.IndexAny(s, ",; "); i >= 0 {
		s = s[:i]
	}
	if i := strings.IndexByte(s, '/'); i >= 0 {
		s = s[:i]
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return "", errors.New("not an IPv4 or IPv6 address")
	}
	a = a.Unmap()
	if a.IsUnspecified() {
		return "", nil
	}
	return a.String(), nil
}

// normalizeBool reads the usual spreadsheet spellings of yes and no.
func normalizeBool(s string) (string, error) {
	switch strings.ToLower(s) {
	case "y", "yes", "true", "t", "1", "x", "on", "checked", "✓", "✔":
		return "true", nil
	case "n", "no", "false", "f", "0", "off", "unchecked":
		return "false", nil
	}
	return "", errors.New("not a yes/no value")
}

// companySuffixes are trailing words tried without when looking up a
// manufacturer ("Medtronic Inc." is Medtronic).
var companySuffixes = [...]string{
	"inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "llc",
	"gmbh", "ag", "kg", "sa", "nv", "bv", "ab", "oy", "spa", "plc", "kk", "pty", "sas", "usa", "us",
	"international", "intl", "group", "holdings", "and", "&",
}

// normalizeManufacturer maps a manufacturer's many spellings to one name,
// or returns the trimmed input when it is not in the alias table.
func normalizeManufacturer(s string) string {
	v, err := loadVocab()
	if err != nil {
		return s
	}
	table := v.aliases[vigil.FieldManufacturer]
	if c, ok := table[foldKey(s)]; ok {
		return c
	}
	words := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '.' || r == '/' })
	for len(words) > 1 {
		last := strings.ToLower(words[len(words)-1])
		stripped := false
		for _, suf := range companySuffixes {
			if last == suf {
				stripped = true
				break
			}
		}
		if !stripped {
			break
		}
		words = words[:len(words)-1]
		if c, ok := table[foldKey(strings.Join(words, " "))]; ok {
			return c
		}
	}
	return s
}

// dateLayouts are the date and date-time forms accepted, tried in order.
// Slash dates are US month-first; day-first dates must use a month name.
var dateLayouts = [...]string{
	time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04",
	"2006-01-02", "2006/01/02", "2006.01.02", "20060102",
	"01/02/2006", "1/2/2006", "01/02/2006 15:04:05", "1/2/2006 15:04:05", "1/2/2006 15:04",
	"1/2/2006 3:04:05 PM", "1/2/2006 3:04 PM", "1/2/06",
	"02-Jan-2006", "2-Jan-2006", "02-Jan-06", "2-Jan-06", "02 Jan 2006", "2 Jan 2006",
	"Jan 2, 2006", "January 2, 2006", "2 January 2006", "Mon Jan 2 15:04:05 2006", "Mon, 02 Jan 2006 15:04:05 MST",
	"02-Jan-2006 15:04:05", "2006-01-02 15:04:05 -0700",
}

// dateShapes maps common date shapes ('9' for a digit) to the index in
// dateLayouts of the first layout able to read them, and to a reader of the
// shape that gives what time.Parse with that layout gives, or false.
var dateShapes = [...]struct {
	shape  string
	layout int
	parse  func(string) (time.Time, bool)
}{
	{"9999-99-99 99:99:99", 2, isoDateTime},
	{"9999-99-99T99:99:99", 1, isoDateTime},
	{"9999-99-99", 4, func(s string) (time.Time, bool) { return dateOf(num(s[0:4]), num(s[5:7]), num(s[8:10]), 0, 0, 0) }},
	{"99/99/9999", 8, func(s string) (time.Time, bool) { return dateOf(num(s[6:10]), num(s[0:2]), num(s[3:5]), 0, 0, 0) }},
}

// isoDateTime reads "2006-01-02 15:04:05", T or space in the middle.
func isoDateTime(s string) (time.Time, bool) {
	return dateOf(num(s[0:4]), num(s[5:7]), num(s[8:10]), num(s[11:13]), num(s[14:16]), num(s[17:19]))
}

// num reads digits that matchShape has checked.
func num(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// dateOf is the UTC time of the fields, false when one is out of range
// (time.Parse refuses those).
func dateOf(year, month, day, hour, min, sec int) (time.Time, bool) {
	if month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, min, sec, 0, time.UTC)
	if t.Day() != day { // the 31st of a 30-day month, February 30th...
		return time.Time{}, false
	}
	return t, true
}

// matchShape reports whether s has the shape ('9' for a digit).
func matchShape(s, shape string) bool {
	if len(s) != len(shape) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if shape[i] == '9' {
			if s[i] < '0' || s[i] > '9' {
				return false
			}
		} else if s[i] != shape[i] {
			return false
		}
	}
	return true
}

// ParseDate reads a date or date-time in the usual export formats: ISO 8601
// and RFC 3339, US 01/02/2006, 02-Jan-2006, Jan 2, 2006, and Excel serial
// day numbers (45292 is 2024-01-01). Times without a zone are UTC.
func ParseDate(raw string) (time.Time, error) {
	s := cleanCell(raw)
	// The common shapes go straight to the first layout that can match
	// them; every layout before it fails on them, each failure allocating.
	for _, f := range dateShapes {
		if matchShape(s, f.shape) {
			if t, ok := f.parse(s); ok {
				return t, nil
			}
			if t, err := time.Parse(dateLayouts[f.layout], s); err == nil {
				return t.UTC(), nil
			}
			break
		}
	}
	return parseDateLayouts(s)
}

// fastDate reads the common date shapes of a cleaned cell without
// time.Parse, giving what ParseDate gives; false for any other value.
func fastDate(s string) (time.Time, bool) {
	for _, f := range dateShapes {
		if matchShape(s, f.shape) {
			return f.parse(s)
		}
	}
	return time.Time{}, false
}

// parseDateLayouts is ParseDate past its fast paths.
func parseDateLayouts(s string) (time.Time, error) {
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	if t, ok := excelSerialDate(s); ok {
		return t, nil
	}
	return time.Time{}, errors.New("not a date")
}

// excelSerialDate reads an Excel serial date (days since 1899-12-30, the
// 1900 leap-year bug included) between 1900 and 9999.
func excelSerialDate(s string) (time.Time, bool) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f < 1 || f >= 2958466 {
		return time.Time{}, false
	}
	days := math.Floor(f)
	secs := math.Round((f - days) * 86400)
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	return base.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second), true
}

// normalizeVLAN reads a VLAN id, bare or named ("140", "VLAN 140",
// "vlan140", "Vl140"), as its number 1-4094.
func normalizeVLAN(s string) (string, error) {
	t := strings.ToLower(s)
	t = strings.TrimLeft(strings.TrimPrefix(strings.TrimPrefix(t, "vlan"), "vl"), " -_:#")
	n, err := strconv.Atoi(t)
	if err != nil || n < 1 || n > 4094 {
		return "", errors.New("not a VLAN id (1-4094)")
	}
	return strconv.Itoa(n), nil
}

// normalizeFDAClass reads an FDA device class ("II", "Class 2", "class ii")
// as I, II or III.
func normalizeFDAClass(s string) (string, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.TrimSpace(strings.TrimPrefix(t, "fda"))
	t = strings.TrimSpace(strings.TrimPrefix(t, "class"))
	switch t {
	case "1", "i":
		return "I", nil
	case "2", "ii":
		return "II", nil
	case "3", "iii":
		return "III", nil
	}
	return "", errors.New("not an FDA device class (I, II or III)")
}
