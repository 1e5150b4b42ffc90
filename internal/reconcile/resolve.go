package reconcile

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

// Link kinds, as a bit set per cluster.
const (
	linkMAC = 1 << iota
	linkSerial
	linkAsset
	linkHostname
	linkIP
	linkDecision
	linkUDI
	linkEUI64
)

// linkSets holds the names of the link kinds of every bit set, shared by
// the devices (capacity-limited, so appending to one copies).
var linkSets = func() [256][]string {
	var out [256][]string
	for links := 1; links < len(out); links++ {
		var names []string
		for i, n := range []string{"mac", "serial", "asset_tag", "hostname", "ip", "decision", "udi", "eui64"} {
			if links&(1<<i) != 0 {
				names = append(names, n)
			}
		}
		out[links] = names[:len(names):len(names)]
	}
	return out
}()

// linkNames returns the names of the link kinds in a bit set.
func linkNames(links uint8) []string { return linkSets[links] }

// maxWeakGroup bounds how many devices one host name or IP may link: a name
// shared more widely is generic ("nurse-pc") and proves nothing.
const maxWeakGroup = 8

// cluster is what a union-find root knows about its records' identity.
// Without a person's decision each strong identifier holds at most one value.
type cluster struct {
	mac, serial, asset []string
	udi, eui           []string
	conf               float64
	links              uint8
	size               int32
	tagSrc             int32 // the source of every asset tag in asset, tagNone or tagMixed
}

// cluster.tagSrc when the cluster has no asset tag, or tags from several
// sources.
const (
	tagNone  = -1
	tagMixed = -2
)

// joinTagSrc is the tagSrc of two clusters merged.
func joinTagSrc(a, b int32) int32 {
	switch {
	case a == tagNone || a == b:
		return b
	case b == tagNone:
		return a
	}
	return tagMixed
}

// rawConflict is a contradiction found while merging, before device ids exist.
type rawConflict struct {
	a, b       int32
	contradict []vigil.Contradiction
}

type resolver struct {
	in        []Input
	src       []uint16 // per input, its source number
	ids       []idents
	parent    []int32
	cl        []cluster
	cannot    map[int32][]int32 // per root, the records a person said are another device
	conflicts []rawConflict
}

// compareInputs orders the inputs by ref, then source.
func compareInputs(a, b Input) int {
	if a.Ref != b.Ref {
		return cmp.Compare(a.Ref, b.Ref)
	}
	return strings.Compare(a.Source, b.Source)
}

// Resolve groups the records into devices, chooses each device's fields by
// precedence and keeps device ids stable. The output depends only on the
// inputs' content, never on their order. It fails only on malformed input:
// a record without a source or fields. Inputs already in order (by ref,
// then source) are used in place rather than copied, so the caller must
// leave them unchanged while it uses the Result.
func Resolve(inputs []Input, decisions []vigil.IdentityDecision, cfg Config) (*Result, error) {
	for i := range inputs {
		if inputs[i].Record == nil {
			return nil, vigil.Errorf(vigil.EINVALID, "reconcile: record ref %d has no content", inputs[i].Ref)
		}
		if inputs[i].Source == "" {
			return nil, vigil.Errorf(vigil.EINVALID, "reconcile: record ref %d (%s) has no source", inputs[i].Ref, inputs[i].Record.Origin)
		}
	}
	in := inputs
	if !slices.IsSortedFunc(in, compareInputs) {
		in = slices.Clone(inputs)
		slices.SortStableFunc(in, compareInputs)
	}
	if cfg.Precedence.Fields == nil && cfg.Precedence.Default == nil {
		cfg.Precedence = vigil.DefaultPrecedence()
	}
	if err := cfg.Precedence.Validate(); err != nil {
		return nil, fmt.Errorf("reconcile: %w", err)
	}
	metas, srcID, err := sourceTable(buildSources(cfg.Sources, in))
	if err != nil {
		return nil, err
	}

	r := &resolver{in: in, src: make([]uint16, len(in)), ids: make([]idents, len(in)), parent: make([]int32, len(in)),
		cl: make([]cluster, len(in))}
	assetFrom := make(map[string]bool, len(cfg.AssetTagSources))
	for _, s := range cfg.AssetTagSources {
		assetFrom[s] = true
	}
	useAsset := make([]bool, len(metas))
	for i, s := range metas {
		useAsset[i] = len(assetFrom) == 0 || assetFrom[s.name]
	}
	// One backing array for every cluster's first identifiers; capacity 1
	// each, so a merge that adds a value copies instead of overwriting.
	backing := make([]string, 5*len(in))
	one := func(k int, s string) []string {
		if s == "" {
			return nil
		}
		backing[k] = s
		return backing[k : k+1 : k+1]
	}
	each(halves(len(in)), func(_ int, s span) {
		mfrs := make(map[string]string)
		var lastSrc string
		var sid uint16
		for i := s.lo; i < s.hi; i++ {
			if i == s.lo || in[i].Source != lastSrc {
				lastSrc, sid = in[i].Source, srcID[in[i].Source]
			}
			r.src[i] = sid
			id := identsOf(in[i].Record, useAsset[sid], mfrs)
			r.ids[i] = id
			r.parent[i] = int32(i)
			tagSrc := int32(tagNone)
			if id.asset != "" {
				tagSrc = int32(sid)
			}
			r.cl[i] = cluster{mac: one(5*i, id.mac), serial: one(5*i+1, id.serial), asset: one(5*i+2, id.asset),
				udi: one(5*i+3, id.udi), eui: one(5*i+4, id.eui), conf: ConfidenceStrong, size: 1, tagSrc: tagSrc}
		}
	})

	// Index the identifiers (on the second processor, the weak ones)
	// while the decisions are replayed, then link in a fixed order.
	var byMAC, bySerial, byAsset, byUDI, byEUI, byHost, byIP [][]int32
	spans := halves(len(in))
	each(spans, func(i int, _ span) {
		if i == 0 {
			r.applyDecisions(decisions)
			byMAC = r.groups(func(id *idents) string { return id.mac })
			bySerial = r.groups(func(id *idents) string { return id.serial })
			byAsset = r.groups(func(id *idents) string { return id.asset })
			// Most inventories have no UDI or EUI-64 at all: index them
			// only when some record has one.
			hasUDI, hasEUI := false, false
			for i := range r.ids {
				hasUDI = hasUDI || r.ids[i].udi != ""
				hasEUI = hasEUI || r.ids[i].eui != ""
			}
			if hasUDI {
				byUDI = r.groups(func(id *idents) string { return id.udi })
			}
			if hasEUI {
				byEUI = r.groups(func(id *idents) string { return id.eui })
			}
		}
		if i == 1 || len(spans) == 1 {
			byHost = r.groups(func(id *idents) string { return id.host })
			if cfg.IPWindow >= 0 {
				w := cfg.IPWindow
				if w == 0 {
					w = 24 * time.Hour
				}
				byIP = r.ipRuns(w)
			}
		}
	})
	r.strong(linkMAC, byMAC)
	r.strongSerial(bySerial)
	r.strong(linkAsset, byAsset)
	r.strong(linkUDI, byUDI)
	r.strong(linkEUI64, byEUI)
	r.weak(linkHostname, ConfidenceHostname, byHost)
	r.weak(linkIP, ConfidenceIP, byIP)
	res := r.finish(cfg, metas)
	res.assetFrom = assetFrom
	return res, nil
}

func (r *resolver) find(i int32) int32 {
	for r.parent[i] != i {
		r.parent[i] = r.parent[r.parent[i]]
		i = r.parent[i]
	}
	return i
}

// union merges two roots, whatever their identifiers, and returns the new root.
func (r *resolver) union(a, b int32, link uint8, conf float64) int32 {
	if a == b {
		return a
	}
	if r.cl[a].size < r.cl[b].size || r.cl[a].size == r.cl[b].size && b < a {
		a, b = b, a
	}
	ca, cb := &r.cl[a], &r.cl[b]
	ca.mac = unionSorted(ca.mac, cb.mac)
	ca.serial = unionSorted(ca.serial, cb.serial)
	ca.asset = unionSorted(ca.asset, cb.asset)
	ca.udi = unionSorted(ca.udi, cb.udi)
	ca.eui = unionSorted(ca.eui, cb.eui)
	ca.tagSrc = joinTagSrc(ca.tagSrc, cb.tagSrc)
	ca.conf = min(ca.conf, cb.conf, conf)
	ca.links |= cb.links | link
	if len(r.cannot) > 0 {
		if x := r.cannot[b]; len(x) > 0 {
			r.cannot[a] = append(r.cannot[a], x...)
			delete(r.cannot, b)
		}
	}
	ca.size += cb.size
	*cb = cluster{}
	r.parent[b] = a
	return a
}

// unionSorted merges two sorted sets of values; the common case, one equal
// value on each side, allocates nothing.
func unionSorted(a, b []string) []string {
	if len(b) == 0 || slices.Equal(a, b) {
		return a
	}
	if len(a) == 0 {
		return b
	}
	out := make([]string, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		switch {
		case a[0] < b[0]:
			out, a = append(out, a[0]), a[1:]
		case a[0] > b[0]:
			out, b = append(out, b[0]), b[1:]
		default:
			out, a, b = append(out, a[0]), a[1:], b[1:]
		}
	}
	return append(append(out, a...), b...)
}

func disjoint(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return false
			}
		}
	}
	return true
}

// decided reports whether a person said the two roots are different devices.
func (r *resolver) decided(a, b int32) bool {
	if len(r.cannot) == 0 {
		return false
	}
	for _, x := range r.cannot[a] {
		if r.find(x) == b {
			return true
		}
	}
	for _, x := range r.cannot[b] {
		if r.find(x) == a {
			return true
		}
	}
	return false
}

// contradictions lists the strong identifiers on which two roots disagree.
func (r *resolver) contradictions(a, b int32) []vigil.Contradiction {
	var out []vigil.Contradiction
	ca, cb := &r.cl[a], &r.cl[b]
	if disjoint(ca.mac, cb.mac) {
		out = append(out, vigil.Contradiction{Field: vigil.FieldMAC, A: strings.Join(ca.mac, ","), B: strings.Join(cb.mac, ",")})
	}
	if disjoint(ca.serial, cb.serial) {
		out = append(out, vigil.Contradiction{Field: vigil.FieldSerial, A: strings.Join(ca.serial, ","), B: strings.Join(cb.serial, ",")})
	}
	if disjoint(ca.asset, cb.asset) {
		out = append(out, vigil.Contradiction{Field: vigil.FieldAssetTag, A: strings.Join(ca.asset, ","), B: strings.Join(cb.asset, ",")})
	}
	if disjoint(ca.udi, cb.udi) {
		out = append(out, vigil.Contradiction{Field: vigil.FieldUDI, A: strings.Join(ca.udi, ","), B: strings.Join(cb.udi, ",")})
	}
	if disjoint(ca.eui, cb.eui) {
		out = append(out, vigil.Contradiction{Field: vigil.FieldEUI64, A: strings.Join(ca.eui, ","), B: strings.Join(cb.eui, ",")})
	}
	return out
}

func (r *resolver) compatible(a, b int32) bool {
	ca, cb := &r.cl[a], &r.cl[b]
	if disjoint(ca.mac, cb.mac) || disjoint(ca.serial, cb.serial) || disjoint(ca.asset, cb.asset) ||
		disjoint(ca.udi, cb.udi) || disjoint(ca.eui, cb.eui) {
		return false
	}
	return !r.decided(a, b)
}

// CarryIDs sets each input's PrevDevice to the device this result resolved
// it into, as the next run over the same records sees them.
func (res *Result) CarryIDs(in []Input) {
	dev := make(map[int64]int64, len(in))
	for _, d := range res.Devices {
		for _, ref := range d.Members {
			dev[ref] = d.ID
		}
	}
	for i := range in {
		in[i].PrevDevice = dev[in[i].Ref]
	}
}
