package web

import (
	"net/http"
	"strconv"

	vigil "github.com/vigil-health/vigil"
)

// apiEvidence lists evidence, newest first: ?control=framework:control,
// ?area=, ?device=ID, ?all_versions=true, ?limit= (default 100), ?page=.
func (s *Server) apiEvidence(w http.ResponseWriter, r *http.Request) error {
	f, p, err := evidenceFilter(r.URL.Query(), 100)
	if err != nil {
		return err
	}
	all, rows, err := s.evidenceRows(r, f, p)
	if err != nil {
		return err
	}
	if p.Format != "" {
		return export(w, p.Format, "evidence", all, evidenceColumns)
	}
	items := make([]*vigil.Evidence, len(rows))
	for i, e := range rows {
		items[i] = e.Evidence
	}
	// The common list shape (list.go), the items under "evidence" too.
	writeList(w, "evidence", items, len(all), p, nil)
	return nil
}

// apiEvidenceItem is one version with every version of its chain.
func (s *Server) apiEvidenceItem(w http.ResponseWriter, r *http.Request) error {
	e, vs, err := s.evidenceVersions(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"evidence": e, "versions": vs})
	return nil
}

// apiAddEvidence stores an upload: a multipart form with the file in
// "file" and the fields title, controls (framework:control, space or comma
// separated), area, devices (ids), effective (FROM[..TO]), expires and
// supersedes (an evidence id: store a new version of it). It answers 201
// with the record stored.
func (s *Server) apiAddEvidence(w http.ResponseWriter, r *http.Request) error {
	ev, err := s.evidenceService()
	if err != nil {
		return err
	}
	form := evidenceForm{Title: r.FormValue("title"), Controls: r.FormValue("controls"), Devices: r.FormValue("devices"),
		Effective: r.FormValue("effective"), Expires: r.FormValue("expires"), Area: r.FormValue("area")}
	var prev int64
	if v := r.FormValue("supersedes"); v != "" {
		if prev, err = strconv.ParseInt(v, 10, 64); err != nil || prev <= 0 {
			return vigil.Errorf(vigil.EINVALID, "supersedes must be an evidence id")
		}
	}
	e, err := s.storeUpload(r, ev, prev, form)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, e)
	return nil
}

// apiDeleteEvidence deletes one version: admins only; ?force=true&reason=
// within the retention period.
func (s *Server) apiDeleteEvidence(w http.ResponseWriter, r *http.Request) error {
	ev, id, err := s.evidenceTarget(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	if err := ev.Delete(r.Context(), userFrom(r.Context()), id, q.Get("force") == "true", q.Get("reason")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
