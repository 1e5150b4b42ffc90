package web

import (
	"net/http"
	"strconv"

	vigil "github.com/vigil-health/vigil"
)

// vulnFilter reads the list's filters; ?as_of= lists the vulnerabilities
// matched to devices then.
func vulnFilter(r *http.Request) (vigil.VulnFilter, error) {
	q := r.URL.Query()
	f := vigil.VulnFilter{Query: q.Get("q"), KEV: q.Get("kev") == "1" || q.Get("kev") == "true",
		Affecting: q.Get("affecting") == "1" || q.Get("affecting") == "true", Limit: 200}
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 && n <= 5000 {
		f.Limit = n
	}
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	at, err := asOfParam(q)
	f.At = at
	return f, err
}

type vulnsPage struct {
	pageBase
	Vulns []*vigil.VulnSummary
	Total int
	F     vigil.VulnFilter
	AsOf  asOfForm
}

func (s *Server) vulnsPage(w http.ResponseWriter, r *http.Request) error {
	f, err := vulnFilter(r)
	if err != nil {
		return err
	}
	vs, total, err := s.db.FindVulnerabilities(r.Context(), f)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "vulns", &vulnsPage{pageBase: pageBase{Title: "Vulnerabilities", Nav: "vulns"}, Vulns: vs, Total: total, F: f, AsOf: newAsOfForm(r, f.At)})
	return nil
}
