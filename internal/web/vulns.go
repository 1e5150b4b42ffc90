package web

import (
	"fmt"
	"net/http"
	"strconv"

	vigil "github.com/vigil-health/vigil"
)

// vulnFilter reads the list's filters, paging, sorting and export; ?as_of=
// lists the vulnerabilities matched to devices then.
func vulnFilter(r *http.Request) (vigil.VulnFilter, listParams, error) {
	q := r.URL.Query()
	f := vigil.VulnFilter{Query: q.Get("q"), KEV: isTrue(q.Get("kev")), Affecting: isTrue(q.Get("affecting"))}
	p, err := readList(q, 200, vulnColumns)
	if err != nil {
		return f, p, err
	}
	f.Limit, f.Offset = p.Limit, p.Offset()
	if p.whole() {
		f.Limit, f.Offset = 0, 0
	}
	f.At, err = asOfParam(q)
	return f, p, err
}

type vulnRow = *vigil.VulnSummary

func vulnKEVDue(v vulnRow) string {
	if v.KEV == nil {
		return ""
	}
	return v.KEV.DueDate.Format("2006-01-02")
}

func vulnEPSS(v vulnRow) float64 {
	if v.EPSS == nil {
		return 0
	}
	return v.EPSS.Score
}

// vulnColumns are the vulnerability list's columns.
var vulnColumns = []column[vulnRow]{
	{Key: "id", Title: "Id", Text: func(v vulnRow) string { return v.ID }, Cmp: byString(func(v vulnRow) string { return v.ID })},
	{Key: "cvss", Title: "Max CVSS", Num: true, Text: func(v vulnRow) string { return fmt.Sprintf("%.1f", v.MaxCVSS) }, Cmp: byNum(func(v vulnRow) float64 { return v.MaxCVSS })},
	{Key: "scores", Title: "Scores by source", Text: func(v vulnRow) string {
		s := ""
		for i, sc := range v.Scores {
			if i > 0 {
				s += "; "
			}
			s += fmt.Sprintf("%.1f %s", sc.Base, sc.Source)
		}
		return s
	}},
	{Key: "kev", Title: "KEV due", Text: vulnKEVDue, Cmp: func(a, b vulnRow) int {
		// In KEV first when ascending, the earliest due date first.
		x, y := vulnKEVDue(a), vulnKEVDue(b)
		if (x == "") != (y == "") {
			if x == "" {
				return 1
			}
			return -1
		}
		return byString(vulnKEVDue)(a, b)
	}},
	{Key: "epss", Title: "EPSS", Num: true, Text: func(v vulnRow) string {
		if v.EPSS == nil {
			return ""
		}
		return fmt.Sprintf("%.3f", v.EPSS.Score)
	}, Cmp: byNum(vulnEPSS)},
	{Key: "devices", Title: "Affected devices", Num: true, Text: func(v vulnRow) string { return strconv.Itoa(v.Devices) }, Cmp: byNum(func(v vulnRow) int { return v.Devices })},
	{Key: "not_affected", Title: "Not affected", Num: true, Text: func(v vulnRow) string { return strconv.Itoa(v.NotAffected) }, Cmp: byNum(func(v vulnRow) int { return v.NotAffected })},
	{Key: "description", Title: "Description", Text: func(v vulnRow) string { return v.Description }},
}

// findVulns returns the page (or, for an export, every row) of the
// vulnerabilities f and p ask for, and the total.
func (s *Server) findVulns(r *http.Request, f vigil.VulnFilter, p listParams) ([]vulnRow, int, error) {
	vs, total, err := s.db.FindVulnerabilities(r.Context(), f)
	if err != nil {
		return nil, 0, err
	}
	if p.whole() {
		vs = wholeRows(vs, p, vulnColumns)
	}
	if vs == nil {
		vs = []vulnRow{}
	}
	return vs, total, nil
}

type vulnsPage struct {
	pageBase
	Vulns []*vigil.VulnSummary
	List  listView
	F     vigil.VulnFilter
	AsOf  asOfForm
}

func (s *Server) vulnsPage(w http.ResponseWriter, r *http.Request) error {
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
	s.render(w, r, http.StatusOK, "vulns", &vulnsPage{pageBase: pageBase{Title: "Vulnerabilities", Nav: "vulns"}, Vulns: vs, List: newListView(r, p, total, vulnColumns), F: f, AsOf: newAsOfForm(r, f.At)})
	return nil
}
