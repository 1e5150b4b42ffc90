package web

import (
	"net/http"
	"strconv"
	"strings"

	vigil "github.com/vigil-health/vigil"
)

// planPage is the remediation plan: every item with its owner and due
// date, editable by those who may change compliance data.
type planPage struct {
	pageBase
	Items    []*vigil.PlanItem
	Status   string
	Owner    string
	Open     int
	Overdue  int
	Today    string
	Disabled bool // the plan is not wired into this server
}

func (s *Server) planPage(w http.ResponseWriter, r *http.Request) error {
	p := &planPage{pageBase: pageBase{Title: "Remediation plan", Nav: "plan"}, Status: r.URL.Query().Get("status"), Owner: r.URL.Query().Get("owner"),
		Today: s.db.Now().UTC().Format(dateLayout)}
	if p.Status == "" {
		p.Status = string(vigil.PlanOpen)
	} else if p.Status == "all" {
		p.Status = ""
	}
	items, err := s.db.FindPlanItems(r.Context(), vigil.PlanFilter{Status: vigil.PlanStatus(p.Status), Owner: p.Owner})
	if err != nil {
		return err
	}
	p.Items, p.Disabled = items, s.plan == nil
	now := s.db.Now()
	for _, it := range items {
		if it.Status == vigil.PlanOpen {
			p.Open++
			if it.Due.Before(now) {
				p.Overdue++
			}
		}
	}
	s.render(w, r, http.StatusOK, "plan", p)
	return nil
}

// setPlanItem saves an item's owner and due date from the plan page.
func (s *Server) setPlanItem(w http.ResponseWriter, r *http.Request) error {
	if s.plan == nil {
		return vigil.Errorf(vigil.EUNAVAILABLE, "the remediation plan is not available")
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return vigil.Errorf(vigil.ENOTFOUND, "no such plan item")
	}
	cur, err := s.db.FindPlanItem(r.Context(), id)
	if err != nil {
		return err
	}
	actor := userFrom(r.Context())
	if owner := strings.TrimSpace(r.PostFormValue("owner")); owner != "" && owner != cur.Owner {
		if _, err := s.plan.SetOwner(r.Context(), actor, id, owner); err != nil {
			return err
		}
	}
	if due := strings.TrimSpace(r.PostFormValue("due")); due != "" && due != cur.Due.Format(dateLayout) {
		t, err := parseDay("due date", due)
		if err != nil {
			return err
		}
		if _, err := s.plan.SetDue(r.Context(), actor, id, t); err != nil {
			return err
		}
	}
	s.redirectFlash(w, r, "/plan", flashPlanItem, []int{int(id)})
	return nil
}
