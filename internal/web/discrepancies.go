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
	Items  []discRow
	List   listView
	Total  int // of the kind shown, or of all
	Kind   string
	All    bool
	Sites  []*vigil.Site // the hospitals, to filter by
	SiteID int64
	Chips  []kindChip // every kind and all, with counts and links
	AckURL string     // the same list with acknowledged ones shown or hidden
	Bulk   bulkForm   // acknowledging the rows checked, with one note
}

// discRow is one discrepancy with its device named in context.
type discRow struct {
	*vigil.StoredDiscrepancy
	Dev     deviceRef
	Checked bool
}

// bulkForm is the form that acts on the rows checked on a page: where it
// comes back to, the rows checked, the note typed, and why it was refused.
type bulkForm struct {
	Back               string // the list's URL, to come back to
	SelectURL, NoneURL string // the same page with every row checked, with none
	Note, Error        string
	Checked            int
}

// kindChip links to one kind of discrepancy (all kinds when Kind is "").
type kindChip struct {
	Label, URL string
	On         bool
}

// discrepancyPageSize is how many discrepancies a page lists.
const discrepancyPageSize = 100

func (s *Server) discrepanciesPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderDiscrepancies(w, r, http.StatusOK, bulkForm{})
}

// renderDiscrepancies draws the list r asks for; a refused acknowledgement
// comes back here with its note, its rows still checked and the reason.
func (s *Server) renderDiscrepancies(w http.ResponseWriter, r *http.Request, status int, bulk bulkForm, checked ...string) error {
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
		q.Del("select")
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
	ids := make([]int64, len(items))
	for i, d := range items {
		ids[i] = d.Device.ID
	}
	names, err := s.deviceNamer(r.Context(), ids)
	if err != nil {
		return err
	}
	all := r.URL.Query().Get("select") == "page"
	rows := make([]discRow, len(items))
	for i, d := range items {
		rows[i] = discRow{StoredDiscrepancy: d, Dev: names.ref(d.Device.ID, discDevice(d)), Checked: d.Acked == nil && (all || slices.Contains(checked, d.Key))}
		if rows[i].Checked {
			bulk.Checked++
		}
	}
	bulk.Back = listBack(r)
	bulk.SelectURL, bulk.NoneURL = selectLinks(r)
	list := newListView(r, p, total, discrepancyColumns)
	if u := userFrom(r.Context()); u != nil && u.Role.Can(vigil.PermInventoryWrite) {
		list.Pick = bulk.SelectURL
	}
	s.render(w, r, status, "discrepancies", &discrepanciesPage{pageBase: pageBase{Title: "Discrepancies", Nav: "discrepancies"},
		Items: rows, List: list, Total: total, Kind: string(f.Kind), All: f.All, Bulk: bulk,
		Sites: hospitals, SiteID: f.SiteID, Chips: chips, AckURL: link(func(q url.Values) {
			if f.All {
				q.Del("all")
			} else {
				q.Set("all", "1")
			}
		})})
	return nil
}

// ackDiscrepancy acknowledges the discrepancies checked ("key", one or
// more) with the one note, through the inventory service, and goes back to
// the list it was sent from. An empty note, or no row checked, shows the
// list again with the reason and nothing changed.
func (s *Server) ackDiscrepancy(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return vigil.Errorf(vigil.EINVALID, "the form could not be read")
	}
	keys, note := r.PostForm["key"], r.PostFormValue("note")
	back := backTo(r.PostFormValue("back"), "/discrepancies")
	if kind := r.PostFormValue("kind"); kind != "" && r.PostFormValue("back") == "" {
		back = "/discrepancies?kind=" + url.QueryEscape(kind) // the older one-row form
	}
	n, err := s.inv.AckDiscrepancies(r.Context(), userFrom(r.Context()), keys, note)
	if vigil.ErrorCode(err) == vigil.EINVALID {
		lr, perr := listRequest(r, back)
		if perr != nil {
			return err
		}
		return s.renderDiscrepancies(w, lr, http.StatusBadRequest, bulkForm{Note: note, Error: vigil.ErrorMessage(err) + "; nothing was acknowledged."}, keys...)
	} else if err != nil {
		return err
	}
	s.redirectFlash(w, r, back, flashAcked, []int{n})
	return nil
}
