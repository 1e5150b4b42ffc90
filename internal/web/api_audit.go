package web

import (
	"net/http"
)

// apiAudit lists the trail, newest first, in the common list shape
// (list.go), the events under "events" too: ?object_type=, ?object_id=,
// ?page=, ?limit= (default 100), ?sort=.
func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	evs, total, p, err := s.auditEvents(r, q.Get("object_type"), q.Get("object_id"))
	if err != nil {
		return err
	}
	if p.Format != "" {
		return export(w, p.Format, "audit-trail", evs, auditExportColumns)
	}
	writeList(w, "events", evs, total, p, nil)
	return nil
}

func (s *Server) apiAuditVerify(w http.ResponseWriter, r *http.Request) error {
	n, brk, err := s.audit.VerifyAuditLog(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"checked": n, "ok": brk == nil, "break": brk})
	return nil
}
