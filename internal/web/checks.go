package web

import (
	"context"
	"net/http"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/checks"
)

// checkSummary is a stored check's current version with what its file
// says: the check list's row and the API's list entry.
type checkSummary struct {
	ID       string             `json:"id"`
	Title    string             `json:"title"`
	Severity string             `json:"severity"`
	Controls []vigil.ControlRef `json:"controls"`
	Version  int                `json:"version"`
	Enabled  bool               `json:"enabled"`
	Builtin  bool               `json:"builtin"`
	SavedBy  string             `json:"saved_by"`
	SavedAt  time.Time          `json:"saved_at"`
	// Problem says why a stored version no longer parses (a library
	// change); such a check is shown but never run.
	Problem string `json:"problem,omitempty"`
}

func summarize(v *vigil.CheckVersion) checkSummary {
	cs := checkSummary{ID: v.ID, Version: v.Version, Enabled: v.Enabled, Builtin: v.Builtin, SavedBy: v.SavedBy, SavedAt: v.SavedAt, Controls: []vigil.ControlRef{}}
	c, err := checks.Parse(v.ID+".yaml", []byte(v.Source))
	if err != nil {
		cs.Problem = err.Error()
		return cs
	}
	cs.Title, cs.Severity, cs.Controls = c.Title, string(c.Severity), c.Controls
	return cs
}

// checkSummaries lists the current version of every stored check.
func (s *Server) checkSummaries(ctx context.Context) ([]checkSummary, error) {
	vs, err := s.db.FindChecks(ctx, nil)
	if err != nil {
		return nil, err
	}
	out := make([]checkSummary, 0, len(vs))
	for _, v := range vs {
		out = append(out, summarize(v))
	}
	return out, nil
}

type checksPage struct {
	pageBase
	Checks  []checkSummary
	Enabled int
}

func (s *Server) checksPage(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.checkSummaries(r.Context())
	if err != nil {
		return err
	}
	p := &checksPage{pageBase: pageBase{Title: "Checks", Nav: "checks"}, Checks: cs}
	for _, c := range cs {
		if c.Enabled {
			p.Enabled++
		}
	}
	s.render(w, r, http.StatusOK, "checks", p)
	return nil
}
