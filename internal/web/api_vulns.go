package web

import (
	"net/http"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
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
// POST /api/v1/feeds?filename=F. The body is parsed as it arrives, held to
// the server's import limits (vigil serve --max-*): nothing past a limit
// is read.
func (s *Server) apiFeedUpload(w http.ResponseWriter, r *http.Request) error {
	name := r.URL.Query().Get("filename")
	if name == "" {
		return vigil.Errorf(vigil.EINVALID, "filename is a required query parameter")
	}
	lim := s.cfg.ImportLimits.OrDefault()
	if r.ContentLength > lim.FileBytes {
		return bound.Over(name, "", bound.LimitFileBytes, lim.FileBytes, "a file of more than %s")
	}
	ff, err := exposure.ReadFeedFileLimits(r.Context(), name, r.Body, lim)
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
