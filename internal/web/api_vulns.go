package web

import (
	"bytes"
	"io"
	"net/http"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/exposure"
)

func (s *Server) apiVulns(w http.ResponseWriter, r *http.Request) error {
	f, p, err := vulnFilter(r)
	if err != nil {
		return err
	}
	vs, total, err := s.findVulns(r, f, p)
	if err != nil {
		return err
	}
	if p.Format != "" {
		return export(w, p.Format, "vulnerabilities", vs, vulnColumns)
	}
	writeList(w, "vulnerabilities", vs, total, p, nil)
	return nil
}

func (s *Server) apiVuln(w http.ResponseWriter, r *http.Request) error {
	v, err := s.db.FindVulnerability(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	ms, err := s.db.FindMatches(r.Context(), vigil.MatchFilter{VulnID: v.ID})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"vulnerability": v, "matches": nonNil(ms)})
	return nil
}

func (s *Server) apiAdvisories(w http.ResponseWriter, r *http.Request) error {
	as, p, err := s.advisoryRows(r)
	if err != nil {
		return err
	}
	if p.Format != "" {
		return export(w, p.Format, "advisories", as, advisoryColumns)
	}
	writeList(w, "advisories", pageRows(as, p), len(as), p, nil)
	return nil
}

func (s *Server) apiAdvisory(w http.ResponseWriter, r *http.Request) error {
	a, err := s.db.FindAdvisory(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	ms, err := s.db.FindMatches(r.Context(), vigil.MatchFilter{AdvisoryID: a.ID})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"advisory": a, "matches": nonNil(ms)})
	return nil
}

func (s *Server) apiDeviceVulns(w http.ResponseWriter, r *http.Request) error {
	d, err := s.pathDevice(r)
	if err != nil {
		return err
	}
	p, err := readRows[vigil.VulnMatch](r, maxLimit, nil)
	if err != nil {
		return err
	}
	ms, err := s.db.FindMatches(r.Context(), vigil.MatchFilter{DeviceID: d.ID})
	if err != nil {
		return err
	}
	writeRows(w, "matches", ms, p, nil, nil)
	return nil
}

func (s *Server) apiDeviceRisk(w http.ResponseWriter, r *http.Request) error {
	d, err := s.pathDevice(r)
	if err != nil {
		return err
	}
	as, err := s.exp.AssessRisk(r.Context(), vigil.RiskFilter{DeviceID: d.ID})
	if err != nil {
		return err
	}
	if len(as) == 0 {
		writeJSON(w, http.StatusOK, map[string]any{"assessment": nil})
		return nil
	}
	writeJSON(w, http.StatusOK, map[string]any{"assessment": as[0]})
	return nil
}

// apiFeedUpload imports one feed or SBOM file sent as the request body:
// POST /api/v1/feeds?filename=F.
func (s *Server) apiFeedUpload(w http.ResponseWriter, r *http.Request) error {
	name := r.URL.Query().Get("filename")
	if name == "" {
		return vigil.Errorf(vigil.EINVALID, "filename is a required query parameter")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<30))
	if err != nil {
		return vigil.Errorf(vigil.EINVALID, "the upload is too large or was cut off")
	}
	ff, err := exposure.ReadFeedFile(r.Context(), name, bytes.NewReader(body))
	if err != nil {
		return err
	}
	res, err := s.exp.ImportFeeds(r.Context(), userFrom(r.Context()), []exposure.FeedFile{ff})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}
