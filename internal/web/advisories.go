package web

import (
	"net/http"

	vigil "github.com/vigil-health/vigil"
)

type advisoriesPage struct {
	pageBase
	Advisories []*vigil.AdvisorySummary
}

func (s *Server) advisoriesPage(w http.ResponseWriter, r *http.Request) error {
	as, err := s.db.FindAdvisories(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "advisories", &advisoriesPage{pageBase: pageBase{Title: "Advisories", Nav: "vulns"}, Advisories: as})
	return nil
}
