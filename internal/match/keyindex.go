package match

import (
	"runtime"
	"slices"
	"strings"
	"sync"
)

// keyIndex holds the vulnerable criteria of one vendor|product so that a
// version finds its candidates without scanning them all: NVD has products
// (an OS kernel, a browser) named by thousands of criteria.
type keyIndex struct {
	refs   []keyRef
	exact  map[string][]int32 // canonical version → criteria for exactly that version
	byHi   []int32            // range criteria sorted by upper bound; unbounded last
	always []int32            // every version (ANY without a range), patterns and odd ranges
}

// canonical returns a string equal for versions that Compare calls equal.
func canonical(v Version) string {
	segs := v.segs
	for len(segs) > 0 && segs[len(segs)-1].kind == segNum && segs[len(segs)-1].num == "0" {
		segs = segs[:len(segs)-1]
	}
	var b strings.Builder
	for _, s := range segs {
		if s.kind == segNum {
			b.WriteString("#" + s.num)
		} else {
			b.WriteString("@" + s.word)
		}
	}
	return b.String()
}

// finishKeys turns the per-key criteria lists gathered while building into
// keyIndexes.
func (ix *Index) finishKeys() {
	all := make([]*keyIndex, 0, len(ix.cpe))
	for _, ki := range ix.cpe {
		if len(ki.refs) > 0 { // keys named only by platform criteria stay empty, kept for identity
			all = append(all, ki)
		}
	}
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(all); i += workers {
				all[i].organise()
			}
		})
	}
	wg.Wait()
}

// organise files each criterion of a key as exact, ranged or always.
func (ki *keyIndex) organise() {
	refs := ki.refs
	for i := range refs {
		m := refs[i].m
		switch {
		case m.ver != nil && !m.ranged():
			if ki.exact == nil {
				ki.exact = map[string][]int32{}
			}
			c := canonical(*m.ver)
			ki.exact[c] = append(ki.exact[c], int32(i))
		case m.ver == nil && m.ranged():
			ki.byHi = append(ki.byHi, int32(i))
		default:
			ki.always = append(ki.always, int32(i))
		}
	}
	slices.SortFunc(ki.byHi, func(a, b int32) int {
		x, y := refs[a].m.hi, refs[b].m.hi
		switch {
		case x == nil && y == nil:
			return 0
		case x == nil:
			return 1
		case y == nil:
			return -1
		}
		return Compare(*x, *y)
	})
}

// candidates calls fn with each criterion under the key that may contain
// version v (all of them when v is unknown). fn returns false to stop.
func (ki *keyIndex) candidates(v Version, fn func(r *keyRef) bool) {
	if v.IsZero() {
		for i := range ki.refs {
			if !fn(&ki.refs[i]) {
				return
			}
		}
		return
	}
	for _, i := range ki.always {
		if !fn(&ki.refs[i]) {
			return
		}
	}
	if ki.exact != nil {
		for _, i := range ki.exact[canonical(v)] {
			if !fn(&ki.refs[i]) {
				return
			}
		}
	}
	// The first range whose upper bound is not below v; all later ones too.
	start, _ := slices.BinarySearchFunc(ki.byHi, v, func(i int32, v Version) int {
		hi := ki.refs[i].m.hi
		if hi == nil {
			return 1
		}
		return Compare(*hi, v)
	})
	for _, i := range ki.byHi[start:] {
		if !fn(&ki.refs[i]) {
			return
		}
	}
}
