package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/risk"
	"github.com/vigil-health/vigil/internal/store"
)

const pageSize = 50

// deviceFilter reads the list filters from the query string.
func deviceFilter(r *http.Request) (vigil.DeviceFilter, int, error) {
	q := r.URL.Query()
	f := vigil.DeviceFilter{Query: strings.TrimSpace(q.Get("q")), DeviceType: q.Get("type"), Criticality: vigil.Criticality(q.Get("criticality")),
		Source: q.Get("source"), Discrepancy: vigil.DiscrepancyKind(q.Get("discrepancy"))}
	if v := q.Get("site"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return f, 0, vigil.Errorf(vigil.EINVALID, "site must be a site id")
		}
		f.SiteID = &id
	}
	if v := q.Get("ephi"); v != "" {
		b := v == "true" || v == "1" || v == "yes"
		f.EPHI = &b
	}
	if v := q.Get("as_of"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			if t, err = time.Parse("2006-01-02", v); err != nil {
				return f, 0, vigil.Errorf(vigil.EINVALID, "as_of must be a date (2006-01-02) or an RFC 3339 time")
			}
			t = t.Add(24*time.Hour - time.Nanosecond)
		}
		f.AsOf = &t
	}
	pg, limit, err := pageParams(q, pageSize)
	if err != nil {
		return f, 0, err
	}
	f.Limit, f.Offset = limit, (pg-1)*limit
	return f, pg, nil
}

// pageParams reads ?page= (from 1) and ?limit= (1-1000, else size).
func pageParams(q url.Values, size int) (page, limit int, err error) {
	page, limit = 1, size
	if v := q.Get("page"); v != "" {
		if page, err = strconv.Atoi(v); err != nil || page < 1 {
			return 0, 0, vigil.Errorf(vigil.EINVALID, "page must be a positive number")
		}
	}
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > 1000 {
			return 0, 0, vigil.Errorf(vigil.EINVALID, "limit must be 1-1000")
		}
	}
	return page, limit, nil
}

// pager is where a paged list is and the links to its neighbours.
type pager struct {
	Page, Pages      int
	PrevURL, NextURL string
}

// pageLinks returns the pager of page pg of total items, size a page, its
// links being r's URL with another page number.
func pageLinks(r *http.Request, pg, total, size int) pager {
	p := pager{Page: pg, Pages: max(1, (total+size-1)/size)}
	link := func(n int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return r.URL.Path + "?" + q.Encode()
	}
	if pg > 1 {
		p.PrevURL = link(pg - 1)
	}
	if pg < p.Pages {
		p.NextURL = link(pg + 1)
	}
	return p
}

type deviceListPage struct {
	pageBase
	Devices          []*vigil.Device
	Total            int
	Query            string
	Type             string
	Criticality      string
	Source           string
	Discrepancy      string
	Criticalities    []vigil.Criticality
	Sites            []*vigil.Site
	SiteID           int64
	Sources          []*vigil.Source
	DiscrepancyKinds []vigil.DiscrepancyKind
	Types            []countRow
	pager
	SiteName map[int64]string
}

func (s *Server) siteNames(r *http.Request) (map[int64]string, error) {
	sites, err := s.db.FindSites(r.Context())
	if err != nil {
		return nil, err
	}
	m := map[int64]string{}
	for _, st := range sites {
		m[st.ID] = st.Name
	}
	return m, nil
}

func (s *Server) deviceList(w http.ResponseWriter, r *http.Request) error {
	f, pg, err := deviceFilter(r)
	if err != nil {
		return err
	}
	devs, total, err := s.db.FindDevices(r.Context(), f)
	if err != nil {
		return err
	}
	counts, err := s.db.CountDevices(r.Context(), nil)
	if err != nil {
		return err
	}
	names, err := s.siteNames(r)
	if err != nil {
		return err
	}
	srcs, err := s.db.FindSources(r.Context())
	if err != nil {
		return err
	}
	sites, err := s.db.FindSites(r.Context())
	if err != nil {
		return err
	}
	var siteID int64
	if f.SiteID != nil {
		siteID = *f.SiteID
	}
	p := &deviceListPage{Sites: sites, SiteID: siteID, pageBase: pageBase{Title: "Devices", Nav: "devices"}, Devices: devs, Total: total, Query: f.Query, Type: f.DeviceType,
		Criticality: string(f.Criticality), Source: f.Source, Discrepancy: string(f.Discrepancy), Criticalities: vigil.Criticalities,
		Sources: srcs, DiscrepancyKinds: vigil.DiscrepancyKinds,
		Types: sortedCounts(counts.ByType), pager: pageLinks(r, pg, total, f.Limit), SiteName: names}
	s.render(w, r, http.StatusOK, "devices", p)
	return nil
}

// sitePath names a site by its path below its hospital, e.g. "Main Tower
// › 3 › Surgical Services › OR 11"; "" for 0.
func (s *Server) sitePath(r *http.Request, id int64) (string, error) {
	if id == 0 {
		return "", nil
	}
	sites, err := s.db.FindSites(r.Context())
	if err != nil {
		return "", err
	}
	byID := make(map[int64]*vigil.Site, len(sites))
	for _, st := range sites {
		byID[st.ID] = st
	}
	var parts []string
	for st := byID[id]; st != nil && st.Kind != vigil.SiteHospital && len(parts) < 8; st = byID[st.ParentID] {
		parts = append([]string{st.Name}, parts...)
	}
	return strings.Join(parts, " › "), nil
}

// pathDevice returns the live or removed device the path's {id} names.
func (s *Server) pathDevice(r *http.Request) (*vigil.Device, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	return s.db.FindDeviceByID(r.Context(), id)
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, vigil.Errorf(vigil.ENOTFOUND, "no such device")
	}
	return id, nil
}

type devicePage struct {
	pageBase
	Device        *vigil.Device
	SiteName      string
	Place         string // the site path: building › floor › department › room
	Provenance    *store.DeviceProvenance
	Network       *store.NetworkView
	Risk          *risk.Assessment
	SBOM          *vigil.SBOM
	Discrepancies []*store.Discrepancy
	FieldNames    []string
	Facts         []*vigil.Fact
	History       []store.DeviceVersion
	Audit         []*vigil.AuditEvent
}

func (s *Server) devicePage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	d, err := s.db.FindDeviceByID(r.Context(), id)
	if err != nil {
		return err
	}
	facts, err := s.db.DeviceFacts(r.Context(), id)
	if err != nil {
		return err
	}
	hist, err := s.db.DeviceHistory(r.Context(), id)
	if err != nil {
		return err
	}
	audit, err := s.db.FindAuditEvents(r.Context(), vigil.AuditFilter{ObjectType: "device", ObjectID: strconv.FormatInt(id, 10), Limit: 50})
	if err != nil {
		return err
	}
	names, err := s.siteNames(r)
	if err != nil {
		return err
	}
	place, err := s.sitePath(r, d.PlaceID)
	if err != nil {
		return err
	}
	prov, err := s.db.FindDeviceProvenance(r.Context(), id)
	if err != nil {
		return err
	}
	disc, err := s.db.FindDiscrepancies(r.Context(), store.DiscrepancyFilter{DeviceID: id, All: true})
	if err != nil {
		return err
	}
	nv, err := s.db.FindNetworkView(r.Context(), d)
	if err != nil {
		return err
	}
	as, err := s.db.AssessRisk(r.Context(), store.RiskFilter{DeviceID: id})
	if err != nil {
		return err
	}
	var ra *risk.Assessment
	if len(as) > 0 {
		ra = &as[0]
	}
	sb, err := s.db.FindSBOM(r.Context(), d)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "device", &devicePage{pageBase: pageBase{Title: d.Label(), Nav: "devices"}, Device: d, SiteName: names[d.SiteID], Place: place,
		Provenance: prov, Network: nv, Risk: ra, SBOM: sb, Discrepancies: disc, FieldNames: vigil.Fields, Facts: facts, History: hist, Audit: audit})
	return nil
}
