package reconcile

import (
	"fmt"
	"sort"

	"github.com/vigil-health/vigil"
)

// rank is a source's place in one field's list and the entry that put it
// there ("" when no entry names it).
type rank struct {
	n     int
	entry string
}

// ranker holds each source's rank per field and the reasons it gives,
// indexed by field (vigil.Fields order) and source number (sourceTable).
type ranker struct {
	ranks   [][]rank      // field → source → rank
	reasons [][][2]string // field → source → [without, with] a tie at the winning rank
}

func newRanker(p vigil.Precedence, metas []*sourceMeta) *ranker {
	r := &ranker{ranks: make([][]rank, len(vigil.Fields)), reasons: make([][][2]string, len(vigil.Fields))}
	for fi, f := range vigil.Fields {
		list := p.List(f)
		ranks := make([]rank, len(metas))
		reasons := make([][2]string, len(metas))
		for si, s := range metas {
			rk := rank{n: len(list)}
			for i, e := range list {
				if e == s.name || e == string(s.role) || e == string(s.kind) || e == vigil.PrecedenceNewest {
					rk = rank{n: i, entry: e}
					break
				}
			}
			ranks[si] = rk
			reasons[si] = [2]string{reason(rk, false), reason(rk, true)}
		}
		r.ranks[fi], r.reasons[fi] = ranks, reasons
	}
	return r
}

// candidate is one non-empty value of one field in one record.
type candidate struct {
	value string
	in    int32  // the record's index in the resolver's inputs
	src   uint16 // the record's source number
}

// choose returns the index of the winning candidate of field fi and why it
// won; in holds the records the candidates point at.
func (r *ranker) choose(fi int, c []candidate, in []Input) (int, string) {
	ranks := r.ranks[fi]
	if len(c) == 1 {
		return 0, "only value"
	}
	best := 0
	for i := 1; i < len(c); i++ {
		a, b := ranks[c[i].src].n, ranks[c[best].src].n
		switch {
		case a < b:
			best = i
		case a > b:
		default:
			ti, tb := in[c[i].in].Record.ObservedAt, in[c[best].in].Record.ObservedAt
			// Source numbers are in name order.
			if ti.After(tb) || ti.Equal(tb) &&
				(c[i].src < c[best].src || c[i].src == c[best].src && in[c[i].in].Ref < in[c[best].in].Ref) {
				best = i
			}
		}
	}
	// A tie only matters if it is at the winning rank.
	win := ranks[c[best].src].n
	tie := 0
	for i := range c {
		if i != best && ranks[c[i].src].n == win {
			tie = 1
			break
		}
	}
	return best, r.reasons[fi][c[best].src][tie]
}

// reason says why a value of a source of rank rk won.
func reason(rk rank, tie bool) string {
	switch {
	case rk.entry == vigil.PrecedenceNewest:
		return "newest observation"
	case rk.entry == "":
		return "no precedence rule names the sources; newest observation"
	case tie:
		return fmt.Sprintf("precedence %q (rank %d), newest observation among equals", rk.entry, rk.n+1)
	}
	return fmt.Sprintf("precedence %q (rank %d)", rk.entry, rk.n+1)
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
