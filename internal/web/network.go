package web

import (
	"net/http"

	"github.com/vigil-health/vigil/internal/store"
)

func (s *Server) networkRoutes() []route {
	return []route{
		{"GET", "/network", read, s.networkPage},
		{"GET", "/api/v1/network/segments", read, s.apiSegments},
		{"GET", "/api/v1/network/findings", read, s.apiFindings},
		{"GET", "/api/v1/network/runs", read, s.apiRuns},
		{"GET", "/api/v1/devices/{id}/network", read, s.apiDeviceNetwork},
	}
}

type networkPage struct {
	pageBase
	Segments []*store.SegmentFlow
	Findings []*store.NetworkFinding
	Runs     []map[string]any
	Code     string
}

func (s *Server) networkPage(w http.ResponseWriter, r *http.Request) error {
	segs, err := s.db.FindSegmentFlows(r.Context())
	if err != nil {
		return err
	}
	code := r.URL.Query().Get("code")
	fs, err := s.db.FindNetworkFindings(r.Context(), code)
	if err != nil {
		return err
	}
	runs, err := s.db.FindDiscoveryRuns(r.Context(), 10)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "network", &networkPage{pageBase: pageBase{Title: "Network", Nav: "network"}, Segments: segs, Findings: fs, Runs: runs, Code: code})
	return nil
}

func (s *Server) apiSegments(w http.ResponseWriter, r *http.Request) error {
	segs, err := s.db.FindSegmentFlows(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"segments": nonNil(segs)})
	return nil
}

func (s *Server) apiFindings(w http.ResponseWriter, r *http.Request) error {
	fs, err := s.db.FindNetworkFindings(r.Context(), r.URL.Query().Get("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"findings": nonNil(fs)})
	return nil
}

func (s *Server) apiRuns(w http.ResponseWriter, r *http.Request) error {
	runs, err := s.db.FindDiscoveryRuns(r.Context(), 100)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"runs": nonNil(runs)})
	return nil
}

func (s *Server) apiDeviceNetwork(w http.ResponseWriter, r *http.Request) error {
	d, err := s.pathDevice(r)
	if err != nil {
		return err
	}
	v, err := s.db.FindNetworkView(r.Context(), d)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}
