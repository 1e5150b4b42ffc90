package reconcile

import (
	"fmt"
	"slices"
	"sort"
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
)

// linkNames returns the names of the link kinds in a bit set.
func linkNames(links uint8) []string {
	var out []string
	for i, n := range []string{"mac", "serial", "asset_tag", "hostname", "ip", "decision"} {
		if links&(1<<i) != 0 {
			out = append(out, n)
		}
	}
	return out
}

// maxWeakGroup bounds how many devices one host name or IP may link: a name
// shared more widely is generic ("nurse-pc") and proves nothing.
const maxWeakGroup = 8

// cluster is what a union-find root knows about its records' identity.
// Without a person's decision each strong identifier holds at most one value.
type cluster struct {
	mac, serial, asset []string
	conf               float64
	links              uint8
	cannot             []int32 // records a person said are another device
	size               int32
}

// rawConflict is a contradiction found while merging, before device ids exist.
type rawConflict struct {
	a, b       int32
	contradict []Contradiction
}

type resolver struct {
	in        []Input
	ids       []idents
	parent    []int32
	cl        []cluster
	conflicts []rawConflict

	fieldIdx map[string]int // canonical field name → index in vigil.Fields
	buckets  [][]candidate  // scratch for device, per vigil.Fields index
	chosen   []string       // scratch for device, per vigil.Fields index
}

// Resolve groups the records into devices, chooses each device's fields by
// precedence and keeps device ids stable. The output depends only on the
// inputs' content, never on their order. It fails only on malformed input:
// a record without a source or fields.
func Resolve(inputs []Input, decisions []Decision, cfg Config) (*Result, error) {
	in := make([]Input, len(inputs))
	copy(in, inputs)
	for i := range in {
		if in[i].Record == nil {
			return nil, vigil.Errorf(vigil.EINVALID, "reconcile: record ref %d has no content", in[i].Ref)
		}
		if in[i].Source == "" {
			return nil, vigil.Errorf(vigil.EINVALID, "reconcile: record ref %d (%s) has no source", in[i].Ref, in[i].Record.Origin)
		}
	}
	sort.SliceStable(in, func(i, j int) bool {
		if in[i].Ref != in[j].Ref {
			return in[i].Ref < in[j].Ref
		}
		return in[i].Source < in[j].Source
	})
	if cfg.Precedence.Fields == nil && cfg.Precedence.Default == nil {
		cfg.Precedence = DefaultPrecedence()
	}
	if err := cfg.Precedence.Validate(); err != nil {
		return nil, fmt.Errorf("reconcile: %w", err)
	}
	sources := buildSources(cfg.Sources, in)

	r := &resolver{in: in, ids: make([]idents, len(in)), parent: make([]int32, len(in)), cl: make([]cluster, len(in)),
		fieldIdx: make(map[string]int, len(vigil.Fields)),
		buckets:  make([][]candidate, len(vigil.Fields)), chosen: make([]string, len(vigil.Fields))}
	for i, f := range vigil.Fields {
		r.fieldIdx[f] = i
	}
	assetFrom := make(map[string]bool, len(cfg.AssetTagSources))
	for _, s := range cfg.AssetTagSources {
		assetFrom[s] = true
	}
	// One backing array for every cluster's first identifiers; capacity 1
	// each, so a merge that adds a value copies instead of overwriting.
	backing := make([]string, 3*len(in))
	one := func(k int, s string) []string {
		if s == "" {
			return nil
		}
		backing[k] = s
		return backing[k : k+1 : k+1]
	}
	mfrs := make(map[string]string)
	for i := range in {
		id := identsOf(in[i].Record, len(assetFrom) == 0 || assetFrom[in[i].Source], mfrs)
		r.ids[i] = id
		r.parent[i] = int32(i)
		r.cl[i] = cluster{mac: one(3*i, id.mac), serial: one(3*i+1, id.serial), asset: one(3*i+2, id.asset), conf: ConfidenceStrong, size: 1}
	}

	r.applyDecisions(decisions)
	r.strong(linkMAC, func(id *idents) string { return id.mac })
	r.strongSerial()
	r.strong(linkAsset, func(id *idents) string { return id.asset })
	r.weak(linkHostname, ConfidenceHostname, r.groups(func(id *idents) string { return id.host }))
	if cfg.IPWindow >= 0 {
		w := cfg.IPWindow
		if w == 0 {
			w = 24 * time.Hour
		}
		r.weak(linkIP, ConfidenceIP, r.ipRuns(w))
	}
	res := r.finish(cfg, sources)
	res.assetFrom, res.fieldIdx = assetFrom, r.fieldIdx
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
	ca.conf = min(ca.conf, cb.conf, conf)
	ca.links |= cb.links | link
	ca.cannot = append(ca.cannot, cb.cannot...)
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
	for _, x := range r.cl[a].cannot {
		if r.find(x) == b {
			return true
		}
	}
	for _, x := range r.cl[b].cannot {
		if r.find(x) == a {
			return true
		}
	}
	return false
}

// contradictions lists the strong identifiers on which two roots disagree.
func (r *resolver) contradictions(a, b int32) []Contradiction {
	var out []Contradiction
	ca, cb := &r.cl[a], &r.cl[b]
	if disjoint(ca.mac, cb.mac) {
		out = append(out, Contradiction{vigil.FieldMAC, strings.Join(ca.mac, ","), strings.Join(cb.mac, ",")})
	}
	if disjoint(ca.serial, cb.serial) {
		out = append(out, Contradiction{vigil.FieldSerial, strings.Join(ca.serial, ","), strings.Join(cb.serial, ",")})
	}
	if disjoint(ca.asset, cb.asset) {
		out = append(out, Contradiction{vigil.FieldAssetTag, strings.Join(ca.asset, ","), strings.Join(cb.asset, ",")})
	}
	return out
}

func (r *resolver) compatible(a, b int32) bool {
	ca, cb := &r.cl[a], &r.cl[b]
	if disjoint(ca.mac, cb.mac) || disjoint(ca.serial, cb.serial) || disjoint(ca.asset, cb.asset) {
		return false
	}
	return !r.decided(a, b)
}
