package web

import (
	"fmt"
	"strings"

	vigil "github.com/vigil-health/vigil"
)

// The charts are inline SVG computed here and drawn by templates/charts.html:
// no script, so the page's CSP (script-src 'self') holds, and colours come
// from style.css classes (v-met, v-not-met, ...) because the CSP forbids
// inline styles.

// verdictCount is one verdict's count in a run's summary.
type verdictCount struct {
	Verdict vigil.Verdict
	Count   int
}

// verdictCounts lists a summary's counts in the order of vigil.Verdicts.
func verdictCounts(sum map[vigil.Verdict]int) []verdictCount {
	out := make([]verdictCount, 0, len(vigil.Verdicts()))
	for _, v := range vigil.Verdicts() {
		out = append(out, verdictCount{v, sum[v]})
	}
	return out
}

// stackedBar is one run's counts as a horizontal bar, a segment a verdict.
type stackedBar struct {
	Label    string // the accessible name: every count in words
	Width    float64
	Segments []barSegment
}

type barSegment struct {
	Verdict vigil.Verdict
	Count   int
	X, W    float64
}

const barWidth = 400

func newStackedBar(sum map[vigil.Verdict]int) stackedBar {
	b := stackedBar{Width: barWidth}
	total := 0
	var words []string
	for _, vc := range verdictCounts(sum) {
		total += vc.Count
		words = append(words, fmt.Sprintf("%d %s", vc.Count, vc.Verdict))
	}
	b.Label = strings.Join(words, ", ")
	if total == 0 {
		return b
	}
	x := 0.0
	for _, vc := range verdictCounts(sum) {
		if vc.Count == 0 {
			continue
		}
		w := barWidth * float64(vc.Count) / float64(total)
		b.Segments = append(b.Segments, barSegment{Verdict: vc.Verdict, Count: vc.Count, X: x, W: w})
		x += w
	}
	return b
}

// trendChart is a framework's stored runs, oldest first, as one line per
// verdict, with the same numbers as a table for screen readers and print.
type trendChart struct {
	ID            string // prefix of the element ids the SVG's aria attributes name
	Title         string
	Width, Height int
	Left, Bottom  float64 // the plot area's left edge and baseline
	Lines         []trendLine
	XLabels       []axisLabel
	YTicks        []axisLabel
	Verdicts      []vigil.Verdict // the table's columns
	Rows          []trendRow
}

type trendLine struct {
	Verdict vigil.Verdict
	Points  string // the polyline's points
	Dots    []trendDot
}

type trendDot struct {
	X, Y  float64
	Label string
}

type axisLabel struct {
	X, Y float64
	Text string
}

type trendRow struct {
	ID     int64
	At     string
	Counts []int
}

// Trend geometry, in SVG user units.
const (
	trendW, trendH           = 640, 180
	trendLeft, trendRight    = 40.0, 12.0
	trendTop, trendBaseline  = 10.0, 150.0
	trendMaxRuns, dateLayout = 60, "2006-01-02"
)

// newTrend draws runs, which FindEvaluations gives newest first. Runs are
// spaced evenly: several runs may share a date.
func newTrend(id, title string, runs []*vigil.EvaluationSummary) *trendChart {
	if len(runs) == 0 {
		return nil
	}
	c := &trendChart{ID: id, Title: title, Width: trendW, Height: trendH, Left: trendLeft, Bottom: trendBaseline}
	ordered := make([]*vigil.EvaluationSummary, len(runs))
	for i, r := range runs {
		ordered[len(runs)-1-i] = r
	}
	peak := 1
	for _, v := range vigil.Verdicts() {
		seen := false
		for _, r := range ordered {
			peak = max(peak, r.Summary[v])
			seen = seen || r.Summary[v] > 0
		}
		if seen {
			c.Verdicts = append(c.Verdicts, v)
		}
	}
	x := func(i int) float64 {
		if len(ordered) == 1 {
			return (trendLeft + trendW - trendRight) / 2
		}
		return trendLeft + float64(i)*(trendW-trendRight-trendLeft)/float64(len(ordered)-1)
	}
	y := func(n int) float64 { return trendBaseline - float64(n)*(trendBaseline-trendTop)/float64(peak) }
	for _, v := range c.Verdicts {
		l := trendLine{Verdict: v}
		pts := make([]string, len(ordered))
		for i, r := range ordered {
			n := r.Summary[v]
			pts[i] = fmt.Sprintf("%.1f,%.1f", x(i), y(n))
			l.Dots = append(l.Dots, trendDot{X: x(i), Y: y(n), Label: fmt.Sprintf("%s: %d %s", r.At.UTC().Format(dateLayout), n, v)})
		}
		l.Points = strings.Join(pts, " ")
		c.Lines = append(c.Lines, l)
	}
	for _, n := range []int{0, (peak + 1) / 2, peak} {
		c.YTicks = append(c.YTicks, axisLabel{X: trendLeft - 6, Y: y(n) + 4, Text: fmt.Sprint(n)})
	}
	first, last := ordered[0].At.UTC(), ordered[len(ordered)-1].At.UTC()
	layout := dateLayout
	if first.Format(dateLayout) == last.Format(dateLayout) {
		layout = "2006-01-02 15:04" // runs of one day: the times tell them apart
	}
	c.XLabels = append(c.XLabels, axisLabel{X: x(0), Y: trendBaseline + 18, Text: first.Format(layout)})
	if len(ordered) > 1 {
		c.XLabels = append(c.XLabels, axisLabel{X: x(len(ordered) - 1), Y: trendBaseline + 18, Text: last.Format(layout)})
	}
	for _, r := range ordered {
		row := trendRow{ID: r.ID, At: r.At.UTC().Format("2006-01-02 15:04")}
		for _, v := range c.Verdicts {
			row.Counts = append(row.Counts, r.Summary[v])
		}
		c.Rows = append(c.Rows, row)
	}
	return c
}
