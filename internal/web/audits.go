package web

import (
	"net/http"
	"strconv"

	vigil "github.com/vigil-health/vigil"
)

// auditsPage lists the mock audits with their scores and compares the last
// two of the framework audited last.
type auditsPage struct {
	pageBase
	Audits     []*vigil.MockAuditSummary
	Comparison *vigil.AuditComparison
	Frameworks []string
	Disabled   bool
}

func (s *Server) auditsPage(w http.ResponseWriter, r *http.Request) error {
	runs, err := s.db.FindMockAudits(r.Context(), "", 100)
	if err != nil {
		return err
	}
	p := &auditsPage{pageBase: pageBase{Title: "Mock audits", Nav: "audits"}, Audits: runs, Disabled: s.plan == nil}
	if s.plan != nil {
		if p.Comparison, err = s.plan.LatestComparison(r.Context(), ""); err != nil {
			return err
		}
	}
	cat, err := s.comp.Catalog(r.Context())
	if err != nil {
		return err
	}
	for _, fw := range cat.Frameworks() {
		if !fw.Proposed {
			p.Frameworks = append(p.Frameworks, fw.ID)
		}
	}
	s.render(w, r, http.StatusOK, "audits", p)
	return nil
}

// runMockAudit runs a mock audit from the audits page.
func (s *Server) runMockAudit(w http.ResponseWriter, r *http.Request) error {
	if s.plan == nil {
		return vigil.Errorf(vigil.EUNAVAILABLE, "mock audits are not available")
	}
	sample, seed, err := auditParams(r.PostFormValue("sample"), r.PostFormValue("seed"), s.db.Now().UnixNano())
	if err != nil {
		return err
	}
	fw := r.PostFormValue("framework")
	if _, err := s.plan.MockAudit(r.Context(), userFrom(r.Context()), fw, sample, seed); err != nil {
		return err
	}
	s.redirectFlash(w, r, "/audits", flashMockAudit, nil, fw)
	return nil
}

// auditParams reads a sample size and seed as typed; an empty seed is
// drawn from clock.
func auditParams(sample, seed string, clock int64) (int, int64, error) {
	n, s := 10, clock%1_000_000
	var err error
	if sample != "" {
		if n, err = strconv.Atoi(sample); err != nil || n < 1 {
			return 0, 0, vigil.Errorf(vigil.EINVALID, "the sample must be a number of devices")
		}
	}
	if seed != "" {
		if s, err = strconv.ParseInt(seed, 10, 64); err != nil {
			return 0, 0, vigil.Errorf(vigil.EINVALID, "the seed must be a whole number")
		}
	}
	return n, s, nil
}
