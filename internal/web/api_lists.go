package web

import (
	"net/http"

	vigil "github.com/vigil-health/vigil"
)

// The API's shorter lists (sites, sources, users, tokens, a device's facts,
// the network's findings, ...) are read whole and paged here, in the same
// shape and by the same rules as the longer ones (list.go): readRows reads
// the paging before the store is asked, writeRows answers the page.

// readRows reads a list's paging and sorting; cols is nil for a list with
// no sort keys and no export, which then refuses sort and format rather
// than ignore them.
func readRows[T any](r *http.Request, def int, cols []column[T]) (listParams, error) {
	q := r.URL.Query()
	if len(sortKeys(cols)) == 0 && q.Get("sort") != "" {
		return listParams{}, vigil.Errorf(vigil.EINVALID, "this list has no sort keys")
	}
	p, err := readList(q, def, cols)
	if err != nil {
		return p, err
	}
	if p.Format != "" && len(cols) == 0 {
		return p, vigil.Errorf(vigil.EINVALID, "this list does not export; format is for the lists that do (see /api/v1/openapi.json)")
	}
	return p, nil
}

// writeRows answers p's page of rows, sorted as p asks, in the common
// shape with the rows also under old when the list had that name.
func writeRows[T any](w http.ResponseWriter, old string, rows []T, p listParams, cols []column[T], extra map[string]any) {
	sortRows(rows, p, cols)
	writeList(w, old, nonNil(pageRows(rows, p)), len(rows), p, extra)
}
