package web

import (
	"net/http"

	vigil "github.com/vigil-health/vigil"
)

func (s *Server) apiSegments(w http.ResponseWriter, r *http.Request) error {
	p, err := readRows[*vigil.SegmentFlow](r, maxLimit, nil)
	if err != nil {
		return err
	}
	segs, err := s.db.FindSegmentFlows(r.Context())
	if err != nil {
		return err
	}
	writeRows(w, "segments", segs, p, nil, nil)
	return nil
}

func (s *Server) apiFindings(w http.ResponseWriter, r *http.Request) error {
	p, err := readRows[*vigil.DeviceFinding](r, maxLimit, nil)
	if err != nil {
		return err
	}
	fs, err := s.db.FindNetworkFindings(r.Context(), r.URL.Query().Get("code"))
	if err != nil {
		return err
	}
	writeRows(w, "findings", fs, p, nil, nil)
	return nil
}

func (s *Server) apiRuns(w http.ResponseWriter, r *http.Request) error {
	// Newest first; a page of 100 by default, as the list was before it
	// was paged.
	p, err := readRows[map[string]any](r, 100, nil)
	if err != nil {
		return err
	}
	runs, err := s.db.FindDiscoveryRuns(r.Context(), 0)
	if err != nil {
		return err
	}
	writeRows(w, "runs", runs, p, nil, nil)
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
