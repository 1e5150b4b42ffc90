package web

import (
	"net/http"
	"strconv"

	vigil "github.com/vigil-health/vigil"
)

// apiPlan lists the plan items: ?status=open|closed&owner=&kind=&framework=,
// in the common list shape (it answered a bare list before).
func (s *Server) apiPlan(w http.ResponseWriter, r *http.Request) error {
	p, err := readRows[*vigil.PlanItem](r, maxLimit, nil)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	f := vigil.PlanFilter{Status: vigil.PlanStatus(q.Get("status")), Owner: q.Get("owner"), Kind: vigil.PlanKind(q.Get("kind")), Framework: q.Get("framework")}
	if f.Status != "" && f.Status != vigil.PlanOpen && f.Status != vigil.PlanClosed {
		return vigil.Errorf(vigil.EINVALID, "status is open or closed")
	}
	items, err := s.db.FindPlanItems(r.Context(), f)
	if err != nil {
		return err
	}
	writeRows(w, "", items, p, nil, nil)
	return nil
}

// apiMockAudit runs a mock audit: {"framework", "sample", "seed"}; an
// absent seed is drawn from the clock.
func (s *Server) apiMockAudit(w http.ResponseWriter, r *http.Request) error {
	if s.plan == nil {
		return vigil.Errorf(vigil.EUNAVAILABLE, "mock audits are not available")
	}
	var req struct {
		Framework string `json:"framework"`
		Sample    int    `json:"sample"`
		Seed      *int64 `json:"seed"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	if req.Framework == "" {
		return vigil.Errorf(vigil.EINVALID, "framework is required")
	}
	sample, seed, err := auditParams("", "", s.db.Now().UnixNano())
	if err != nil {
		return err
	}
	if req.Sample != 0 {
		sample = req.Sample
	}
	if req.Seed != nil {
		seed = *req.Seed
	}
	a, err := s.plan.MockAudit(r.Context(), userFrom(r.Context()), req.Framework, sample, seed)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, a)
	return nil
}

// apiMockAuditGet returns a stored mock audit with its requests.
func (s *Server) apiMockAuditGet(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return vigil.Errorf(vigil.ENOTFOUND, "no such mock audit")
	}
	a, err := s.db.FindMockAudit(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, a)
	return nil
}
