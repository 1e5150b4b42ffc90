package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

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

type discrepanciesPage struct {
	pageBase
	Items  []*vigil.StoredDiscrepancy
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
