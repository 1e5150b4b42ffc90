package web

import (
	"net/http"
	"sort"

	vigil "github.com/vigil-health/vigil"
)

type countRow struct {
	Name  string
	Count int
}

type dashboardPage struct {
	pageBase
	Counts        *vigil.DeviceCounts
	ByType        []countRow
	BySite        []countRow
	ByCriticality []countRow
	Sources       []*vigil.Source
	Frameworks    []standing // every framework's latest run
	Agreements    agreementsPanel
	Charts        *dashboardCharts
}

// sortedCounts orders a count map by count, then name.
func sortedCounts(m map[string]int) []countRow {
	out := make([]countRow, 0, len(m))
	for k, v := range m {
		out = append(out, countRow{k, v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Name < out[j].Name
	})
	return out
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) error {
	c, err := s.devices.CountDevices(r.Context(), nil)
	if err != nil {
		return err
	}
	srcs, err := s.db.FindSources(r.Context())
	if err != nil {
		return err
	}
	sts, err := s.standings(r.Context(), 1)
	if err != nil {
		return err
	}
	ag, err := s.agreements(r)
	if err != nil {
		return err
	}
	charts, err := s.dashboardCharts(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "dashboard", &dashboardPage{Charts: charts, Agreements: ag, pageBase: pageBase{Title: "Dashboard", Nav: "dashboard"}, Counts: c, Frameworks: sts,
		ByType: sortedCounts(c.ByType), BySite: sortedCounts(c.BySite), ByCriticality: sortedCounts(c.ByCriticality), Sources: srcs})
	return nil
}
