package web

import (
	"net/http"

	vigil "github.com/vigil-health/vigil"
)

type auditPage struct {
	pageBase
	Events  []*vigil.AuditEvent
	Checked int
	Break   *vigil.AuditBreak
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) error {
	evs, err := s.audit.FindAuditEvents(r.Context(), vigil.AuditFilter{ObjectType: r.URL.Query().Get("type"), Limit: 200})
	if err != nil {
		return err
	}
	n, brk, err := s.audit.VerifyAuditLog(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "audit", &auditPage{pageBase: pageBase{Title: "Audit trail", Nav: "audit"}, Events: evs, Checked: n, Break: brk})
	return nil
}
