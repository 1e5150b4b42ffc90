package web

import (
	"net/http"
	"strconv"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/risk"
)

// riskFilter reads the worklist's filters; ?as_of= assesses the matches
// open then.
func riskFilter(r *http.Request) (vigil.RiskFilter, error) {
	q := r.URL.Query()
	f := vigil.RiskFilter{DeviceType: q.Get("type")}
	f.SiteID, _ = strconv.ParseInt(q.Get("site"), 10, 64)
	at, err := asOfParam(q)
	f.At = at
	return f, err
}

type riskRow struct {
	risk.Assessment
	Device *vigil.Device
	Open   int
}

type riskPage struct {
	pageBase
	Rows []riskRow
	Type string
	AsOf asOfForm
}

func (s *Server) riskPage(w http.ResponseWriter, r *http.Request) error {
	f, err := riskFilter(r)
	if err != nil {
		return err
	}
	as, err := s.exp.AssessRisk(r.Context(), f)
	if err != nil {
		return err
	}
	if len(as) > 500 {
		as = as[:500]
	}
	rows := make([]riskRow, 0, len(as))
	for _, a := range as {
		d, err := s.devices.FindDeviceByID(r.Context(), a.DeviceID)
		if err != nil {
			return err
		}
		open := 0
		for _, v := range a.Vulns {
			if v.Status == vigil.StatusAffected && !v.Remediated {
				open++
			}
		}
		rows = append(rows, riskRow{a, d, open})
	}
	s.render(w, r, http.StatusOK, "risk", &riskPage{pageBase: pageBase{Title: "Risk worklist", Nav: "risk"}, Rows: rows, Type: f.DeviceType, AsOf: newAsOfForm(r, f.At)})
	return nil
}
