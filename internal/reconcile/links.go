package reconcile

import (
	"slices"
	"strings"
	"time"
)

// groups indexes the records by a key, skipping empty keys; it returns the
// groups of more than one record, sorted by key, members in record order.
// The groups share one backing array.
func (r *resolver) groups(key func(*idents) string) [][]int32 {
	num := make(map[string]int32, len(r.ids)/2) // key → group number
	of := make([]int32, len(r.ids))             // record → group number, -1 for none
	first := make([]int32, 0, len(r.ids))       // group → its first record, whose key it is
	size := make([]int32, 0, len(r.ids))
	for i := range r.ids {
		k := key(&r.ids[i])
		if k == "" {
			of[i] = -1
			continue
		}
		g, ok := num[k]
		if !ok {
			g = int32(len(first))
			num[k] = g
			first = append(first, int32(i))
			size = append(size, 0)
		}
		of[i] = g
		size[g]++
	}
	num = nil
	type keyed struct {
		key string
		g   int32
	}
	var shared []keyed // the groups of more than one record
	total := int32(0)
	for g, n := range size {
		if n > 1 {
			shared = append(shared, keyed{key(&r.ids[first[g]]), int32(g)})
			total += n
		}
	}
	slices.SortFunc(shared, func(a, b keyed) int { return strings.Compare(a.key, b.key) })
	backing := make([]int32, total)
	out := make([][]int32, len(shared))
	start := make([]int32, len(first)) // group → its offset in backing
	off := int32(0)
	for i, k := range shared {
		g := k.g
		start[g] = off
		out[i] = backing[off : off+size[g] : off+size[g]]
		off += size[g]
	}
	for g := range size {
		if size[g] > 1 {
			size[g] = 0 // from now on, how many members are filled in
		} else {
			size[g] = -1 // not shared
		}
	}
	for i, g := range of {
		if g >= 0 && size[g] >= 0 {
			backing[start[g]+size[g]] = int32(i)
			size[g]++
		}
	}
	return out
}

// strong links the records that share a strong identifier, except where
// their devices contradict: those become conflicts.
func (r *resolver) strong(link uint8, groups [][]int32) {
	for _, g := range groups {
		r.strongGroup(link, g)
	}
}

func (r *resolver) strongGroup(link uint8, g []int32) {
	var heads []int32 // one member of each device the group has formed
	for _, m := range g {
		joined := false
		for _, h := range heads {
			rh, rm := r.find(h), r.find(m)
			if rh == rm || r.compatible(rh, rm) || r.listedTwice(h, m, rh, rm) {
				r.union(rh, rm, link, ConfidenceStrong)
				joined = true
				break
			}
		}
		if joined {
			continue
		}
		rm := r.find(m)
		for _, h := range heads {
			rh := r.find(h)
			if c := r.contradictions(rh, rm); len(c) > 0 && !r.decided(rh, rm) {
				r.conflicts = append(r.conflicts, rawConflict{a: h, b: m, contradict: c})
			}
		}
		heads = append(heads, m)
	}
}

// listedTwice reports whether records h and m, of devices rh and rm, are
// one physical device that one source lists twice: the same source, a
// shared MAC or manufacturer and serial (the group's key), and no
// contradiction but the asset tag, which a second listing often carries
// anew, every tag on both sides from that one source. Across sources such
// a contradiction stays a conflict for a person.
func (r *resolver) listedTwice(h, m, rh, rm int32) bool {
	src := int32(r.src[m])
	if int32(r.src[h]) != src || r.decided(rh, rm) {
		return false
	}
	ch, cm := &r.cl[rh], &r.cl[rm]
	return ch.tagSrc == src && cm.tagSrc == src &&
		!disjoint(ch.mac, cm.mac) && !disjoint(ch.serial, cm.serial) && disjoint(ch.asset, cm.asset)
}

// strongSerial links records by serial number within one manufacturer. A
// record without a manufacturer joins by serial only when a single
// manufacturer uses that serial.
func (r *resolver) strongSerial(groups [][]int32) {
	type byMfr struct {
		mfr     string
		members []int32
	}
	var by []byMfr // the known manufacturers of one serial, sorted
	var unknown []int32
	for _, g := range groups {
		// Most serials have one manufacturer, or none: link the group as is.
		first, same := r.ids[g[0]].mfr, true
		for _, m := range g[1:] {
			if r.ids[m].mfr != first {
				same = false
				break
			}
		}
		if same {
			r.strongGroup(linkSerial, g)
			continue
		}
		by, unknown = by[:0], unknown[:0]
		for _, m := range g {
			k := r.ids[m].mfr
			if k == "" {
				unknown = append(unknown, m)
				continue
			}
			i, found := slices.BinarySearchFunc(by, k, func(b byMfr, k string) int { return strings.Compare(b.mfr, k) })
			if !found {
				by = slices.Insert(by, i, byMfr{mfr: k})
			}
			by[i].members = append(by[i].members, m)
		}
		if len(by) == 1 {
			by[0].members = mergeSorted(by[0].members, unknown)
		}
		for _, b := range by {
			if len(b.members) > 1 {
				r.strongGroup(linkSerial, b.members)
			}
		}
	}
}

// mergeSorted merges two ascending lists of record indices.
func mergeSorted(a, b []int32) []int32 {
	out := make([]int32, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if b[0] < a[0] {
			out, b = append(out, b[0]), b[1:]
		} else {
			out, a = append(out, a[0]), a[1:]
		}
	}
	return append(append(out, a...), b...)
}

// weak links the devices of each group when they are few and none of them
// contradicts another; an ambiguous group links nothing.
func (r *resolver) weak(link uint8, conf float64, groups [][]int32) {
	for _, g := range groups {
		var roots []int32
		for _, m := range g {
			rm := r.find(m)
			seen := false
			for _, x := range roots {
				seen = seen || x == rm
			}
			if !seen {
				roots = append(roots, rm)
			}
		}
		if len(roots) < 2 || len(roots) > maxWeakGroup {
			continue
		}
		ok := true
		for i := 0; i < len(roots) && ok; i++ {
			for j := i + 1; j < len(roots) && ok; j++ {
				ok = r.compatible(roots[i], roots[j])
			}
		}
		if !ok {
			continue
		}
		// Roots a person merged may hold several values; re-check as we go.
		acc := roots[0]
		for _, x := range roots[1:] {
			if !r.compatible(acc, r.find(x)) {
				break
			}
			acc = r.union(acc, r.find(x), link, conf)
		}
	}
}

// ipRuns groups records by IP address into runs of observations no more
// than w apart, so a reassigned DHCP address does not link two devices.
func (r *resolver) ipRuns(w time.Duration) [][]int32 {
	var out [][]int32
	for _, g := range r.groups(func(id *idents) string { return id.ip }) {
		slices.SortStableFunc(g, func(a, b int32) int {
			return r.in[a].Record.ObservedAt.Compare(r.in[b].Record.ObservedAt)
		})
		start := 0
		for i := 1; i <= len(g); i++ {
			if i == len(g) || r.in[g[i]].Record.ObservedAt.Sub(r.in[g[i-1]].Record.ObservedAt) > w {
				if i-start > 1 {
					out = append(out, g[start:i])
				}
				start = i
			}
		}
	}
	return out
}
