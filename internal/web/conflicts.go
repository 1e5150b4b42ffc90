package web

import (
	"net/http"

	vigil "github.com/vigil-health/vigil"
)

type conflictsPage struct {
	pageBase
	Items []*vigil.QueuedConflict
}

func (s *Server) conflictsPage(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.db.FindConflicts(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "conflicts", &conflictsPage{pageBase: pageBase{Title: "Identity conflicts", Nav: "discrepancies"}, Items: cs})
	return nil
}

func (s *Server) decideConflict(w http.ResponseWriter, r *http.Request) error {
	same := r.PostFormValue("decision") == "same"
	if !same && r.PostFormValue("decision") != "different" {
		return vigil.Errorf(vigil.EINVALID, "choose same or different")
	}
	if _, err := s.inv.DecideIdentity(r.Context(), userFrom(r.Context()), r.PostFormValue("a"), r.PostFormValue("b"), same, r.PostFormValue("note")); err != nil {
		return err
	}
	http.Redirect(w, r, "/conflicts", http.StatusSeeOther)
	return nil
}
