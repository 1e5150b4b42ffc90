package web

import (
	"bytes"
	"io"
	"net/http"
	"strconv"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/feeds"
	"github.com/vigil-health/vigil/internal/risk"
	"github.com/vigil-health/vigil/internal/sbom"
	"github.com/vigil-health/vigil/internal/store"
)

func (s *Server) vulnRoutes() []route {
	return []route{
		{"GET", "/vulnerabilities", read, s.vulnsPage},
		{"GET", "/vulnerabilities/{id}", read, s.vulnPage},
		{"GET", "/advisories", read, s.advisoriesPage},
		{"GET", "/advisories/{id}", read, s.advisoryPage},
		{"GET", "/risk", read, s.riskPage},

		{"GET", "/api/v1/vulnerabilities", read, s.apiVulns},
		{"GET", "/api/v1/vulnerabilities/{id}", read, s.apiVuln},
		{"GET", "/api/v1/advisories", read, s.apiAdvisories},
		{"GET", "/api/v1/advisories/{id}", read, s.apiAdvisory},
		{"GET", "/api/v1/risk", read, s.apiRisk},
		{"GET", "/api/v1/devices/{id}/vulnerabilities", read, s.apiDeviceVulns},
		{"GET", "/api/v1/devices/{id}/risk", read, s.apiDeviceRisk},
		{"POST", "/api/v1/feeds", need(vigil.PermComplianceWrite), s.apiFeedUpload},
	}
}

func vulnFilter(r *http.Request) store.VulnFilter {
	q := r.URL.Query()
	f := store.VulnFilter{Query: q.Get("q"), KEV: q.Get("kev") == "1" || q.Get("kev") == "true",
		Affecting: q.Get("affecting") == "1" || q.Get("affecting") == "true", Limit: 200}
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 && n <= 5000 {
		f.Limit = n
	}
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	return f
}

type vulnsPage struct {
	pageBase
	Vulns []*store.VulnSummary
	Total int
	F     store.VulnFilter
}

func (s *Server) vulnsPage(w http.ResponseWriter, r *http.Request) error {
	f := vulnFilter(r)
	vs, total, err := s.db.FindVulnerabilities(r.Context(), f)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "vulns", &vulnsPage{pageBase: pageBase{Title: "Vulnerabilities", Nav: "vulns"}, Vulns: vs, Total: total, F: f})
	return nil
}

// matchRow is a match with its device, for pages.
type matchRow struct {
	vigil.VulnMatch
	Device *vigil.Device
}

// findMatchRows reads the matches a filter selects, each with its device.
func (s *Server) findMatchRows(r *http.Request, f store.MatchFilter) ([]matchRow, error) {
	ms, err := s.db.FindMatches(r.Context(), f)
	if err != nil {
		return nil, err
	}
	out := make([]matchRow, 0, len(ms))
	for _, m := range ms {
		d, err := s.db.FindDeviceByID(r.Context(), m.DeviceID)
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
	rows, err := s.findMatchRows(r, store.MatchFilter{VulnID: v.ID})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "vuln", &vulnPage{pageBase: pageBase{Title: v.ID, Nav: "vulns"}, Vuln: v, Matches: rows})
	return nil
}

type advisoriesPage struct {
	pageBase
	Advisories []*store.AdvisorySummary
}

func (s *Server) advisoriesPage(w http.ResponseWriter, r *http.Request) error {
	as, err := s.db.FindAdvisories(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "advisories", &advisoriesPage{pageBase: pageBase{Title: "Advisories", Nav: "vulns"}, Advisories: as})
	return nil
}

type advisoryPage struct {
	pageBase
	Advisory *vigil.Advisory
	Matches  []matchRow
}

func (s *Server) advisoryPage(w http.ResponseWriter, r *http.Request) error {
	a, err := s.db.FindAdvisory(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	rows, err := s.findMatchRows(r, store.MatchFilter{AdvisoryID: a.ID})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "advisory", &advisoryPage{pageBase: pageBase{Title: a.ID, Nav: "vulns"}, Advisory: a, Matches: rows})
	return nil
}

func riskFilter(r *http.Request) store.RiskFilter {
	q := r.URL.Query()
	f := store.RiskFilter{DeviceType: q.Get("type")}
	f.SiteID, _ = strconv.ParseInt(q.Get("site"), 10, 64)
	return f
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
}

func (s *Server) riskPage(w http.ResponseWriter, r *http.Request) error {
	f := riskFilter(r)
	as, err := s.db.AssessRisk(r.Context(), f)
	if err != nil {
		return err
	}
	if len(as) > 500 {
		as = as[:500]
	}
	rows := make([]riskRow, 0, len(as))
	for _, a := range as {
		d, err := s.db.FindDeviceByID(r.Context(), a.DeviceID)
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
	s.render(w, r, http.StatusOK, "risk", &riskPage{pageBase: pageBase{Title: "Risk worklist", Nav: "risk"}, Rows: rows, Type: f.DeviceType})
	return nil
}

func (s *Server) apiVulns(w http.ResponseWriter, r *http.Request) error {
	vs, total, err := s.db.FindVulnerabilities(r.Context(), vulnFilter(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"vulnerabilities": nonNil(vs), "total": total})
	return nil
}

func (s *Server) apiVuln(w http.ResponseWriter, r *http.Request) error {
	v, err := s.db.FindVulnerability(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	ms, err := s.db.FindMatches(r.Context(), store.MatchFilter{VulnID: v.ID})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"vulnerability": v, "matches": nonNil(ms)})
	return nil
}

func (s *Server) apiAdvisories(w http.ResponseWriter, r *http.Request) error {
	as, err := s.db.FindAdvisories(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"advisories": nonNil(as)})
	return nil
}

func (s *Server) apiAdvisory(w http.ResponseWriter, r *http.Request) error {
	a, err := s.db.FindAdvisory(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	ms, err := s.db.FindMatches(r.Context(), store.MatchFilter{AdvisoryID: a.ID})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"advisory": a, "matches": nonNil(ms)})
	return nil
}

func (s *Server) apiRisk(w http.ResponseWriter, r *http.Request) error {
	as, err := s.db.AssessRisk(r.Context(), riskFilter(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"worklist": nonNil(as)})
	return nil
}

func (s *Server) apiDeviceVulns(w http.ResponseWriter, r *http.Request) error {
	d, err := s.pathDevice(r)
	if err != nil {
		return err
	}
	ms, err := s.db.FindMatches(r.Context(), store.MatchFilter{DeviceID: d.ID})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"matches": nonNil(ms)})
	return nil
}

func (s *Server) apiDeviceRisk(w http.ResponseWriter, r *http.Request) error {
	d, err := s.pathDevice(r)
	if err != nil {
		return err
	}
	as, err := s.db.AssessRisk(r.Context(), store.RiskFilter{DeviceID: d.ID})
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
	ff := store.FeedFile{Name: name}
	if sbom.Detect(body[:min(len(body), 64<<10)]) != sbom.FormatUnknown {
		if ff.SBOM, err = sbom.Parse(r.Context(), name, bytes.NewReader(body)); err != nil {
			return vigil.WrapError(vigil.EINVALID, err.Error(), err)
		}
	} else if ff.Batch, err = feeds.Parse(r.Context(), name, bytes.NewReader(body)); err != nil {
		return vigil.WrapError(vigil.EINVALID, err.Error(), err)
	}
	res, err := s.db.ImportFeeds(r.Context(), userFrom(r.Context()), []store.FeedFile{ff})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}
