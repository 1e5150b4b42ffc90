package reconcile

import (
	"sort"
	"time"
)

// groups indexes the records by a key, skipping empty keys; members are in
// record order and keys are returned sorted.
func (r *resolver) groups(key func(*idents) string) [][]int32 {
	m := make(map[string][]int32, len(r.ids)/2)
	for i := range r.ids {
		if k := key(&r.ids[i]); k != "" {
			m[k] = append(m[k], int32(i))
		}
	}
	keys := make([]string, 0, len(m))
	for k, g := range m {
		if len(g) > 1 {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	out := make([][]int32, len(keys))
	for i, k := range keys {
		out[i] = m[k]
	}
	return out
}

// strong links the records that share a strong identifier, except where
// their devices contradict: those become conflicts.
func (r *resolver) strong(link uint8, key func(*idents) string) {
	for _, g := range r.groups(key) {
		r.strongGroup(link, g)
	}
}

func (r *resolver) strongGroup(link uint8, g []int32) {
	var heads []int32 // one member of each device the group has formed
	for _, m := range g {
		joined := false
		for _, h := range heads {
			rh, rm := r.find(h), r.find(m)
			if rh == rm || r.compatible(rh, rm) {
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

// strongSerial links records by serial number within one manufacturer. A
// record without a manufacturer joins by serial only when a single
// manufacturer uses that serial.
func (r *resolver) strongSerial() {
	for _, g := range r.groups(func(id *idents) string { return id.serial }) {
		by := make(map[string][]int32)
		for _, m := range g {
			by[r.ids[m].mfr] = append(by[r.ids[m].mfr], m)
		}
		unknown := by[""]
		delete(by, "")
		if len(by) == 1 {
			for k := range by {
				by[k] = mergeSorted(by[k], unknown)
			}
		} else if len(by) == 0 {
			by[""] = unknown
		}
		for _, k := range sortedKeys(keysOf(by)) {
			if len(by[k]) > 1 {
				r.strongGroup(linkSerial, by[k])
			}
		}
	}
}

func keysOf(m map[string][]int32) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

func mergeSorted(a, b []int32) []int32 {
	out := append(append(make([]int32, 0, len(a)+len(b)), a...), b...)
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
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
		sort.SliceStable(g, func(i, j int) bool {
			return r.in[g[i]].Record.ObservedAt.Before(r.in[g[j]].Record.ObservedAt)
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
