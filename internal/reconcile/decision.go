package reconcile

import (
	"sort"

	"github.com/vigil-health/vigil"
)

// applyDecisions replays the conflict queue's answers before any automatic
// link: "different" forbids two records from ever sharing a device, "same"
// merges them whatever their identifiers say. When a pair was decided more
// than once the latest decision counts.
func (r *resolver) applyDecisions(decisions []vigil.IdentityDecision) {
	if len(decisions) == 0 {
		return
	}
	ds := make([]vigil.IdentityDecision, len(decisions))
	copy(ds, decisions)
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].At.Before(ds[j].At) })
	type pair struct{ a, b string }
	latest := make(map[pair]vigil.IdentityDecision, len(ds))
	var order []pair
	for _, d := range ds {
		p := pair{d.A, d.B}
		if p.b < p.a {
			p.a, p.b = p.b, p.a
		}
		if _, ok := latest[p]; !ok {
			order = append(order, p)
		}
		latest[p] = d
	}
	sort.Slice(order, func(i, j int) bool {
		if order[i].a != order[j].a {
			return order[i].a < order[j].a
		}
		return order[i].b < order[j].b
	})
	// Index only the records the decisions name.
	byKey := make(map[string][]int32, 2*len(order))
	for _, p := range order {
		byKey[p.a], byKey[p.b] = nil, nil
	}
	var buf []byte
	for i := range r.in {
		buf = recordKey(buf[:0], r.in[i].Source, &r.ids[i], r.in[i].Record.Origin)
		if list, ok := byKey[string(buf)]; ok {
			byKey[string(buf)] = append(list, int32(i))
		}
	}
	r.cannot = make(map[int32][]int32)
	for _, p := range order {
		if latest[p].Same {
			continue
		}
		for _, a := range byKey[p.a] {
			for _, b := range byKey[p.b] {
				r.cannot[a] = append(r.cannot[a], b)
				r.cannot[b] = append(r.cannot[b], a)
			}
		}
	}
	for _, p := range order {
		if !latest[p].Same {
			continue
		}
		for _, a := range byKey[p.a] {
			for _, b := range byKey[p.b] {
				r.union(r.find(a), r.find(b), linkDecision, ConfidenceStrong)
			}
		}
	}
}
