package web

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/compliance"
)

// standing is a framework's place: its latest run's counts and, on the
// controls page, the trend over its stored runs.
type standing struct {
	ID, Title, Version string
	Proposed           bool
	Controls           int
	URL                string
	Latest             *vigil.EvaluationSummary // nil before the first run
	Counts             []verdictCount
	Bar                stackedBar
	Trend              *trendChart
}

// standings returns every framework's standing; runs is how many stored
// runs to read for the trend (1: the latest only, no trend).
func (s *Server) standings(ctx context.Context, runs int) ([]standing, error) {
	return s.standingsAt(ctx, runs, nil)
}

// standingsAt is standings as of a date (nil: now): the runs whose time is
// not after it, newest first by that time.
func (s *Server) standingsAt(ctx context.Context, runs int, at *time.Time) ([]standing, error) {
	cat, err := s.comp.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	var out []standing
	for _, fw := range cat.Frameworks() {
		var evs []*vigil.EvaluationSummary
		if at == nil {
			evs, err = s.db.FindEvaluations(ctx, fw.ID, runs)
		} else {
			evs, err = s.runsBy(ctx, fw.ID, runs, *at)
		}
		if err != nil {
			return nil, err
		}
		st := standing{ID: fw.ID, Title: fw.Title, Version: fw.Version, Proposed: fw.Proposed, Controls: len(fw.Controls), URL: frameworkURL(fw.ID)}
		if len(evs) > 0 {
			st.Latest = evs[0]
			st.Counts = verdictCounts(evs[0].Summary)
			st.Bar = newStackedBar(evs[0].Summary)
			if runs > 1 {
				st.Trend = newTrend("trend-"+fw.ID, fw.Title+": controls per verdict over the stored runs", evs)
			}
		}
		out = append(out, st)
	}
	return out, nil
}

// runsBy returns at most limit runs of a framework whose time is not after
// at, newest first by that time, as FindEvaluationAt picks them.
func (s *Server) runsBy(ctx context.Context, fw string, limit int, at time.Time) ([]*vigil.EvaluationSummary, error) {
	all, err := s.db.FindEvaluations(ctx, fw, 0)
	if err != nil {
		return nil, err
	}
	var out []*vigil.EvaluationSummary
	for _, e := range all {
		if !e.At.After(at) {
			out = append(out, e)
		}
	}
	// FindEvaluations gives them newest id first; a stable sort keeps
	// that order between runs of the same time.
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

type controlsPage struct {
	pageBase
	Frameworks []standing
	AsOf       asOfForm
}

func (s *Server) controlsOverview(w http.ResponseWriter, r *http.Request) error {
	at, err := asOfParam(r.URL.Query())
	if err != nil {
		return err
	}
	sts, err := s.standingsAt(r.Context(), trendMaxRuns, at)
	if err != nil {
		return err
	}
	asOf := newAsOfForm(r, at)
	for i := range sts {
		sts[i].URL = withAsOf(sts[i].URL, asOf)
	}
	s.render(w, r, http.StatusOK, "controls", &controlsPage{pageBase: pageBase{Title: "Controls", Nav: "controls"}, Frameworks: sts, AsOf: asOf})
	return nil
}

// evaluateNow runs and stores the evaluation of one framework (the form's
// framework) or of all, then shows where it was asked from.
func (s *Server) evaluateNow(w http.ResponseWriter, r *http.Request) error {
	fw := r.PostFormValue("framework")
	if _, err := s.comp.Evaluate(r.Context(), userFrom(r.Context()), compliance.EvalOptions{Framework: fw, Keep: true}); err != nil {
		return err
	}
	back, title := "/controls", ""
	if fw != "" {
		back, title = frameworkURL(fw), fw
		if cat, err := s.comp.Catalog(r.Context()); err == nil {
			if f, err := cat.Framework(fw); err == nil {
				title = f.Title
			}
		}
	}
	s.redirectFlash(w, r, back, flashEvaluated, nil, title)
	return nil
}

// frameworkURL and controlURL are the pages of a framework and a control.
// A control id's parentheses are escaped (/controls/hipaa/164.312%28e%29%281%29,
// as html/template would anyway); the page answers the id typed as cited too.
func frameworkURL(fw string) string { return "/controls/" + url.PathEscape(fw) }

func controlURL(ref vigil.ControlRef) string {
	return frameworkURL(ref.Framework) + "/" + url.PathEscape(ref.Control)
}
