package web

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/ingest"
	"github.com/vigil-health/vigil/internal/jsonout"
	"github.com/vigil-health/vigil/internal/reconcile"
	"github.com/vigil-health/vigil/internal/store"
)

// registerInventoryRoutes declares the reconciliation pages and API.
func (s *Server) inventoryRoutes() []route {
	return []route{
		{"GET", "/discrepancies", read, s.discrepanciesPage},
		{"POST", "/discrepancies/ack", need(vigil.PermInventoryWrite), s.ackDiscrepancy},
		{"GET", "/conflicts", read, s.conflictsPage},
		{"POST", "/conflicts/decide", need(vigil.PermInventoryWrite), s.decideConflict},
		{"GET", "/sources", read, s.sourcesPage},
		{"POST", "/sources/role", need(vigil.PermUsersAdmin), s.setSourceRole},
		{"POST", "/precedence", need(vigil.PermUsersAdmin), s.setPrecedence},
		{"POST", "/devices/{id}/fields", need(vigil.PermInventoryWrite), s.setDeviceField},

		{"GET", "/api/v1/discrepancies", read, s.apiDiscrepancies},
		{"POST", "/api/v1/discrepancies/ack", need(vigil.PermInventoryWrite), s.apiAckDiscrepancy},
		{"GET", "/api/v1/conflicts", read, s.apiConflicts},
		{"POST", "/api/v1/conflicts/decide", need(vigil.PermInventoryWrite), s.apiDecide},
		{"GET", "/api/v1/precedence", read, s.apiPrecedence},
		{"PUT", "/api/v1/precedence", need(vigil.PermUsersAdmin), s.apiSetPrecedence},
		{"GET", "/api/v1/devices/{id}/provenance", read, s.apiProvenance},
		{"POST", "/api/v1/devices/{id}/fields", need(vigil.PermInventoryWrite), s.apiSetField},
		{"POST", "/api/v1/import", need(vigil.PermInventoryWrite), s.apiImport},
	}
}

func discrepancyFilter(r *http.Request) (store.DiscrepancyFilter, error) {
	q := r.URL.Query()
	f := store.DiscrepancyFilter{Kind: vigil.DiscrepancyKind(q.Get("kind")), All: q.Get("all") == "1" || q.Get("all") == "true"}
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

type discrepanciesPage struct {
	pageBase
	Items  []*store.Discrepancy
	Total  int // of the kind shown, or of all
	Kind   string
	All    bool
	Sites  []*vigil.Site // the hospitals, to filter by
	SiteID int64
	Chips  []kindChip // every kind and all, with counts and links
	AckURL string     // the same list with acknowledged ones shown or hidden
	pager
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
	pg, limit, err := pageParams(r.URL.Query(), discrepancyPageSize)
	if err != nil {
		return err
	}
	sites, err := s.db.FindSites(r.Context())
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
	counts, err := s.db.CountDiscrepancies(r.Context(), store.DiscrepancyFilter{All: f.All, DeviceID: f.DeviceID, SiteID: f.SiteID})
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
	f.Limit, f.Offset = limit, (pg-1)*limit
	items, err := s.db.FindDiscrepancies(r.Context(), f)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "discrepancies", &discrepanciesPage{pageBase: pageBase{Title: "Discrepancies", Nav: "discrepancies"},
		Items: items, Total: total, Kind: string(f.Kind), All: f.All,
		Sites: hospitals, SiteID: f.SiteID, Chips: chips, AckURL: link(func(q url.Values) {
			if f.All {
				q.Del("all")
			} else {
				q.Set("all", "1")
			}
		}), pager: pageLinks(r, pg, total, limit)})
	return nil
}

func (s *Server) ackDiscrepancy(w http.ResponseWriter, r *http.Request) error {
	if err := s.db.AckDiscrepancy(r.Context(), userFrom(r.Context()), r.PostFormValue("key"), r.PostFormValue("note")); err != nil {
		return err
	}
	http.Redirect(w, r, "/discrepancies?kind="+r.PostFormValue("kind"), http.StatusSeeOther)
	return nil
}

type conflictsPage struct {
	pageBase
	Items []*store.Conflict
}

func (s *Server) conflictsPage(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.db.FindConflicts(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "conflicts", &conflictsPage{pageBase: pageBase{Title: "Identity conflicts", Nav: "discrepancies"}, Items: cs})
	return nil
}

func (s *Server) decideConflict(w http.ResponseWriter, r *http.Request) error {
	same := r.PostFormValue("decision") == "same"
	if !same && r.PostFormValue("decision") != "different" {
		return vigil.Errorf(vigil.EINVALID, "choose same or different")
	}
	if _, err := s.db.DecideIdentity(r.Context(), userFrom(r.Context()), r.PostFormValue("a"), r.PostFormValue("b"), same, r.PostFormValue("note")); err != nil {
		return err
	}
	http.Redirect(w, r, "/conflicts", http.StatusSeeOther)
	return nil
}

type sourcesPage struct {
	pageBase
	Sources    []*vigil.Source
	Roles      []reconcile.Role
	Precedence []precedenceRow
}

type precedenceRow struct {
	Field   string
	Entries string
}

func (s *Server) sourcesPage(w http.ResponseWriter, r *http.Request) error {
	srcs, err := s.db.FindSources(r.Context())
	if err != nil {
		return err
	}
	p, err := s.db.Precedence(r.Context())
	if err != nil {
		return err
	}
	var rows []precedenceRow
	for _, f := range vigil.Fields {
		if l, ok := p.Fields[f]; ok {
			rows = append(rows, precedenceRow{f, strings.Join(l, ", ")})
		}
	}
	rows = append(rows, precedenceRow{"default", strings.Join(p.Default, ", ")})
	s.render(w, r, http.StatusOK, "sources", &sourcesPage{pageBase: pageBase{Title: "Sources", Nav: "sources"}, Sources: srcs, Roles: reconcile.Roles, Precedence: rows})
	return nil
}

func (s *Server) setSourceRole(w http.ResponseWriter, r *http.Request) error {
	if err := s.db.SetSourceRole(r.Context(), userFrom(r.Context()), r.PostFormValue("source"), r.PostFormValue("role")); err != nil {
		return err
	}
	http.Redirect(w, r, "/sources", http.StatusSeeOther)
	return nil
}

// setPrecedence changes one field's list: "entries" is comma-separated.
func (s *Server) setPrecedence(w http.ResponseWriter, r *http.Request) error {
	p, err := s.db.Precedence(r.Context())
	if err != nil {
		return err
	}
	var entries []string
	for _, e := range strings.Split(r.PostFormValue("entries"), ",") {
		if e = strings.TrimSpace(e); e != "" {
			entries = append(entries, e)
		}
	}
	if len(entries) == 0 {
		return vigil.Errorf(vigil.EINVALID, "list at least one source, role, kind or 'newest'")
	}
	if f := r.PostFormValue("field"); f == "default" {
		p.Default = entries
	} else {
		if p.Fields == nil {
			p.Fields = map[string][]string{}
		}
		p.Fields[f] = entries
	}
	if err := s.db.SetPrecedence(r.Context(), userFrom(r.Context()), p); err != nil {
		return err
	}
	http.Redirect(w, r, "/sources", http.StatusSeeOther)
	return nil
}

func (s *Server) setDeviceField(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.db.SetDeviceField(r.Context(), userFrom(r.Context()), id, r.PostFormValue("field"), r.PostFormValue("value")); err != nil {
		return err
	}
	http.Redirect(w, r, "/devices/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// apiDiscrepancies lists the discrepancies, all of them unless ?page= or
// ?limit= asks for a page; "total" counts every one the filter selects.
func (s *Server) apiDiscrepancies(w http.ResponseWriter, r *http.Request) error {
	f, err := discrepancyFilter(r)
	if err != nil {
		return err
	}
	if q := r.URL.Query(); q.Has("page") || q.Has("limit") {
		pg, limit, err := pageParams(q, discrepancyPageSize)
		if err != nil {
			return err
		}
		f.Limit, f.Offset = limit, (pg-1)*limit
	}
	counts, err := s.db.CountDiscrepancies(r.Context(), store.DiscrepancyFilter{Kind: f.Kind, DeviceID: f.DeviceID, SiteID: f.SiteID, All: f.All})
	if err != nil {
		return err
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	type item struct {
		vigil.Discrepancy
		Key   string     `json:"key"`
		Acked *store.Ack `json:"acknowledged,omitempty"`
	}
	// Written as the discrepancies are read: the whole list of a large
	// inventory never sits in memory.
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	err = jsonout.Write(w, map[string]any{"total": total, "discrepancies": jsonout.Stream(func(add func(any) error) error {
		return s.db.ScanDiscrepancies(r.Context(), f, func(d *store.Discrepancy) error {
			return add(item{d.Discrepancy, d.Key, d.Acked})
		})
	})})
	if err != nil {
		// The status is sent: cut the response off so that the client
		// sees it fail rather than end.
		s.log.Warn("listing discrepancies", "err", err)
		panic(http.ErrAbortHandler)
	}
	return nil
}

func (s *Server) apiAckDiscrepancy(w http.ResponseWriter, r *http.Request) error {
	var in struct{ Key, Note string }
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.db.AckDiscrepancy(r.Context(), userFrom(r.Context()), in.Key, in.Note); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]bool{"acknowledged": true})
	return nil
}

func (s *Server) apiConflicts(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.db.FindConflicts(r.Context())
	if err != nil {
		return err
	}
	out := make([]reconcile.Conflict, len(cs))
	for i, c := range cs {
		out[i] = c.Conflict
	}
	writeJSON(w, http.StatusOK, map[string]any{"conflicts": out})
	return nil
}

func (s *Server) apiDecide(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		A, B string
		Same bool
		Note string
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	n, err := s.db.DecideIdentity(r.Context(), userFrom(r.Context()), in.A, in.B, in.Same, in.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]int{"devices": n})
	return nil
}

func (s *Server) apiPrecedence(w http.ResponseWriter, r *http.Request) error {
	p, err := s.db.Precedence(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiSetPrecedence(w http.ResponseWriter, r *http.Request) error {
	var p reconcile.Precedence
	if err := decodeJSON(r, &p); err != nil {
		return err
	}
	if err := s.db.SetPrecedence(r.Context(), userFrom(r.Context()), p); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiProvenance(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	p, err := s.db.FindDeviceProvenance(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *Server) apiSetField(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in struct{ Field, Value string }
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	if err := s.db.SetDeviceField(r.Context(), userFrom(r.Context()), id, in.Field, in.Value); err != nil {
		return err
	}
	d, err := s.db.FindDeviceByID(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// apiImport imports one file sent as the request body:
// POST /api/v1/import?source=NAME&filename=F[&kind=K&role=R&sheet=S&strict=1].
func (s *Server) apiImport(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	name, file := q.Get("source"), q.Get("filename")
	if name == "" || file == "" {
		return vigil.Errorf(vigil.EINVALID, "source and filename are required query parameters")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, ingest.MaxFileSize))
	if err != nil {
		return vigil.Errorf(vigil.EINVALID, "the upload is larger than %d bytes or was cut off", ingest.MaxFileSize)
	}
	now := time.Now().UTC()
	res, err := ingest.Parse(r.Context(), file, body, ingest.Options{Sheet: q.Get("sheet"), Strict: q.Get("strict") == "1", Format: q.Get("format"), Now: now})
	if err != nil {
		return err
	}
	kind := vigil.SourceKind(q.Get("kind"))
	if kind == "" {
		kind = vigil.SourceInventory
		if res.Format == ingest.FormatNmap {
			kind = vigil.SourceScanner
		}
	}
	out, err := s.db.Import(r.Context(), userFrom(r.Context()), &vigil.Snapshot{Source: vigil.Source{Name: name, Kind: kind, Role: q.Get("role")}, Files: []string{file}, TakenAt: now, Records: res.Records})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"result": out, "bad_rows": nonNil(res.Errors), "mapping": res.Mapping})
	return nil
}
