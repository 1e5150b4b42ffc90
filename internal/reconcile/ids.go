package reconcile

import (
	"cmp"
	"slices"

	"github.com/vigil-health/vigil"
)

// assignIDs gives each cluster (lists of record indices, in order) a device
// id. A cluster keeps the previous id most of its records had; when records
// of one previous device now form several clusters the largest part keeps
// the id (a split), and when one cluster holds several previous devices it
// keeps the id most of its records had, the smallest on a tie (a merge).
// Clusters left without an id are numbered from next on, in order.
func (r *resolver) assignIDs(clusters [][]int32, next int64) ([]int64, []vigil.IDChange, int64) {
	// One claim per cluster and previous id its records had; claims come
	// grouped by cluster, previous ids ascending.
	type claim struct {
		c     int32
		count int32
		prev  int64
	}
	var claims []claim
	var maxPrev int64
	var prevs []int64
	for ci, members := range clusters {
		prevs = prevs[:0]
		for _, m := range members {
			if p := r.in[m].PrevDevice; p > 0 {
				prevs = append(prevs, p)
				maxPrev = max(maxPrev, p)
			}
		}
		if len(prevs) > 1 {
			slices.Sort(prevs)
		}
		for i := 0; i < len(prevs); {
			j := i + 1
			for j < len(prevs) && prevs[j] == prevs[i] {
				j++
			}
			claims = append(claims, claim{c: int32(ci), count: int32(j - i), prev: prevs[i]})
			i = j
		}
	}
	if next <= maxPrev {
		next = maxPrev + 1
	}
	ids := make([]int64, len(clusters))
	if len(claims) == 0 {
		for ci := range ids {
			ids[ci] = next
			next++
		}
		return ids, nil, next
	}

	// The most records first, then the smallest previous id, then the
	// first cluster.
	ranked := slices.Clone(claims)
	slices.SortFunc(ranked, func(a, b claim) int {
		if a.count != b.count {
			return cmp.Compare(b.count, a.count)
		}
		if a.prev != b.prev {
			return cmp.Compare(a.prev, b.prev)
		}
		return cmp.Compare(a.c, b.c)
	})
	used := make(map[int64]bool, len(claims))
	for _, c := range ranked {
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

	// Splits: previous ids whose records are now in several clusters, by
	// previous id; the clusters in order.
	slices.SortFunc(ranked, func(a, b claim) int {
		if a.prev != b.prev {
			return cmp.Compare(a.prev, b.prev)
		}
		return cmp.Compare(a.c, b.c)
	})
	var changes []vigil.IDChange
	for i := 0; i < len(ranked); {
		p, j := ranked[i].prev, i+1
		for j < len(ranked) && ranked[j].prev == p {
			j++
		}
		if j-i >= 2 {
			ch := vigil.IDChange{Kind: "split"}
			if used[p] {
				ch.Kept = p
			}
			for _, c := range ranked[i:j] {
				if ids[c.c] != p {
					ch.New = append(ch.New, ids[c.c])
				}
			}
			changes = append(changes, ch)
		}
		i = j
	}
	// Merges: clusters holding several previous ids, in order.
	for i := 0; i < len(claims); {
		ci, j := claims[i].c, i+1
		for j < len(claims) && claims[j].c == ci {
			j++
		}
		if j-i >= 2 {
			ch := vigil.IDChange{Kind: "merge", Kept: ids[ci]}
			for _, c := range claims[i:j] {
				if !used[c.prev] {
					ch.Retired = append(ch.Retired, c.prev)
				}
			}
			if len(ch.Retired) > 0 { // records that moved between kept ids are a split
				changes = append(changes, ch)
			}
		}
		i = j
	}
	return ids, changes, next
}
