package web

import (
	"net/http"
	"strconv"
	"strings"

	vigil "github.com/vigil-health/vigil"
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
	asOf, err := asOfParam(q)
	if err != nil {
		return f, 0, err
	}
	f.AsOf = asOf
	pg, limit, err := pageParams(q, pageSize)
	if err != nil {
		return f, 0, err
	}
	f.Limit, f.Offset = limit, (pg-1)*limit
	return f, pg, nil
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
	AsOf     asOfForm
}

func (s *Server) siteNames(r *http.Request) (map[int64]string, error) {
	sites, err := s.sites.FindSites(r.Context())
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
	devs, total, err := s.devices.FindDevices(r.Context(), f)
	if err != nil {
		return err
	}
	counts, err := s.devices.CountDevices(r.Context(), nil)
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
	sites, err := s.sites.FindSites(r.Context())
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
		Types: sortedCounts(counts.ByType), pager: pageLinks(r, pg, total, f.Limit), SiteName: names, AsOf: newAsOfForm(r, f.AsOf)}
	s.render(w, r, http.StatusOK, "devices", p)
	return nil
}
