package web

import "net/http"

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
