package web

import (
	"cmp"
	"net/http"
	"strconv"
	"strings"

	vigil "github.com/vigil-health/vigil"
)

const pageSize = 50

// deviceFilter reads the list filters from the query string, with the
// paging, sorting and export asked for; f holds the page (Limit, Offset).
func deviceFilter(r *http.Request) (vigil.DeviceFilter, listParams, error) {
	q := r.URL.Query()
	f := vigil.DeviceFilter{Query: strings.TrimSpace(q.Get("q")), DeviceType: q.Get("type"), Criticality: vigil.Criticality(q.Get("criticality")),
		Source: q.Get("source"), Discrepancy: vigil.DiscrepancyKind(q.Get("discrepancy"))}
	if v := q.Get("site"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return f, listParams{}, vigil.Errorf(vigil.EINVALID, "site must be a site id")
		}
		f.SiteID = &id
	}
	if v := q.Get("ephi"); v != "" {
		b := v == "true" || v == "1" || v == "yes"
		f.EPHI = &b
	}
	asOf, err := asOfParam(q)
	if err != nil {
		return f, listParams{}, err
	}
	f.AsOf = asOf
	p, err := readList(q, pageSize, deviceColumns)
	if err != nil {
		return f, p, err
	}
	f.Limit, f.Offset = p.Limit, p.Offset()
	return f, p, nil
}

// deviceRow is a device with its site's name, as the list shows it.
type deviceRow struct {
	*vigil.Device
	Site string
}

func (d deviceRow) tag() string { return cmp.Or(d.AssetTag, d.Label()) }

func deviceText(f func(*vigil.Device) string) func(deviceRow) string {
	return func(d deviceRow) string { return f(d.Device) }
}

// deviceColumns are the device list's columns.
var deviceColumns = []column[deviceRow]{
	{Key: "asset_tag", Title: "Asset tag", Text: deviceRow.tag, Cmp: byString(deviceRow.tag)},
	{Key: "type", Title: "Type", Text: deviceText(func(d *vigil.Device) string { return d.DeviceType }), Cmp: byString(deviceText(func(d *vigil.Device) string { return d.DeviceType }))},
	{Key: "manufacturer", Title: "Manufacturer", Text: deviceText(func(d *vigil.Device) string { return d.Manufacturer }), Cmp: byString(deviceText(func(d *vigil.Device) string { return d.Manufacturer }))},
	{Key: "model", Title: "Model", Text: deviceText(func(d *vigil.Device) string { return d.Model }), Cmp: byString(deviceText(func(d *vigil.Device) string { return d.Model }))},
	{Key: "firmware", Title: "Firmware", Text: deviceText(func(d *vigil.Device) string { return d.Firmware }), Cmp: byString(deviceText(func(d *vigil.Device) string { return d.Firmware }))},
	{Key: "mac", Title: "MAC", Text: deviceText(func(d *vigil.Device) string { return d.MAC }), Cmp: byString(deviceText(func(d *vigil.Device) string { return d.MAC }))},
	{Key: "ip", Title: "IP", Text: deviceText(func(d *vigil.Device) string { return d.IP }), Cmp: byString(deviceText(func(d *vigil.Device) string { return d.IP }))},
	{Key: "site", Title: "Site", Text: func(d deviceRow) string { return d.Site }, Cmp: byString(func(d deviceRow) string { return d.Site })},
	{Key: "criticality", Title: "Criticality", Text: deviceText(func(d *vigil.Device) string { return string(d.Criticality) }),
		Cmp: byNum(func(d deviceRow) int { return d.Criticality.Rank() })},
	{Key: "ephi", Title: "ePHI", Text: func(d deviceRow) string {
		if d.HasEPHI() {
			return "yes"
		}
		return ""
	}, Cmp: byNum(func(d deviceRow) int { return b2i(d.HasEPHI()) })},
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// findDeviceRows returns the page of devices f and p ask for and the total:
// the store pages the list in its own order; another order or an export
// reads every device the filters select, sorts and pages here.
func (s *Server) findDeviceRows(r *http.Request, f vigil.DeviceFilter, p listParams) ([]deviceRow, int, error) {
	if p.whole() {
		f.Limit, f.Offset = 0, 0
	}
	devs, total, err := s.devices.FindDevices(r.Context(), f)
	if err != nil {
		return nil, 0, err
	}
	names, err := s.siteNames(r)
	if err != nil {
		return nil, 0, err
	}
	rows := make([]deviceRow, len(devs))
	for i, d := range devs {
		rows[i] = deviceRow{d, names[d.SiteID]}
	}
	if p.whole() {
		rows = wholeRows(rows, p, deviceColumns)
	}
	return rows, total, nil
}

type deviceListPage struct {
	pageBase
	Devices          []deviceRow
	List             listView
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
	AsOf             asOfForm
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
	f, lp, err := deviceFilter(r)
	if err != nil {
		return err
	}
	rows, total, err := s.findDeviceRows(r, f, lp)
	if err != nil {
		return err
	}
	if lp.Format != "" {
		return export(w, lp.Format, "devices", rows, deviceColumns)
	}
	counts, err := s.devices.CountDevices(r.Context(), nil)
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
	p := &deviceListPage{Sites: sites, SiteID: siteID, pageBase: pageBase{Title: "Devices", Nav: "devices"}, Devices: rows, List: newListView(r, lp, total, deviceColumns), Query: f.Query, Type: f.DeviceType,
		Criticality: string(f.Criticality), Source: f.Source, Discrepancy: string(f.Discrepancy), Criticalities: vigil.Criticalities,
		Sources: srcs, DiscrepancyKinds: vigil.DiscrepancyKinds,
		Types: sortedCounts(counts.ByType), AsOf: newAsOfForm(r, f.AsOf)}
	s.render(w, r, http.StatusOK, "devices", p)
	return nil
}
