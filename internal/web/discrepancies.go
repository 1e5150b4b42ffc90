package web

import (
	"cmp"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	vigil "github.com/vigil-health/vigil"
)

func discrepancyFilter(r *http.Request) (vigil.DiscrepancyFilter, error) {
	q := r.URL.Query()
	f := vigil.DiscrepancyFilter{Kind: vigil.DiscrepancyKind(q.Get("kind")), All: q.Get("all") == "1" || q.Get("all") == "true"}
	f.DeviceID, _ = strconv.ParseInt(q.Get("device"), 10, 64)
	if v := q.Get("site"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id < 1 {
			return f, vigil.Errorf(vigil.EINVALID, "site must be a site id")
		}
		f.SiteID = id
	}
	return f, nil
}

type discrepancyRow = *vigil.StoredDiscrepancy

func discDevice(d discrepancyRow) string {
	x := d.Device
	return cmp.Or(x.AssetTag, x.Hostname, x.Serial, x.MAC, x.IP)
}

// discrepancyColumns are the discrepancy list's columns.
var discrepancyColumns = []column[discrepancyRow]{
	{Key: "kind", Title: "Kind", Text: func(d discrepancyRow) string { return string(d.Kind) }, Cmp: byNum(func(d discrepancyRow) int { return d.Kind.Rank() })},
	{Key: "device", Title: "Device", Text: discDevice, Cmp: byString(discDevice)},
	{Key: "field", Title: "Field", Text: func(d discrepancyRow) string { return d.Field }, Cmp: byString(func(d discrepancyRow) string { return d.Field })},
	{Key: "values", Title: "What each source says", Text: func(d discrepancyRow) string {
		srcs := slices.Sorted(maps.Keys(d.Values))
		parts := make([]string, len(srcs))
		for i, src := range srcs {
			parts[i] = src + ": " + d.Values[src]
		}
		return strings.Join(parts, "; ")
	}},
	{Key: "detail", Title: "Detail", Text: func(d discrepancyRow) string { return d.Detail }},
	{Key: "acknowledged", Title: "Acknowledged", Text: func(d discrepancyRow) string {
		if d.Acked == nil {
			return ""
		}
		return d.Acked.Actor + ": " + d.Acked.Note
	}, Cmp: byNum(func(d discrepancyRow) int { return b2i(d.Acked != nil) })},
}

// findDiscrepancyRows returns the page (every row for an export) of the
// discrepancies f and p select: the store pages in its order, another
// order reads them whole.
func (s *Server) findDiscrepancyRows(r *http.Request, f vigil.DiscrepancyFilter, p listParams) ([]discrepancyRow, error) {
	f.Limit, f.Offset = p.Limit, p.Offset()
	if p.whole() {
		f.Limit, f.Offset = 0, 0
	}
	items, err := s.db.FindDiscrepancies(r.Context(), f)
	if err != nil {
		return nil, err
	}
	if p.whole() {
		items = wholeRows(items, p, discrepancyColumns)
	}
	if items == nil {
		items = []discrepancyRow{}
	}
	return items, nil
}

type discrepanciesPage struct {
	pageBase
	Items  []*vigil.StoredDiscrepancy
	List   listView
	Total  int // of the kind shown, or of all
	Kind   string
	All    bool
	Sites  []*vigil.Site // the hospitals, to filter by
	SiteID int64
	Chips  []kindChip // every kind and all, with counts and links
	AckURL string     // the same list with acknowledged ones shown or hidden
}

// kindChip links to one kind of discrepancy (all kinds when Kind is "").
type kindChip struct {
	Label, URL string
	On         bool
}

// discrepancyPageSize is how many discrepancies a page lists.
const discrepancyPageSize = 100

func (s *Server) discrepanciesPage(w http.ResponseWriter, r *http.Request) error {
	f, err := discrepancyFilter(r)
	if err != nil {
		return err
	}
	p, err := readList(r.URL.Query(), discrepancyPageSize, discrepancyColumns)
	if err != nil {
		return err
	}
	if p.Format != "" {
		items, err := s.findDiscrepancyRows(r, f, p)
		if err != nil {
			return err
		}
		return export(w, p.Format, "discrepancies", items, discrepancyColumns)
	}
	sites, err := s.sites.FindSites(r.Context())
	if err != nil {
		return err
	}
	var hospitals []*vigil.Site
	for _, st := range sites {
		if st.Kind == vigil.SiteHospital {
			hospitals = append(hospitals, st)
		}
	}
	// Links to other lists keep the filters but the page.
	link := func(set func(q url.Values)) string {
		q := r.URL.Query()
		q.Del("page")
		set(q)
		return "/discrepancies?" + q.Encode()
	}
	// The counts are per kind, whichever kind is shown.
	counts, err := s.db.CountDiscrepancies(r.Context(), vigil.DiscrepancyFilter{All: f.All, DeviceID: f.DeviceID, SiteID: f.SiteID})
	if err != nil {
		return err
	}
	total := counts[f.Kind]
	if f.Kind == "" {
		total = 0
		for _, n := range counts {
			total += n
		}
	}
	chips := []kindChip{{Label: "all", URL: link(func(q url.Values) { q.Del("kind") }), On: f.Kind == ""}}
	for _, k := range vigil.DiscrepancyKinds {
		chips = append(chips, kindChip{Label: fmt.Sprintf("%s (%d)", k, counts[k]), URL: link(func(q url.Values) { q.Set("kind", string(k)) }), On: f.Kind == k})
	}
	items, err := s.findDiscrepancyRows(r, f, p)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "discrepancies", &discrepanciesPage{pageBase: pageBase{Title: "Discrepancies", Nav: "discrepancies"},
		Items: items, List: newListView(r, p, total, discrepancyColumns), Total: total, Kind: string(f.Kind), All: f.All,
		Sites: hospitals, SiteID: f.SiteID, Chips: chips, AckURL: link(func(q url.Values) {
			if f.All {
				q.Del("all")
			} else {
				q.Set("all", "1")
			}
		})})
	return nil
}

func (s *Server) ackDiscrepancy(w http.ResponseWriter, r *http.Request) error {
	if err := s.db.AckDiscrepancy(r.Context(), userFrom(r.Context()), r.PostFormValue("key"), r.PostFormValue("note")); err != nil {
		return err
	}
	http.Redirect(w, r, "/discrepancies?kind="+r.PostFormValue("kind"), http.StatusSeeOther)
	return nil
}
