package reconcile

import (
	"net/netip"
	"strings"

	"github.com/vigil-health/vigil"
)

// placeholder reports whether an upper-case value is what sources put in an
// identifier column when they have none; it must never link two records.
func placeholder(s string) bool {
	switch s {
	case "", "-", "--", "0", "N/A", "NA", "NONE", "NULL", "NIL", "UNKNOWN", "TBD",
		"NOSERIAL", "NO SERIAL", "NOT AVAILABLE", "?", "X":
		return true
	}
	return false
}

// normMAC returns the MAC in lower-case colon form, or "" when it is absent,
// malformed, all zeros or broadcast.
func normMAC(s string) string {
	if s == "" {
		return ""
	}
	if canonicalMAC(s) && s != "00:00:00:00:00:00" && s != "ff:ff:ff:ff:ff:ff" {
		return s // importers already normalise: skip the allocation
	}
	m, err := vigil.NormalizeMAC(s)
	if err != nil || m == "00:00:00:00:00:00" || m == "ff:ff:ff:ff:ff:ff" {
		return ""
	}
	return m
}

// canonicalMAC reports whether s is already lower-case colon form.
func canonicalMAC(s string) bool {
	if len(s) != 17 {
		return false
	}
	for i := 0; i < 17; i++ {
		c := s[i]
		if i%3 == 2 {
			if c != ':' {
				return false
			}
		} else if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// normTag returns an upper-case serial or asset tag with spaces removed, or
// "" for a placeholder.
func normTag(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	if placeholder(s) {
		return ""
	}
	if strings.ContainsAny(s, " \t") {
		s = strings.Join(strings.Fields(s), "")
	}
	return s
}

// corporate reports whether a word does not tell two manufacturers apart.
func corporate(w string) bool {
	switch w {
	case "inc", "incorporated", "corp", "corporation", "co", "ltd", "llc", "gmbh",
		"ag", "sa", "bv", "plc", "company", "the", "and":
		return true
	}
	return false
}

// mfrTokens splits a manufacturer name into lower-case alphanumeric words
// without corporate suffixes: "GE Healthcare, Inc." → [ge healthcare].
func mfrTokens(s string) []string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127)
	})
	out := f[:0]
	for _, w := range f {
		if !corporate(w) {
			out = append(out, w)
		}
	}
	return out
}

// mfrKey is the first significant word of a manufacturer name, which is what
// two spellings of one manufacturer share ("Philips", "Philips Medical
// Systems"); "" when unknown.
func mfrKey(s string) string {
	if placeholder(strings.ToUpper(strings.TrimSpace(s))) {
		return ""
	}
	t := mfrTokens(s)
	if len(t) == 0 || placeholder(strings.ToUpper(t[0])) {
		return ""
	}
	return t[0]
}

// normHost returns the short host name in lower case ("PUMP-01.icu.local" →
// "pump-01"), or "" for a generic name that cannot identify a device.
func normHost(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexByte(s, '.'); i >= 0 {
		if _, err := netip.ParseAddr(s); err == nil {
			return "" // an address in the host name column
		}
		s = s[:i]
	}
	switch s {
	case "", "localhost", "unknown", "none", "n/a", "-", "android", "iphone", "ipad", "dhcp", "host":
		return ""
	}
	return s
}

// normIP returns the canonical text of a usable unicast address, or "".
func normIP(s string) string {
	s = strings.TrimSpace(s)
	a, err := netip.ParseAddr(s)
	if err != nil || !a.IsValid() || a.IsLoopback() || a.IsUnspecified() || a.IsMulticast() {
		return ""
	}
	if a.Is4() {
		return s // dotted quad: ParseAddr accepts only the canonical form
	}
	return a.Unmap().String()
}

// RecordKey returns the stable identity of a record that a Decision names:
// the source and the first of asset tag, manufacturer+serial, MAC, host name
// and IP that the record has, e.g. "cmms|asset_tag=BME-01234". It does not
// change when the store renumbers records or when another field changes. A
// record with no identifier at all keys on its origin.
func RecordKey(source string, r *vigil.Record) string {
	var b strings.Builder
	b.WriteString(source)
	b.WriteByte('|')
	switch {
	case normTag(r.Get(vigil.FieldAssetTag)) != "":
		b.WriteString("asset_tag=" + normTag(r.Get(vigil.FieldAssetTag)))
	case normTag(r.Get(vigil.FieldSerial)) != "":
		b.WriteString("serial=" + mfrKey(r.Get(vigil.FieldManufacturer)) + ":" + normTag(r.Get(vigil.FieldSerial)))
	case normMAC(r.Get(vigil.FieldMAC)) != "":
		b.WriteString("mac=" + normMAC(r.Get(vigil.FieldMAC)))
	case normHost(r.Get(vigil.FieldHostname)) != "":
		b.WriteString("hostname=" + normHost(r.Get(vigil.FieldHostname)))
	case normIP(r.Get(vigil.FieldIP)) != "":
		b.WriteString("ip=" + normIP(r.Get(vigil.FieldIP)))
	default:
		b.WriteString("origin=" + r.Origin.String())
	}
	return b.String()
}

// idents are a record's normalised identifiers.
type idents struct {
	mac, serial, mfr, asset, host, ip string
}

// identsOf normalises a record's identifiers; mfrs memoises mfrKey, since a
// hospital has few manufacturers and many records.
func identsOf(r *vigil.Record, useAsset bool, mfrs map[string]string) idents {
	m := r.Get(vigil.FieldManufacturer)
	k, ok := mfrs[m]
	if !ok {
		k = mfrKey(m)
		mfrs[m] = k
	}
	id := idents{
		mac:    normMAC(r.Get(vigil.FieldMAC)),
		serial: normTag(r.Get(vigil.FieldSerial)),
		mfr:    k,
		host:   normHost(r.Get(vigil.FieldHostname)),
		ip:     normIP(r.Get(vigil.FieldIP)),
	}
	if useAsset {
		id.asset = normTag(r.Get(vigil.FieldAssetTag))
	}
	return id
}

// sourceMeta is what the resolver knows about one source.
type sourceMeta struct {
	name string
	kind vigil.SourceKind
	role Role
}

// inventory reports whether the source lists what the hospital owns.
func (s *sourceMeta) inventory() bool { return s != nil && s.kind == vigil.SourceInventory }

// discovery reports whether the source observes the network.
func (s *sourceMeta) discovery() bool { return s != nil && s.kind.IsDiscovery() }

// buildSources merges the configured sources with those the inputs name.
func buildSources(cfg []SourceInfo, in []Input) map[string]*sourceMeta {
	m := make(map[string]*sourceMeta, len(cfg))
	for _, s := range cfg {
		m[s.Name] = &sourceMeta{name: s.Name, kind: s.Kind, role: s.Role}
	}
	for i := range in {
		if s, ok := m[in[i].Source]; ok {
			if s.kind == "" {
				s.kind = in[i].Kind
			}
			continue
		}
		role := RoleOther
		switch in[i].Kind {
		case vigil.SourceScanner:
			role = RoleScanner
		case vigil.SourceNetwork:
			role = RoleNetwork
		}
		m[in[i].Source] = &sourceMeta{name: in[i].Source, kind: in[i].Kind, role: role}
	}
	for _, s := range m {
		if s.role == "" {
			s.role = RoleOther
		}
	}
	return m
}
