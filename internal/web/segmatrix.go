package web

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	vigil "github.com/vigil-health/vigil"
)

// The Network page's segment-to-segment conversation matrix, drawn as
// inline SVG by templates/network.html ("matrix"): a row for each segment
// that opened conversations, a column for each that answered, each cell
// shaded by its flow count on a log scale (classes h-1 to h-5 in
// style.css, since the CSP forbids inline styles) with the count, the
// protocols and the bytes in its title. The same numbers come as a table
// for screen readers and print.

// matrixMax is the most segments the matrix draws: the busiest ones. The
// conversation table below it lists every pair.
const matrixMax = 24

// Matrix geometry, in SVG user units.
const (
	matrixSide  = 30.0
	matrixChar  = 6.4 // about one character of an 11px label
	matrixGap   = 8.0
	matrixSteps = 5
)

type segMatrix struct {
	ID, Title     string
	Width, Height int
	Left, Top     float64 // where the cells start
	Size          float64 // the cells' side
	Rows          []matrixRow
	Cols          []matrixLabel
	Legend        []matrixStep
	Shown, Total  int // segments drawn, segments seen
	Peak          int // the most flows between two segments
	Names         []string
}

type matrixRow struct {
	Label        string
	Y, TextY     float64
	Cells        []matrixCell
	Counts       []int // per column, for the table
	Flows, Bytes int64
}

type matrixCell struct {
	X, Y, TextX, TextY float64
	N                  int
	Class, Title       string
	Text               string // the count, when it fits
	Dark               bool   // white text on a dark cell
}

type matrixLabel struct {
	Label string
	X, Y  float64
}

type matrixStep struct{ Class, Range string }

// newSegMatrix draws the conversations between the busiest segments; nil
// when there are none.
func newSegMatrix(flows []*vigil.SegmentFlow) *segMatrix {
	if len(flows) == 0 {
		return nil
	}
	busy := map[string]int{}
	for _, f := range flows {
		busy[f.From] += f.Flows
		busy[f.To] += f.Flows
	}
	segs := make([]string, 0, len(busy))
	for s := range busy {
		segs = append(segs, s)
	}
	// The busiest first, then by name, so that the matrix keeps its order
	// from one run to the next.
	slices.SortFunc(segs, func(a, b string) int { return cmp.Or(cmp.Compare(busy[b], busy[a]), segmentCompare(a, b)) })
	m := &segMatrix{ID: "segment-matrix", Title: "Conversations between network segments, by flow count", Total: len(segs), Size: matrixSide}
	if len(segs) > matrixMax {
		segs = segs[:matrixMax]
	}
	// Within the drawing, segments read in address order.
	slices.SortFunc(segs, segmentCompare)
	m.Shown, m.Names = len(segs), segs
	at := make(map[string]int, len(segs))
	longest := 0
	for i, s := range segs {
		at[s] = i
		longest = max(longest, len([]rune(s)))
	}
	type pair struct{ from, to int }
	cell := map[pair]*vigil.SegmentFlow{}
	for _, f := range flows {
		i, ok1 := at[f.From]
		j, ok2 := at[f.To]
		if ok1 && ok2 {
			cell[pair{i, j}] = f
			m.Peak = max(m.Peak, f.Flows)
		}
	}
	m.Left = float64(longest)*matrixChar + matrixGap
	m.Top = float64(longest)*matrixChar + matrixGap
	n := float64(len(segs))
	m.Width, m.Height = int(math.Ceil(m.Left+n*matrixSide+2)), int(math.Ceil(m.Top+n*matrixSide+2))
	for j, s := range segs {
		m.Cols = append(m.Cols, matrixLabel{Label: s, X: m.Left + float64(j)*matrixSide + matrixSide/2 + 4, Y: m.Top - matrixGap/2})
	}
	for i, from := range segs {
		y := m.Top + float64(i)*matrixSide
		row := matrixRow{Label: from, Y: y, TextY: y + matrixSide/2 + 4, Counts: make([]int, len(segs))}
		for j, to := range segs {
			x := m.Left + float64(j)*matrixSide
			c := matrixCell{X: x, Y: y, TextX: x + matrixSide/2, TextY: y + matrixSide/2 + 3.5, Class: "grid",
				Title: fmt.Sprintf("%s → %s: no flow", from, to)}
			if f := cell[pair{i, j}]; f != nil {
				step := heatStep(f.Flows, m.Peak)
				c.N, c.Class, c.Dark = f.Flows, fmt.Sprintf("h-%d", step), step >= 4
				c.Title = fmt.Sprintf("%s → %s: %s, %s (%s)", from, to, plural(f.Flows, "flow", "flows"), byteSize(f.Bytes), strings.Join(f.Apps, ", "))
				c.Text = shortCount(f.Flows)
				row.Counts[j] = f.Flows
				row.Flows += int64(f.Flows)
				row.Bytes += f.Bytes
			}
			row.Cells = append(row.Cells, c)
		}
		m.Rows = append(m.Rows, row)
	}
	lo := 1
	for s := 1; s <= matrixSteps; s++ {
		hi := stepTop(s, m.Peak)
		if hi < lo {
			continue
		}
		r := fmt.Sprintf("%d–%d flows", lo, hi)
		if lo == hi {
			r = plural(lo, "flow", "flows")
		}
		m.Legend = append(m.Legend, matrixStep{Class: fmt.Sprintf("h-%d", s), Range: r})
		lo = hi + 1
	}
	return m
}

// heatStep is n's shade, 1 to matrixSteps, on a log scale up to peak.
func heatStep(n, peak int) int {
	if peak <= 1 || n >= peak {
		return matrixSteps
	}
	s := 1 + int(float64(matrixSteps-1)*math.Log(float64(n))/math.Log(float64(peak)))
	return min(max(s, 1), matrixSteps)
}

// stepTop is the most flows a cell of shade s holds.
func stepTop(s, peak int) int {
	top := 0
	for n := 1; n <= peak; n++ {
		if heatStep(n, peak) == s {
			top = n
		} else if heatStep(n, peak) > s {
			break
		}
	}
	if s == matrixSteps {
		return peak
	}
	return top
}

// shortCount fits a count in a cell: 1234 is "1.2k".
func shortCount(n int) string {
	switch {
	case n < 1000:
		return fmt.Sprint(n)
	case n < 100000:
		return fmt.Sprintf("%.1fk", float64(n)/1000)
	}
	return fmt.Sprintf("%dk", n/1000)
}

// byteSize writes a byte count for people: 1.5 MB.
func byteSize(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}

// segmentCompare orders segment names ("VLAN 110 10.20.110.0/24" or
// "10.20.110.0/24") by VLAN, then by address, numbers as numbers.
func segmentCompare(a, b string) int {
	ka, kb := segmentKey(a), segmentKey(b)
	for i := range min(len(ka), len(kb)) {
		if c := cmp.Compare(ka[i], kb[i]); c != 0 {
			return c
		}
	}
	return cmp.Or(cmp.Compare(len(ka), len(kb)), strings.Compare(a, b))
}

// segmentKey is the numbers of a segment's name, a VLAN-less one first.
func segmentKey(s string) []int {
	key := []int{0}
	if strings.HasPrefix(s, "VLAN ") {
		key[0] = 1
	}
	n, in := 0, false
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n, in = n*10+int(r-'0'), true
			continue
		}
		if in {
			key = append(key, n)
			n, in = 0, false
		}
	}
	if in {
		key = append(key, n)
	}
	return key
}
