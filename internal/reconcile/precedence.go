package reconcile

import (
	"fmt"
	"sort"
	"time"

	"github.com/vigil-health/vigil"
)

// Newest is the precedence entry that ranks every source not listed before
// it equally, so the newest observation wins among them.
const Newest = "newest"

// Precedence says, per field, which source's value wins. Each list holds
// source names, roles ("clinical-engineering", "it", ...), kinds
// ("inventory", "scanner", ...) or Newest, best first. A source takes the rank
// of the first entry that names it, its role or its kind; sources no entry
// names rank last. Among equal ranks the newest observation wins, then the
// source name, then the record ref. It is a plain value the store can save as
// JSON and an admin can edit.
type Precedence struct {
	Fields  map[string][]string `json:"fields"`  // canonical field name → entries
	Default []string            `json:"default"` // for fields not in Fields
}

// DefaultPrecedence returns the built-in rules: a person's manual entry first,
// then clinical engineering for what a device is and where it stands, IT for
// host name and IP, and the newest observation for firmware.
func DefaultPrecedence() Precedence {
	ce := []string{string(vigil.SourceManual), string(RoleClinicalEngineering), string(RoleIT), string(vigil.SourceInventory)}
	it := []string{string(vigil.SourceManual), string(RoleIT), string(RoleNetwork), string(RoleScanner), string(RoleClinicalEngineering)}
	p := Precedence{Fields: map[string][]string{}, Default: ce}
	for _, f := range []string{
		vigil.FieldModel, vigil.FieldSerial, vigil.FieldManufacturer, vigil.FieldAssetTag,
		vigil.FieldSite, vigil.FieldBuilding, vigil.FieldFloor, vigil.FieldDepartment,
		vigil.FieldRoom, vigil.FieldLocation,
	} {
		p.Fields[f] = ce
	}
	p.Fields[vigil.FieldHostname] = it
	p.Fields[vigil.FieldIP] = it
	p.Fields[vigil.FieldMAC] = it
	p.Fields[vigil.FieldFirmware] = []string{string(vigil.SourceManual), Newest}
	return p
}

// Validate checks that every field is canonical and no entry is empty.
func (p *Precedence) Validate() error {
	check := func(field string, list []string) error {
		for _, e := range list {
			if e == "" {
				return vigil.Errorf(vigil.EINVALID, "precedence for %q has an empty entry", field)
			}
		}
		return nil
	}
	for f, list := range p.Fields {
		if !vigil.IsField(f) {
			return vigil.Errorf(vigil.EINVALID, "precedence names unknown field %q", f)
		}
		if err := check(f, list); err != nil {
			return err
		}
	}
	return check("default", p.Default)
}

// list returns the entries that apply to a field.
func (p *Precedence) list(field string) []string {
	if l, ok := p.Fields[field]; ok {
		return l
	}
	return p.Default
}

// rank is a source's place in one field's list and the entry that put it
// there ("" when no entry names it).
type rank struct {
	n     int
	entry string
}

// ranker caches each source's rank per field and the reasons given.
type ranker struct {
	p       Precedence
	ranks   map[string]map[string]rank // field → source → rank
	reasons map[[3]string]string
}

func newRanker(p Precedence, sources map[string]*sourceMeta) *ranker {
	r := &ranker{p: p, ranks: make(map[string]map[string]rank), reasons: make(map[[3]string]string)}
	for _, f := range vigil.Fields {
		list := p.list(f)
		m := make(map[string]rank, len(sources))
		for name, s := range sources {
			rk := rank{n: len(list)}
			for i, e := range list {
				if e == name || e == string(s.role) || e == string(s.kind) || e == Newest {
					rk = rank{n: i, entry: e}
					break
				}
			}
			m[name] = rk
		}
		r.ranks[f] = m
	}
	return r
}

// candidate is one non-empty value of one field in one record.
type candidate struct {
	source string
	ref    int64
	value  string
	at     time.Time
}

// choose returns the index of the winning candidate and why it won.
func (r *ranker) choose(field string, c []candidate) (int, string) {
	if len(c) == 1 {
		return 0, "only value"
	}
	ranks := r.ranks[field]
	best := 0
	for i := 1; i < len(c); i++ {
		a, b := ranks[c[i].source], ranks[c[best].source]
		switch {
		case a.n < b.n:
			best = i
		case a.n > b.n:
		default:
			if c[i].at.After(c[best].at) || c[i].at.Equal(c[best].at) &&
				(c[i].source < c[best].source || c[i].source == c[best].source && c[i].ref < c[best].ref) {
				best = i
			}
		}
	}
	// A tie only matters if it is at the winning rank.
	win := ranks[c[best].source]
	tie := false
	for i := range c {
		if i != best && ranks[c[i].source].n == win.n {
			tie = true
			break
		}
	}
	return best, r.reason(field, c[best].source, win, tie)
}

func (r *ranker) reason(field, source string, rk rank, tie bool) string {
	key := [3]string{field, source, fmt.Sprint(tie)}
	if s, ok := r.reasons[key]; ok {
		return s
	}
	var s string
	switch {
	case rk.entry == Newest:
		s = "newest observation"
	case rk.entry == "":
		s = "no precedence rule names the sources; newest observation"
	case tie:
		s = fmt.Sprintf("precedence %q (rank %d), newest observation among equals", rk.entry, rk.n+1)
	default:
		s = fmt.Sprintf("precedence %q (rank %d)", rk.entry, rk.n+1)
	}
	r.reasons[key] = s
	return s
}

// sortedKeys returns the keys of a set in order.
func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
