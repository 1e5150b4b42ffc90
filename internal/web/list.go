package web

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/cellsafe"
	"github.com/xuri/excelize/v2"
)

// Every list of the web and the API pages, sorts and exports through this
// file: ?page=P (from 1), ?limit=L (1..maxLimit, refused outside it),
// ?sort=KEY&order=asc|desc among the keys the list declares, and
// ?format=csv|xlsx for every row the filters select, in the same order.
// The API answers {"<list>":[...],"items":[...],"total":N,"page":P,"limit":L}:
// the list under its historical name, which scripts read, and under
// "items", which every list shares.

// maxLimit is the most rows one page holds, everywhere.
const maxLimit = 1000

// listParams is what a request asks of a list.
type listParams struct {
	Page, Limit int
	Sort        string // a column key; "" is the list's own order
	Desc        bool
	Format      string // "", "csv" or "xlsx"
}

// Offset is the index of the page's first row.
func (p listParams) Offset() int { return (p.Page - 1) * p.Limit }

// column is one column of a list: its key in ?sort=, its title, its text
// in exports and, when it can be sorted, its order.
type column[T any] struct {
	Key, Title string
	Num        bool // right-aligned
	Text       func(T) string
	Cmp        func(a, b T) int // nil: not sortable
}

// readList reads the paging, sorting and export parameters; def is the
// page size when none is asked for.
func readList[T any](q url.Values, def int, cols []column[T]) (listParams, error) {
	p := listParams{Sort: q.Get("sort"), Format: q.Get("format")}
	var err error
	if p.Page, p.Limit, err = pageParams(q, def); err != nil {
		return p, err
	}
	switch o := q.Get("order"); o {
	case "", "asc":
	case "desc":
		p.Desc = true
	default:
		return p, vigil.Errorf(vigil.EINVALID, "order must be asc or desc")
	}
	if p.Sort != "" && !slices.ContainsFunc(cols, func(c column[T]) bool { return c.Key == p.Sort && c.Cmp != nil }) {
		var keys []string
		for _, c := range cols {
			if c.Cmp != nil {
				keys = append(keys, c.Key)
			}
		}
		return p, vigil.Errorf(vigil.EINVALID, "sort must be one of %s", strings.Join(keys, ", "))
	}
	switch p.Format {
	case "", "csv", "xlsx":
	default:
		return p, vigil.Errorf(vigil.EINVALID, "format must be csv or xlsx")
	}
	return p, nil
}

// pageParams reads ?page= and ?limit= (and the older ?offset=, as the
// page that holds it), refusing a limit outside 1..maxLimit the same way
// on every list.
func pageParams(q url.Values, size int) (page, limit int, err error) {
	page, limit = 1, size
	if v := q.Get("page"); v != "" {
		if page, err = strconv.Atoi(v); err != nil || page < 1 {
			return 0, 0, vigil.Errorf(vigil.EINVALID, "page must be a positive number")
		}
	}
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > maxLimit {
			return 0, 0, vigil.Errorf(vigil.EINVALID, "limit must be 1-%d", maxLimit)
		}
	}
	if v := q.Get("offset"); v != "" && q.Get("page") == "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, vigil.Errorf(vigil.EINVALID, "offset must be 0 or more")
		}
		page = n/limit + 1
	}
	return page, limit, nil
}

// sortRows orders rows by p's column, stably, so rows equal in that column
// keep the list's own order.
func sortRows[T any](rows []T, p listParams, cols []column[T]) {
	for _, c := range cols {
		if c.Key == p.Sort && c.Cmp != nil {
			slices.SortStableFunc(rows, func(a, b T) int {
				if p.Desc {
					return c.Cmp(b, a)
				}
				return c.Cmp(a, b)
			})
			return
		}
	}
}

// whole reports whether a list the store pages must be read whole and
// sorted and paged here (wholeRows): for an order of its own or an export.
func (p listParams) whole() bool { return p.Sort != "" || p.Format != "" }

// wholeRows sorts every row of a list read whole, and pages them unless
// they are to be exported.
func wholeRows[T any](rows []T, p listParams, cols []column[T]) []T {
	sortRows(rows, p, cols)
	if p.Format != "" {
		return rows
	}
	return pageRows(rows, p)
}

// pageRows returns p's page of rows.
func pageRows[T any](rows []T, p listParams) []T {
	lo := min(p.Offset(), len(rows))
	return rows[lo:min(lo+p.Limit, len(rows))]
}

// listView is what a list's template draws around its rows: the sortable
// headings, the pager, the page size and the export links.
type listView struct {
	pager
	Total, Limit    int
	Heads           []listHead
	Extra           []string // headings of columns the page adds after the list's (actions)
	Pick            string   // when set, a first column of checkboxes, headed by this link: every row of the page checked
	CSVURL, XLSXURL string
	Limits          []int
	Sort            string
	Desc            bool
	Hidden          []hiddenArg // the query besides paging, for the page-size form
	Path            string
}

type listHead struct {
	Title, URL string
	Num        bool
	Order      string // "ascending" or "descending" when the list is sorted by it
}

// newListView builds the view of a page of total rows.
func newListView[T any](r *http.Request, p listParams, total int, cols []column[T]) listView {
	v := listView{pager: pageLinks(r, p.Page, total, p.Limit), Total: total, Limit: p.Limit, Sort: p.Sort, Desc: p.Desc,
		Limits: []int{25, 50, 100, 200, 500, 1000}, Path: r.URL.Path}
	link := func(set map[string]string) string {
		q := r.URL.Query()
		for k, val := range set {
			if val == "" {
				q.Del(k)
			} else {
				q.Set(k, val)
			}
		}
		return r.URL.Path + "?" + q.Encode()
	}
	for _, c := range cols {
		h := listHead{Title: c.Title, Num: c.Num}
		if c.Cmp != nil {
			order := ""
			if c.Key == p.Sort {
				h.Order = "ascending"
				order = "desc"
				if p.Desc {
					h.Order, order = "descending", ""
				}
			}
			h.URL = link(map[string]string{"sort": c.Key, "order": order, "page": "", "offset": ""})
		}
		v.Heads = append(v.Heads, h)
	}
	v.CSVURL = link(map[string]string{"format": "csv", "page": "", "limit": "", "offset": ""})
	v.XLSXURL = link(map[string]string{"format": "xlsx", "page": "", "limit": "", "offset": ""})
	for k, vals := range r.URL.Query() {
		if k == "page" || k == "limit" || k == "offset" || k == "format" {
			continue
		}
		for _, val := range vals {
			v.Hidden = append(v.Hidden, hiddenArg{k, val})
		}
	}
	slices.SortFunc(v.Hidden, func(a, b hiddenArg) int { return cmp.Compare(a.Name, b.Name) })
	return v
}

// writeList answers an API list in the common shape, the items also under
// their historical name when the endpoint had one.
func writeList(w http.ResponseWriter, name string, items any, total int, p listParams, extra map[string]any) {
	out := map[string]any{"items": items, "total": total, "page": p.Page, "limit": p.Limit}
	if name != "" {
		out[name] = items
	}
	for k, v := range extra {
		out[k] = v
	}
	writeJSON(w, http.StatusOK, out)
}

// export writes rows as the CSV or XLSX file name.csv or name.xlsx, every
// cell neutralised against formulas (internal/cellsafe).
func export[T any](w http.ResponseWriter, format, name string, rows []T, cols []column[T]) error {
	head := make([]string, len(cols))
	for i, c := range cols {
		head[i] = c.Title
	}
	cells := func(row T) []string {
		out := make([]string, len(cols))
		for i, c := range cols {
			out[i] = c.Text(row)
		}
		return out
	}
	file := name + "-" + time.Now().UTC().Format("20060102") + "." + format
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", file))
	w.Header().Set("Cache-Control", "no-store")
	if format == "csv" {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		cw := cellsafe.NewWriter(w)
		if err := cw.Write(head); err != nil {
			return nil // the client went away
		}
		for _, row := range rows {
			if err := cw.Write(cells(row)); err != nil {
				return nil
			}
		}
		cw.Flush()
		return nil
	}
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Sheet1"
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	// A numeric column's cells are written as numbers, so that they stay
	// numbers in the spreadsheet; every other cell as neutralised text.
	put := func(i int, vals []string, typed bool) error {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			return err
		}
		row := make([]any, len(vals))
		for j, v := range vals {
			row[j] = cellsafe.Text(v)
			if typed && cols[j].Num {
				if n, err := strconv.ParseFloat(v, 64); err == nil {
					row[j] = n
				}
			}
		}
		return sw.SetRow(cell, row)
	}
	if err := put(0, head, false); err != nil {
		return err
	}
	for i, row := range rows {
		if err := put(i+1, cells(row), true); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	_ = f.Write(w)
	return nil
}

// Comparisons for columns.
func byString[T any](f func(T) string) func(a, b T) int {
	return func(a, b T) int { return cmp.Compare(strings.ToLower(f(a)), strings.ToLower(f(b))) }
}

func byNum[T any, N cmp.Ordered](f func(T) N) func(a, b T) int {
	return func(a, b T) int { return cmp.Compare(f(a), f(b)) }
}
