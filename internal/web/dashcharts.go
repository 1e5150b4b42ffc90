package web

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/risk"
)

// The dashboard's charts, drawn as inline SVG by templates/charts.html
// ("hbars" and "lines") from what the store keeps: the risk assessment,
// the match spans (when each device-vulnerability match opened and
// closed), the open discrepancies and the inventory. Each comes with the
// same numbers as a table for screen readers and print.

// hbarChart is rows of horizontal bars, each split into segments.
type hbarChart struct {
	ID, Title     string
	Width, Height int
	LabelX        float64 // where the labels end
	Rows          []hbarRow
	Legend        []legendItem
}

type hbarRow struct {
	Label, URL string
	Y, TextY   float64
	Total      int
	TotalX     float64
	Segs       []hbarSeg
	Counts     []int // per legend item, for the table
}

type hbarSeg struct {
	Class, Title string
	X, W         float64
}

type legendItem struct{ Class, Name string }

// hbar geometry, in SVG user units.
const (
	hbarW, hbarLabelW, hbarRowH, hbarGap = 560, 170.0, 18.0, 6.0
	hbarCountW                           = 44.0
)

// newHBars draws rows of counts; counts[i][j] is row i's count of legend
// item j.
func newHBars(id, title string, legend []legendItem, labels, urls []string, counts [][]int) *hbarChart {
	labelW := hbarLabelW
	for _, l := range labels {
		labelW = max(labelW, 7.2*float64(len([]rune(l)))+12) // about 7 units a character at the tick size
	}
	labelW = min(labelW, hbarW/2)
	c := &hbarChart{ID: id, Title: title, Width: hbarW, LabelX: labelW - 8, Legend: legend}
	peak := 1
	for _, row := range counts {
		t := 0
		for _, n := range row {
			t += n
		}
		peak = max(peak, t)
	}
	scale := (hbarW - labelW - hbarCountW) / float64(peak)
	for i, row := range counts {
		y := float64(i) * (hbarRowH + hbarGap)
		r := hbarRow{Label: labels[i], Y: y, TextY: y + 13, Counts: row}
		if urls != nil {
			r.URL = urls[i]
		}
		x := labelW
		for j, n := range row {
			r.Total += n
			if n == 0 {
				continue
			}
			w := float64(n) * scale
			r.Segs = append(r.Segs, hbarSeg{Class: legend[j].Class, Title: fmt.Sprintf("%s: %d %s", labels[i], n, legend[j].Name), X: x, W: w})
			x += w
		}
		r.TotalX = x + 4
		c.Rows = append(c.Rows, r)
	}
	c.Height = int(math.Ceil(float64(len(c.Rows))*(hbarRowH+hbarGap))) + 2
	return c
}

// lineChart is series of counts over time.
type lineChart struct {
	ID, Title     string
	Width, Height int
	Left, Bottom  float64
	Lines         []lineSeries
	XLabels       []axisLabel
	YTicks        []axisLabel
	Names         []string // the series, the table's columns
	Rows          []lineRow
}

type lineSeries struct {
	Class, Name string
	Points      string
	Dots        []trendDot
}

type lineRow struct {
	At     string
	Counts []int
}

// newLines draws series over the times at (oldest first); values[j][i] is
// series j at at[i].
func newLines(id, title string, at []time.Time, series []legendItem, values [][]int) *lineChart {
	if len(at) == 0 {
		return nil
	}
	c := &lineChart{ID: id, Title: title, Width: trendW, Height: trendH, Left: trendLeft, Bottom: trendBaseline}
	peak := 1
	for _, vs := range values {
		for _, n := range vs {
			peak = max(peak, n)
		}
	}
	x := func(i int) float64 {
		if len(at) == 1 {
			return (trendLeft + trendW - trendRight) / 2
		}
		return trendLeft + float64(i)*(trendW-trendRight-trendLeft)/float64(len(at)-1)
	}
	y := func(n int) float64 { return trendBaseline - float64(n)*(trendBaseline-trendTop)/float64(peak) }
	for j, s := range series {
		l := lineSeries{Class: s.Class, Name: s.Name}
		pts := make([]string, len(at))
		for i, t := range at {
			n := values[j][i]
			pts[i] = fmt.Sprintf("%.1f,%.1f", x(i), y(n))
			l.Dots = append(l.Dots, trendDot{X: x(i), Y: y(n), Label: fmt.Sprintf("%s: %d %s", t.UTC().Format(dateLayout), n, s.Name)})
		}
		l.Points = strings.Join(pts, " ")
		c.Lines = append(c.Lines, l)
		c.Names = append(c.Names, s.Name)
	}
	for _, n := range []int{0, (peak + 1) / 2, peak} {
		c.YTicks = append(c.YTicks, axisLabel{X: trendLeft - 6, Y: y(n) + 4, Text: fmt.Sprint(n)})
	}
	c.XLabels = append(c.XLabels, axisLabel{X: x(0), Y: trendBaseline + 18, Text: at[0].UTC().Format(dateLayout)})
	if len(at) > 1 {
		c.XLabels = append(c.XLabels, axisLabel{X: x(len(at) - 1), Y: trendBaseline + 18, Text: at[len(at)-1].UTC().Format(dateLayout)})
	}
	for i, t := range at {
		row := lineRow{At: t.UTC().Format(dateLayout)}
		for j := range series {
			row.Counts = append(row.Counts, values[j][i])
		}
		c.Rows = append(c.Rows, row)
	}
	return c
}

// riskChart is the distribution of the devices with something open by
// score band, split by how urgent the worklist ranks them.
func riskChart(as []risk.Assessment) *hbarChart {
	legend := []legendItem{{"u-act", "SSVC Act or KEV ransomware"}, {"u-overdue", "KEV overdue"}, {"u-other", "other"}}
	var labels, urls []string
	var counts [][]int
	for band := 9; band >= 0; band-- {
		row := make([]int, 3)
		for _, a := range as {
			if min(int(a.Score)/10, 9) == band {
				row[2-a.Urgency]++
			}
		}
		labels = append(labels, fmt.Sprintf("%d–%d", band*10, band*10+10))
		urls = append(urls, "/risk?sort=score&order=desc")
		counts = append(counts, row)
	}
	return newHBars("chart-risk", "Devices with an open vulnerability by risk score", legend, labels, urls, counts)
}

// siteCriticalityChart is the devices of each site by criticality.
func siteCriticalityChart(devs []*vigil.Device, siteName map[int64]string) *hbarChart {
	crits := vigil.Criticalities // most critical first
	legend := make([]legendItem, 0, len(crits)+1)
	for _, c := range crits {
		legend = append(legend, legendItem{"crit-" + string(c), string(c)})
	}
	legend = append(legend, legendItem{"crit-unknown", "unknown"})
	bySite := map[string][]int{}
	for _, d := range devs {
		name := siteName[d.SiteID]
		if name == "" {
			name = "unknown"
		}
		if bySite[name] == nil {
			bySite[name] = make([]int, len(legend))
		}
		j := slices.Index(crits, d.Criticality)
		if j < 0 {
			j = len(crits)
		}
		bySite[name][j]++
	}
	labels := make([]string, 0, len(bySite))
	for name := range bySite {
		labels = append(labels, name)
	}
	slices.Sort(labels)
	counts := make([][]int, len(labels))
	for i, l := range labels {
		counts[i] = bySite[l]
	}
	return newHBars("chart-sites", "Devices by site and criticality", legend, labels, nil, counts)
}

// discrepancyChart is today's open discrepancies by kind, each linking to
// its list; discrepancyTrend draws them over time.
func discrepancyChart(byKind map[vigil.DiscrepancyKind]int) *hbarChart {
	var labels, urls []string
	var counts [][]int
	for _, k := range vigil.DiscrepancyKinds {
		labels = append(labels, string(k))
		urls = append(urls, "/discrepancies?kind="+string(k))
		counts = append(counts, []int{byKind[k]})
	}
	return newHBars("chart-discrepancies", "Open discrepancies by kind", []legendItem{{"u-other", "open"}}, labels, urls, counts)
}

// discrepancyDays is how far back the discrepancy trend reaches.
const discrepancyDays = 90

// discrepancyTrend draws the unacknowledged discrepancies of each kind a
// day over the last discrepancyDays days, from the counts each
// resolution and acknowledgement recorded (DiscrepancyHistory). A day with
// none recorded kept the previous day's counts; today ends the chart with
// the current counts. nil when nothing was ever recorded.
func (s *Server) discrepancyTrend(ctx context.Context, now time.Time, current map[vigil.DiscrepancyKind]int) (*lineChart, error) {
	today := now.UTC().Truncate(24 * time.Hour)
	hist, err := s.db.DiscrepancyHistory(ctx, today.AddDate(0, 0, -discrepancyDays))
	if err != nil {
		return nil, err
	}
	if len(hist) == 0 {
		return nil, nil
	}
	byDay := map[time.Time]map[vigil.DiscrepancyKind]int{}
	for _, c := range hist {
		if byDay[c.Day] == nil {
			byDay[c.Day] = map[vigil.DiscrepancyKind]int{}
		}
		byDay[c.Day][c.Kind] = c.Unacked
	}
	byDay[today] = current
	var at []time.Time
	values := make([][]int, len(vigil.DiscrepancyKinds))
	var last map[vigil.DiscrepancyKind]int
	for d := hist[0].Day; !d.After(today); d = d.AddDate(0, 0, 1) {
		if m := byDay[d]; m != nil {
			last = m
		}
		at = append(at, d)
		for j, k := range vigil.DiscrepancyKinds {
			values[j] = append(values[j], last[k])
		}
	}
	series := make([]legendItem, len(vigil.DiscrepancyKinds))
	for j, k := range vigil.DiscrepancyKinds {
		series[j] = legendItem{"k-" + string(k), string(k)}
	}
	return newLines("chart-discrepancy-trend", "Unacknowledged discrepancies by kind, a day", at, series, values), nil
}

// vulnTrendPoints is how many times the vulnerability trend samples.
const vulnTrendPoints = 12

// vulnTrend samples the match spans at up to vulnTrendPoints times from
// the first match opened until now: the vulnerabilities affecting at least
// one device then, and those of them in CISA KEV.
func (s *Server) vulnTrend(ctx context.Context, now time.Time) (*lineChart, error) {
	open, err := s.db.FindMatchSpans(ctx, nil)
	if err != nil {
		return nil, err
	}
	kevs, _, err := s.db.FindVulnerabilities(ctx, vigil.VulnFilter{KEV: true})
	if err != nil {
		return nil, err
	}
	kev := map[string]bool{}
	for _, v := range kevs {
		kev[v.ID] = true
	}
	first := now
	for _, sp := range open {
		if sp.Opened.Before(first) {
			first = sp.Opened
		}
	}
	var at []time.Time
	span := now.Sub(first)
	if span < time.Hour {
		at = []time.Time{now}
	} else {
		for i := range vulnTrendPoints {
			at = append(at, first.Add(span*time.Duration(i)/time.Duration(vulnTrendPoints-1)))
		}
	}
	values := [][]int{make([]int, len(at)), make([]int, len(at))}
	for i, t := range at {
		spans := open
		if i < len(at)-1 {
			if spans, err = s.db.FindMatchSpans(ctx, &t); err != nil {
				return nil, err
			}
		}
		seen := map[string]bool{}
		for _, sp := range spans {
			if !seen[sp.VulnID] {
				seen[sp.VulnID] = true
				values[0][i]++
				if kev[sp.VulnID] {
					values[1][i]++
				}
			}
		}
	}
	return newLines("chart-vulns", "Vulnerabilities affecting devices over time", at,
		[]legendItem{{"s-open", "affecting devices"}, {"s-kev", "of those in CISA KEV"}}, values), nil
}

// dashboardCharts is every chart of the dashboard.
type dashboardCharts struct {
	Risk, Sites, Discrepancies *hbarChart
	Vulns, DiscrepancyTrend    *lineChart
	Act, Overdue, KEVOpen      int
}

func (s *Server) dashboardCharts(ctx context.Context) (*dashboardCharts, error) {
	now := time.Now()
	as, err := s.exp.AssessRisk(ctx, vigil.RiskFilter{OpenOnly: true})
	if err != nil {
		return nil, err
	}
	c := &dashboardCharts{Risk: riskChart(as)}
	for _, a := range as {
		switch a.Urgency {
		case risk.UrgencyAct:
			c.Act++
		case risk.UrgencyOverdue:
			c.Overdue++
		}
		if a.KEV {
			c.KEVOpen++
		}
	}
	devs, _, err := s.devices.FindDevices(ctx, vigil.DeviceFilter{})
	if err != nil {
		return nil, err
	}
	sites, err := s.sites.FindSites(ctx)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, st := range sites {
		names[st.ID] = st.Name
	}
	c.Sites = siteCriticalityChart(devs, names)
	byKind, err := s.db.CountDiscrepancies(ctx, vigil.DiscrepancyFilter{})
	if err != nil {
		return nil, err
	}
	c.Discrepancies = discrepancyChart(byKind)
	if c.DiscrepancyTrend, err = s.discrepancyTrend(ctx, now, byKind); err != nil {
		return nil, err
	}
	if c.Vulns, err = s.vulnTrend(ctx, now); err != nil {
		return nil, err
	}
	return c, nil
}
