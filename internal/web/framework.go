package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/catalog"
)

// controlRow is one control of the framework page, indented by its depth.
type controlRow struct {
	ID, Title    string
	URL          string
	Kind         vigil.ControlKind
	Requirement  vigil.Requirement
	Tier         string
	Withdrawn    bool
	Depth        int // 0 at the top level; the template caps the indent
	Verdict      vigil.Verdict
	Failing      int // distinct devices
	Checks       int
	Attestations int
}

type frameworkPage struct {
	pageBase
	Framework *vigil.Framework
	Eval      *vigil.Evaluation // the run shown; nil before the first
	Counts    []verdictCount
	Bar       stackedBar
	Rows      []controlRow
	Verdict   string     // the filter, "" for every verdict
	Chips     []kindChip // every verdict with its count, and all
	AsOf      asOfForm
}

// evaluationOf returns the run ?run= names, or the one in force at ?as_of=
// (the newest run whose time is not after it), or the latest; nil, nil when
// the framework was not evaluated by then.
func (s *Server) evaluationOf(ctx context.Context, fw string, q url.Values) (*vigil.Evaluation, error) {
	var id int64
	if v := q.Get("run"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return nil, vigil.Errorf(vigil.EINVALID, "run must be a run id")
		}
		id = n
	}
	if at, err := asOfParam(q); err != nil {
		return nil, err
	} else if at != nil && id == 0 {
		ev, err := s.db.FindEvaluationAt(ctx, fw, *at)
		if vigil.ErrorCode(err) == vigil.ENOTFOUND {
			return nil, nil
		}
		return ev, err
	}
	ev, err := s.db.FindEvaluation(ctx, fw, id)
	if vigil.ErrorCode(err) == vigil.ENOTFOUND && id == 0 {
		return nil, nil
	}
	return ev, err
}

// pathFramework returns the catalogs and the framework the path's
// {framework} names.
func (s *Server) pathFramework(r *http.Request) (*catalog.Catalog, *vigil.Framework, error) {
	cat, err := s.comp.Catalog(r.Context())
	if err != nil {
		return nil, nil, err
	}
	fw, err := cat.Framework(r.PathValue("framework"))
	return cat, fw, err
}

func (s *Server) frameworkPage(w http.ResponseWriter, r *http.Request) error {
	_, fw, err := s.pathFramework(r)
	if err != nil {
		return err
	}
	ev, err := s.evaluationOf(r.Context(), fw.ID, r.URL.Query())
	if err != nil {
		return err
	}
	at, _ := asOfParam(r.URL.Query()) // evaluationOf has checked it
	asOf := newAsOfForm(r, at)
	filter := r.URL.Query().Get("verdict")
	if filter != "" {
		if err := vigil.Verdict(filter).Validate(); err != nil {
			return err
		}
	}
	results := map[string]*vigil.ControlEvaluation{}
	if ev != nil {
		for i := range ev.Controls {
			results[ev.Controls[i].ID] = &ev.Controls[i]
		}
	}
	depth := map[string]int{}
	counts := map[vigil.Verdict]int{}
	var rows []controlRow
	for _, c := range fw.Controls {
		if c.Parent != "" {
			depth[c.ID] = depth[c.Parent] + 1
		}
		row := controlRow{ID: c.ID, Title: c.Title, URL: withAsOf(controlURL(c.Ref()), asOf), Kind: c.Kind, Requirement: c.Requirement, Tier: c.Tier,
			Withdrawn: c.Withdrawn, Depth: min(depth[c.ID], 5), Verdict: vigil.VerdictNotAssessed}
		if res := results[c.ID]; res != nil {
			row.Verdict, row.Failing, row.Checks, row.Attestations = res.Verdict, distinctDevices(res.FailingDevices), len(res.Checks), len(res.Attestations)
		}
		counts[row.Verdict]++
		if filter == "" || string(row.Verdict) == filter {
			rows = append(rows, row)
		}
	}
	link := func(v string) string {
		q := r.URL.Query()
		if v == "" {
			q.Del("verdict")
		} else {
			q.Set("verdict", v)
		}
		if len(q) == 0 {
			return r.URL.Path
		}
		return r.URL.Path + "?" + q.Encode()
	}
	chips := []kindChip{{Label: fmt.Sprintf("all (%d)", len(fw.Controls)), URL: link(""), On: filter == ""}}
	for _, v := range vigil.Verdicts() {
		chips = append(chips, kindChip{Label: fmt.Sprintf("%s (%d)", v, counts[v]), URL: link(string(v)), On: filter == string(v)})
	}
	p := &frameworkPage{pageBase: pageBase{Title: fw.Title, Nav: "controls"}, Framework: fw, Eval: ev, Rows: rows, Verdict: filter, Chips: chips, AsOf: asOf}
	if ev != nil {
		p.Counts, p.Bar = verdictCounts(ev.Summary), newStackedBar(ev.Summary)
	}
	s.render(w, r, http.StatusOK, "framework", p)
	return nil
}

// distinctDevices counts the devices among failures, which list a device
// once per check it fails.
func distinctDevices(fds []vigil.FailingDevice) int {
	seen := make(map[int64]bool, len(fds))
	for _, fd := range fds {
		seen[fd.ID] = true
	}
	return len(seen)
}

// withAsOf carries the chosen date to a linked page.
func withAsOf(u string, f asOfForm) string {
	if f.Date == "" {
		return u
	}
	return u + "?as_of=" + f.Date
}
