package web

import (
	"net/http"
	"strconv"

	vigil "github.com/vigil-health/vigil"
)

func (s *Server) apiAudit(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit, _ := strconv.Atoi(q.Get("limit"))
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	offset, _ := strconv.Atoi(q.Get("offset"))
	evs, err := s.audit.FindAuditEvents(r.Context(), vigil.AuditFilter{ObjectType: q.Get("object_type"), ObjectID: q.Get("object_id"), Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": nonNil(evs)})
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
