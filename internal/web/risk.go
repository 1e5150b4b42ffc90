package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/risk"
)

// riskFilter reads the worklist's filters; ?as_of= assesses the matches
// open then. The worklist lists the devices with something open unless
// ?all=1.
func riskFilter(r *http.Request) (vigil.RiskFilter, error) {
	q := r.URL.Query()
	f := vigil.RiskFilter{DeviceType: q.Get("type"), OpenOnly: !isTrue(q.Get("all"))}
	if v := q.Get("site"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return f, vigil.Errorf(vigil.EINVALID, "site must be a site id")
		}
		f.SiteID = id
	}
	at, err := asOfParam(q)
	f.At = at
	return f, err
}

func isTrue(v string) bool { return v == "1" || v == "true" || v == "yes" }

// riskRow is one device of the worklist with its rank in the engine's
// order (risk.Rank), which sorting by another column keeps.
type riskRow struct {
	risk.Assessment
	Rank   int
	Device *vigil.Device
}

// Urgent is the row's badge: why it is at the top.
func (r riskRow) Urgent() string {
	switch r.Urgency {
	case risk.UrgencyAct:
		if r.Decision == vigil.SSVCAct {
			return "SSVC Act"
		}
		return "KEV ransomware"
	case risk.UrgencyOverdue:
		return "KEV overdue"
	}
	return ""
}

func (r riskRow) label() string { return r.Device.Label() }

// riskColumns are the worklist's columns, in the page's and the exports' order.
var riskColumns = []column[riskRow]{
	{Key: "rank", Title: "#", Num: true, Text: func(r riskRow) string { return strconv.Itoa(r.Rank) }, Cmp: byNum(func(r riskRow) int { return r.Rank })},
	{Key: "device", Title: "Device", Text: riskRow.label, Cmp: byString(riskRow.label)},
	{Key: "type", Title: "Type", Text: func(r riskRow) string { return r.Device.DeviceType }, Cmp: byString(func(r riskRow) string { return r.Device.DeviceType })},
	{Key: "criticality", Title: "Criticality", Text: func(r riskRow) string { return string(r.Device.Criticality) },
		Cmp: byNum(func(r riskRow) int { return r.Device.Criticality.Rank() })},
	{Key: "fda", Title: "FDA class", Text: func(r riskRow) string { return r.FDAClass }, Cmp: byString(func(r riskRow) string { return r.FDAClass })},
	{Key: "score", Title: "Risk", Num: true, Text: func(r riskRow) string { return fmt.Sprintf("%.1f", r.Score) }, Cmp: byNum(func(r riskRow) float64 { return r.Score })},
	{Key: "ssvc", Title: "SSVC", Text: func(r riskRow) string { return string(r.Decision) }, Cmp: byNum(func(r riskRow) int { return r.Decision.Rank() })},
	{Key: "kev", Title: "KEV due", Text: func(r riskRow) string {
		if !r.KEV {
			return ""
		}
		s := "KEV"
		if !r.KEVDue.IsZero() {
			s = r.KEVDue.Format("2006-01-02")
		}
		if r.Ransomware {
			s += " (ransomware)"
		}
		return s
	}, Cmp: func(a, b riskRow) int {
		if a.KEVDue.IsZero() != b.KEVDue.IsZero() {
			if a.KEVDue.IsZero() {
				return 1
			}
			return -1
		}
		return a.KEVDue.Compare(b.KEVDue)
	}},
	{Key: "open", Title: "Open", Num: true, Text: func(r riskRow) string { return strconv.Itoa(r.Open) }, Cmp: byNum(func(r riskRow) int { return r.Open })},
	{Key: "factors", Title: "Why", Text: func(r riskRow) string {
		var parts []string
		for _, f := range r.Factors {
			parts = append(parts, fmt.Sprintf("%s %.1f (%s)", f.Name, f.Contribution, f.Detail))
		}
		return strings.Join(parts, "; ")
	}},
}

// worklist assesses, filters and sorts the worklist r asks for, every row
// of it: the engine ranks (exposure.AssessRisk), ?decision= and ?kev=1
// narrow, ?sort= reorders.
func (s *Server) worklist(r *http.Request) ([]riskRow, listParams, vigil.RiskFilter, error) {
	q := r.URL.Query()
	p, err := readList(q, pageSize, riskColumns)
	if err != nil {
		return nil, p, vigil.RiskFilter{}, err
	}
	f, err := riskFilter(r)
	if err != nil {
		return nil, p, f, err
	}
	decision := vigil.SSVCDecision(q.Get("decision"))
	if decision != "" && decision.Rank() == 0 {
		return nil, p, f, vigil.Errorf(vigil.EINVALID, "decision must be Act, Attend, Track* or Track")
	}
	kev := isTrue(q.Get("kev"))
	as, err := s.exp.AssessRisk(r.Context(), f)
	if err != nil {
		return nil, p, f, err
	}
	devs, _, err := s.devices.FindDevices(r.Context(), vigil.DeviceFilter{AsOf: f.At})
	if err != nil {
		return nil, p, f, err
	}
	byID := make(map[int64]*vigil.Device, len(devs))
	for _, d := range devs {
		byID[d.ID] = d
	}
	rows := make([]riskRow, 0, len(as))
	for _, a := range as {
		d := byID[a.DeviceID]
		if d == nil || decision != "" && a.Decision != decision || kev && !a.KEV {
			continue
		}
		rows = append(rows, riskRow{Assessment: a, Rank: len(rows) + 1, Device: d})
	}
	sortRows(rows, p, riskColumns)
	return rows, p, f, nil
}

type riskPage struct {
	pageBase
	Rows      []riskRow
	List      listView
	Type      string
	SiteID    int64
	Sites     []*vigil.Site
	Types     []countRow
	Decision  string
	Decisions []vigil.SSVCDecision
	KEV, All  bool
	AsOf      asOfForm
}

func (s *Server) riskPage(w http.ResponseWriter, r *http.Request) error {
	rows, p, f, err := s.worklist(r)
	if err != nil {
		return err
	}
	if p.Format != "" {
		return export(w, p.Format, "risk-worklist", rows, riskColumns)
	}
	sites, err := s.sites.FindSites(r.Context())
	if err != nil {
		return err
	}
	counts, err := s.devices.CountDevices(r.Context(), nil)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	s.render(w, r, http.StatusOK, "risk", &riskPage{pageBase: pageBase{Title: "Risk worklist", Nav: "risk"},
		Rows: pageRows(rows, p), List: newListView(r, p, len(rows), riskColumns), Type: f.DeviceType, SiteID: f.SiteID, Sites: sites,
		Types: sortedCounts(counts.ByType), Decision: q.Get("decision"), Decisions: []vigil.SSVCDecision{vigil.SSVCAct, vigil.SSVCAttend, vigil.SSVCTrackStar, vigil.SSVCTrack},
		KEV: isTrue(q.Get("kev")), All: !f.OpenOnly, AsOf: newAsOfForm(r, f.At)})
	return nil
}

// apiRisk answers the worklist in the common list shape, its items the
// assessments (under "worklist" too, as before), ranked as the web ranks.
func (s *Server) apiRisk(w http.ResponseWriter, r *http.Request) error {
	rows, p, _, err := s.worklist(r)
	if err != nil {
		return err
	}
	if p.Format != "" {
		return export(w, p.Format, "risk-worklist", rows, riskColumns)
	}
	page := pageRows(rows, p)
	items := make([]risk.Assessment, len(page))
	for i, row := range page {
		items[i] = row.Assessment
	}
	writeList(w, "worklist", items, len(rows), p, nil)
	return nil
}
