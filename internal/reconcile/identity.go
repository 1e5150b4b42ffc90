package reconcile

import (
	"math"
	"net/netip"
	"slices"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/udi"
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

// udiKey returns the identity key of a UDI field value: issuer, DI and
// serial number. A DI alone names a model, not a device, and gives "".
func udiKey(s string) string { return udi.KeyOf(s) }

// normEUI64 returns an EUI-64 in lower-case colon form, or "" when it is
// absent or malformed.
func normEUI64(s string) string {
	e, err := vigil.NormalizeEUI64(s)
	if err != nil {
		return ""
	}
	return e
}

// normHost returns the short host name in lower case ("PUMP-01.icu.local" →
// "pump-01"), or "" for a generic name that cannot identify a device.
func normHost(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexByte(s, '.'); i >= 0 {
		// Only a digit or a colon can start an address: skip the parse,
		// and the error it allocates, for ordinary names.
		if s[0] >= '0' && s[0] <= '9' || strings.IndexByte(s, ':') >= 0 {
			if _, err := netip.ParseAddr(s); err == nil {
				return "" // an address in the host name column
			}
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

// RecordKey returns the stable identity of a record that a vigil.IdentityDecision names:
// the source and the first of asset tag, manufacturer+serial, MAC, UDI (DI
// and serial), EUI-64, host name and IP that the record has, e.g.
// "cmms|asset_tag=BME-01234". It does not change when the store renumbers
// records or when another field changes. A
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
	case udiKey(r.Get(vigil.FieldUDI)) != "":
		b.WriteString("udi=" + udiKey(r.Get(vigil.FieldUDI)))
	case normEUI64(r.Get(vigil.FieldEUI64)) != "":
		b.WriteString("eui64=" + normEUI64(r.Get(vigil.FieldEUI64)))
	case normHost(r.Get(vigil.FieldHostname)) != "":
		b.WriteString("hostname=" + normHost(r.Get(vigil.FieldHostname)))
	case normIP(r.Get(vigil.FieldIP)) != "":
		b.WriteString("ip=" + normIP(r.Get(vigil.FieldIP)))
	default:
		b.WriteString("origin=" + r.Origin.String())
	}
	return b.String()
}

// recordKey is RecordKey from a record's normalised identifiers, appended
// to buf.
func recordKey(buf []byte, source string, id *idents, origin vigil.Origin) []byte {
	buf = append(append(buf, source...), '|')
	switch {
	case id.tag != "":
		return append(append(buf, "asset_tag="...), id.tag...)
	case id.serial != "":
		return append(append(append(append(buf, "serial="...), id.mfr...), ':'), id.serial...)
	case id.mac != "":
		return append(append(buf, "mac="...), id.mac...)
	case id.udi != "":
		return append(append(buf, "udi="...), id.udi...)
	case id.eui != "":
		return append(append(buf, "eui64="...), id.eui...)
	case id.host != "":
		return append(append(buf, "hostname="...), id.host...)
	case id.ip != "":
		return append(append(buf, "ip="...), id.ip...)
	}
	return append(append(buf, "origin="...), origin.String()...)
}

// idents are a record's normalised identifiers. asset is the asset tag
// when the record's source gives hospital-wide tags, tag the asset tag
// whatever the source.
type idents struct {
	mac, serial, mfr, asset, tag, host, ip string
	udi, eui                               string // a UDI's identity key (DI and serial), an EUI-64
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
	if v := r.Get(vigil.FieldUDI); v != "" {
		id.udi = udiKey(v)
	}
	if v := r.Get(vigil.FieldEUI64); v != "" {
		id.eui = normEUI64(v)
	}
	id.tag = normTag(r.Get(vigil.FieldAssetTag))
	if useAsset {
		id.asset = id.tag
	}
	return id
}

// sourceMeta is what the resolver knows about one source.
type sourceMeta struct {
	name string
	kind vigil.SourceKind
	role vigil.SourceRole
}

// inventory reports whether the source lists what the hospital owns.
func (s *sourceMeta) inventory() bool { return s != nil && s.kind == vigil.SourceInventory }

// discovery reports whether the source observes the network.
func (s *sourceMeta) discovery() bool { return s != nil && s.kind.IsDiscovery() }

// fieldPos maps each canonical field name to its index in vigil.Fields.
var fieldPos = func() map[string]int {
	m := make(map[string]int, len(vigil.Fields))
	for i, f := range vigil.Fields {
		m[f] = i
	}
	return m
}()

// fieldSlots finds a canonical field's index without hashing the name: the
// first byte and the length pick a slot, and one comparison confirms it.
// The multiplier is searched once so that no two fields share a slot.
var fieldSlots = func() (t struct {
	mul   uint32
	slots [64]int8
}) {
	for mul := uint32(1); mul < 4096; mul++ {
		t.mul = mul
		for i := range t.slots {
			t.slots[i] = -1
		}
		ok := true
		for i, f := range vigil.Fields {
			h := fieldSlot(f, mul)
			if f == "" || t.slots[h] >= 0 {
				ok = false
				break
			}
			t.slots[h] = int8(i)
		}
		if ok {
			return t
		}
	}
	t.mul = 0 // none found: fieldIndex uses the map
	return t
}()

func fieldSlot(f string, mul uint32) uint32 {
	return (uint32(f[0])*mul + uint32(len(f))*(mul>>3|1) + uint32(f[len(f)-1])) & 63
}

// fieldIndex returns the index of a canonical field name in vigil.Fields.
func fieldIndex(f string) (int, bool) {
	if fieldSlots.mul == 0 {
		i, ok := fieldPos[f]
		return i, ok
	}
	if f == "" {
		return 0, false
	}
	i := fieldSlots.slots[fieldSlot(f, fieldSlots.mul)]
	if i < 0 || vigil.Fields[i] != f {
		return 0, false
	}
	return int(i), true
}

// fieldsByName lists the indices of vigil.Fields in the order of the names.
var fieldsByName = func() []int {
	out := make([]int, len(vigil.Fields))
	for i := range out {
		out[i] = i
	}
	slices.SortFunc(out, func(a, b int) int { return strings.Compare(vigil.Fields[a], vigil.Fields[b]) })
	return out
}()

// sourceTable numbers the sources in name order, so that comparing numbers
// compares names.
func sourceTable(m map[string]*sourceMeta) ([]*sourceMeta, map[string]uint16, error) {
	if len(m) > math.MaxUint16 {
		return nil, nil, vigil.Errorf(vigil.EINVALID, "reconcile: %d sources, at most %d", len(m), math.MaxUint16)
	}
	metas := make([]*sourceMeta, 0, len(m))
	for _, s := range m {
		metas = append(metas, s)
	}
	slices.SortFunc(metas, func(a, b *sourceMeta) int { return strings.Compare(a.name, b.name) })
	ids := make(map[string]uint16, len(metas))
	for i, s := range metas {
		ids[s.name] = uint16(i)
	}
	return metas, ids, nil
}

// buildSources merges the configured sources with those the inputs name.
func buildSources(cfg []SourceInfo, in []Input) map[string]*sourceMeta {
	m := make(map[string]*sourceMeta, len(cfg))
	for _, s := range cfg {
		m[s.Name] = &sourceMeta{name: s.Name, kind: s.Kind, role: s.Role}
	}
	for i := range in {
		if i > 0 && in[i].Source == in[i-1].Source && in[i].Kind == in[i-1].Kind {
			continue // nothing new: sources come in runs
		}
		if s, ok := m[in[i].Source]; ok {
			if s.kind == "" {
				s.kind = in[i].Kind
			}
			continue
		}
		role := vigil.SourceRoleOther
		switch in[i].Kind {
		case vigil.SourceScanner:
			role = vigil.SourceRoleScanner
		case vigil.SourceNetwork:
			role = vigil.SourceRoleNetwork
		}
		m[in[i].Source] = &sourceMeta{name: in[i].Source, kind: in[i].Kind, role: role}
	}
	for _, s := range m {
		if s.role == "" {
			s.role = vigil.SourceRoleOther
		}
	}
	return m
}
