package web

import (
	"net/http"

	vigil "github.com/vigil-health/vigil"
)

type networkPage struct {
	pageBase
	Segments []*vigil.SegmentFlow
	Findings []*vigil.DeviceFinding
	Runs     []map[string]any
	Code     string
	AsOf     asOfForm
}

func (s *Server) networkPage(w http.ResponseWriter, r *http.Request) error {
	segs, err := s.db.FindSegmentFlows(r.Context())
	if err != nil {
		return err
	}
	code := r.URL.Query().Get("code")
	at, err := asOfParam(r.URL.Query())
	if err != nil {
		return err
	}
	var fs []*vigil.DeviceFinding
	if at != nil {
		// The findings in force then; the conversations and runs below are
		// every one recorded.
		fs, err = s.db.FindNetworkFindingsAt(r.Context(), code, *at)
	} else {
		fs, err = s.db.FindNetworkFindings(r.Context(), code)
	}
	if err != nil {
		return err
	}
	runs, err := s.db.FindDiscoveryRuns(r.Context(), 10)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "network", &networkPage{pageBase: pageBase{Title: "Network", Nav: "network"}, Segments: segs, Findings: fs, Runs: runs, Code: code, AsOf: newAsOfForm(r, at)})
	return nil
}
