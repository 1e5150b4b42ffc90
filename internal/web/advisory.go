package web

import (
	"net/http"

	vigil "github.com/vigil-health/vigil"
)

type advisoryPage struct {
	pageBase
	Advisory *vigil.Advisory
	Matches  []matchRow
}

func (s *Server) advisoryPage(w http.ResponseWriter, r *http.Request) error {
	a, err := s.db.FindAdvisory(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	rows, err := s.findMatchRows(r, vigil.MatchFilter{AdvisoryID: a.ID})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "advisory", &advisoryPage{pageBase: pageBase{Title: a.ID, Nav: "vulns"}, Advisory: a, Matches: rows})
	return nil
}
