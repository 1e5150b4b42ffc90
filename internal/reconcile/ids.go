package reconcile

import "sort"

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
