package web

import (
	"net/http"
	"strconv"
	"strings"

	vigil "github.com/vigil-health/vigil"
)

type advisoryRow = *vigil.AdvisorySummary

// advisoryColumns are the advisory list's columns.
var advisoryColumns = []column[advisoryRow]{
	{Key: "id", Title: "Id", Text: func(a advisoryRow) string { return a.ID }, Cmp: byString(func(a advisoryRow) string { return a.ID })},
	{Key: "released", Title: "Released", Text: func(a advisoryRow) string { return a.Released.UTC().Format("2006-01-02") },
		Cmp: func(x, y advisoryRow) int { return x.Released.Compare(y.Released) }},
	{Key: "publisher", Title: "Publisher", Text: func(a advisoryRow) string { return a.Publisher }, Cmp: byString(func(a advisoryRow) string { return a.Publisher })},
	{Key: "title", Title: "Title", Text: func(a advisoryRow) string { return a.Title }, Cmp: byString(func(a advisoryRow) string { return a.Title })},
	{Key: "cves", Title: "CVEs", Text: func(a advisoryRow) string { return strings.Join(a.CVEs, " ") }},
	{Key: "devices", Title: "Devices", Num: true, Text: func(a advisoryRow) string { return strconv.Itoa(a.Devices) }, Cmp: byNum(func(a advisoryRow) int { return a.Devices })},
}

// advisoryRows reads the advisories, sorted as r asks.
func (s *Server) advisoryRows(r *http.Request) ([]advisoryRow, listParams, error) {
	p, err := readList(r.URL.Query(), 100, advisoryColumns)
	if err != nil {
		return nil, p, err
	}
	as, err := s.db.FindAdvisories(r.Context())
	if err != nil {
		return nil, p, err
	}
	sortRows(as, p, advisoryColumns)
	if as == nil {
		as = []advisoryRow{}
	}
	return as, p, nil
}

type advisoriesPage struct {
	pageBase
	Advisories []*vigil.AdvisorySummary
	List       listView
}

func (s *Server) advisoriesPage(w http.ResponseWriter, r *http.Request) error {
	as, p, err := s.advisoryRows(r)
	if err != nil {
		return err
	}
	if p.Format != "" {
		return export(w, p.Format, "advisories", as, advisoryColumns)
	}
	s.render(w, r, http.StatusOK, "advisories", &advisoriesPage{pageBase: pageBase{Title: "Advisories", Nav: "advisories"},
		Advisories: pageRows(as, p), List: newListView(r, p, len(as), advisoryColumns)})
	return nil
}
