package web

import (
	"net/http"

	vigil "github.com/vigil-health/vigil"
)

// matchRow is a match with its device, for pages.
type matchRow struct {
	vigil.VulnMatch
	Device *vigil.Device
}

// findMatchRows reads the matches a filter selects, each with its device.
func (s *Server) findMatchRows(r *http.Request, f vigil.MatchFilter) ([]matchRow, error) {
	ms, err := s.db.FindMatches(r.Context(), f)
	if err != nil {
		return nil, err
	}
	out := make([]matchRow, 0, len(ms))
	for _, m := range ms {
		d, err := s.devices.FindDeviceByID(r.Context(), m.DeviceID)
		if err != nil {
			return nil, err
		}
		out = append(out, matchRow{m, d})
	}
	return out, nil
}

type vulnPage struct {
	pageBase
	Vuln    *vigil.Vulnerability
	Matches []matchRow
}

func (s *Server) vulnPage(w http.ResponseWriter, r *http.Request) error {
	v, err := s.db.FindVulnerability(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	rows, err := s.findMatchRows(r, vigil.MatchFilter{VulnID: v.ID})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "vuln", &vulnPage{pageBase: pageBase{Title: v.ID, Nav: "vulns"}, Vuln: v, Matches: rows})
	return nil
}
