package reconcile

import (
	"sort"
	"time"
)

// applyDecisions replays the conflict queue's answers before any automatic
// link: "different" forbids two records from ever sharing a device, "same"
// merges them whatever their identifiers say. When a pair was decided more
// than once the latest decision counts.
func (r *resolver) applyDecisions(decisions []Decision) {
	if len(decisions) == 0 {
		return
	}
	ds := make([]Decision, len(decisions))
	copy(ds, decisions)
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].At.Before(ds[j].At) })
	type pair struct{ a, b string }
	latest := make(map[pair]Decision, len(ds))
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
	byKey := make(map[string][]int32)
	for i := range r.in {
		k := RecordKey(r.in[i].Source, r.in[i].Record)
		byKey[k] = append(byKey[k], int32(i))
	}
	for _, p := range order {
		if latest[p].Same {
			continue
		}
		for _, a := range byKey[p.a] {
			for _, b := range byKey[p.b] {
				r.cl[a].cannot = append(r.cl[a].cannot, b)
				r.cl[b].cannot = append(r.cl[b].cannot, a)
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

// assignIDs gives each cluster (lists of record indices, in order) a device
// id. A cluster keeps the previous id most of its records had; when records
// of one previous device now form several clusters the largest part keeps
// the id (a split), and when one cluster holds several previous devices it
// keeps the id most of its records had, the smallest on a tie (a merge).
// Clusters left without an id are numbered from next on, in order.
func (r *resolver) assignIDs(clusters [][]int32, next int64) ([]int64, []IDChange, int64) {
	type claim struct {
		c     int
		prev  int64
		count int
	}
	var claims []claim
	parts := make(map[int64][]int) // previous id → clusters holding its records
	var maxPrev int64
	for ci, members := range clusters {
		counts := make(map[int64]int)
		for _, m := range members {
			if p := r.in[m].PrevDevice; p > 0 {
				if counts[p] == 0 {
					parts[p] = append(parts[p], ci)
				}
				counts[p]++
				maxPrev = max(maxPrev, p)
			}
		}
		for p, n := range counts {
			claims = append(claims, claim{ci, p, n})
		}
	}
	sort.Slice(claims, func(i, j int) bool {
		a, b := claims[i], claims[j]
		if a.count != b.count {
			return a.count > b.count
		}
		if a.prev != b.prev {
			return a.prev < b.prev
		}
		return a.c < b.c
	})
	if next <= maxPrev {
		next = maxPrev + 1
	}
	ids := make([]int64, len(clusters))
	used := make(map[int64]bool)
	for _, c := range claims {
		if ids[c.c] == 0 && !used[c.prev] {
			ids[c.c] = c.prev
			used[c.prev] = true
		}
	}
	for ci := range ids {
		if ids[ci] == 0 {
			ids[ci] = next
			next++
		}
	}

	var changes []IDChange
	prevs := make([]int64, 0, len(parts))
	for p := range parts {
		prevs = append(prevs, p)
	}
	sort.Slice(prevs, func(i, j int) bool { return prevs[i] < prevs[j] })
	for _, p := range prevs {
		if len(parts[p]) < 2 {
			continue
		}
		ch := IDChange{Kind: "split"}
		if used[p] {
			ch.Kept = p
		}
		for _, ci := range parts[p] {
			if ids[ci] != p {
				ch.New = append(ch.New, ids[ci])
			}
		}
		changes = append(changes, ch)
	}
	merged := make(map[int]map[int64]bool)
	for _, p := range prevs {
		for _, ci := range parts[p] {
			if merged[ci] == nil {
				merged[ci] = make(map[int64]bool)
			}
			merged[ci][p] = true
		}
	}
	for ci := range clusters {
		if len(merged[ci]) < 2 {
			continue
		}
		ch := IDChange{Kind: "merge", Kept: ids[ci]}
		for _, p := range prevs {
			if merged[ci][p] && !used[p] {
				ch.Retired = append(ch.Retired, p)
			}
		}
		if len(ch.Retired) > 0 { // records that moved between kept ids are a split
			changes = append(changes, ch)
		}
	}
	return ids, changes, next
}

// span returns the first and last observation of a cluster's records.
func (r *resolver) span(members []int32) (first, last time.Time) {
	for _, m := range members {
		t := r.in[m].Record.ObservedAt
		if t.IsZero() {
			continue
		}
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	}
	return first, last
}
