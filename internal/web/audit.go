package web

import (
	"net/http"
	"strconv"

	vigil "github.com/vigil-health/vigil"
)

type auditRow = *vigil.AuditEvent

func auditObject(e auditRow) string { return e.ObjectType + " " + e.ObjectID }

// auditColumns are the audit trail's columns; exports carry each event's
// hashes so that an auditor can re-verify the chain.
var auditColumns = []column[auditRow]{
	{Key: "seq", Title: "#", Num: true, Text: func(e auditRow) string { return strconv.FormatInt(e.Seq, 10) }, Cmp: byNum(func(e auditRow) int64 { return e.Seq })},
	{Key: "at", Title: "When", Text: func(e auditRow) string { return e.At.UTC().Format("2006-01-02T15:04:05Z") }, Cmp: func(a, b auditRow) int { return a.At.Compare(b.At) }},
	{Key: "actor", Title: "Who", Text: func(e auditRow) string { return e.Actor }, Cmp: byString(func(e auditRow) string { return e.Actor })},
	{Key: "action", Title: "Action", Text: func(e auditRow) string { return e.Action }, Cmp: byString(func(e auditRow) string { return e.Action })},
	{Key: "object", Title: "Object", Text: auditObject, Cmp: byString(auditObject)},
	{Key: "detail", Title: "Detail", Text: func(e auditRow) string { return e.Detail }},
}

// auditExportColumns add the chain to the exports.
var auditExportColumns = append(auditColumns[:len(auditColumns):len(auditColumns)],
	column[auditRow]{Key: "prev_hash", Title: "Previous hash", Text: func(e auditRow) string { return e.PrevHash }},
	column[auditRow]{Key: "hash", Title: "Hash", Text: func(e auditRow) string { return e.Hash }})

// auditEvents returns the page of the trail r asks for (every event for an
// export), newest first unless sorted, and the total. The store pages the
// trail in its order; the total of the whole trail is its head's sequence
// number, of a filtered one the events read.
func (s *Server) auditEvents(r *http.Request, objectType, objectID string) ([]auditRow, int, listParams, error) {
	p, err := readList(r.URL.Query(), 100, auditColumns)
	if err != nil {
		return nil, 0, p, err
	}
	f := vigil.AuditFilter{ObjectType: objectType, ObjectID: objectID}
	if !p.whole() && f == (vigil.AuditFilter{}) {
		seq, _, err := s.db.AuditHead(r.Context())
		if err != nil {
			return nil, 0, p, err
		}
		f.Limit, f.Offset = p.Limit, p.Offset()
		evs, err := s.audit.FindAuditEvents(r.Context(), f)
		return nonNilEvents(evs), int(seq), p, err
	}
	evs, err := s.audit.FindAuditEvents(r.Context(), f)
	if err != nil {
		return nil, 0, p, err
	}
	total := len(evs)
	sortRows(evs, p, auditColumns)
	if p.Format == "" {
		evs = pageRows(evs, p)
	}
	return nonNilEvents(evs), total, p, nil
}

func nonNilEvents(evs []auditRow) []auditRow {
	if evs == nil {
		return []auditRow{}
	}
	return evs
}

type auditPage struct {
	pageBase
	Events  []*vigil.AuditEvent
	List    listView
	Type    string
	Checked int
	Break   *vigil.AuditBreak
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) error {
	typ := r.URL.Query().Get("type")
	evs, total, p, err := s.auditEvents(r, typ, "")
	if err != nil {
		return err
	}
	if p.Format != "" {
		return export(w, p.Format, "audit-trail", evs, auditExportColumns)
	}
	n, brk, err := s.audit.VerifyAuditLog(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "audit", &auditPage{pageBase: pageBase{Title: "Audit trail", Nav: "audit"}, Events: evs, Type: typ,
		List: newListView(r, p, total, auditColumns), Checked: n, Break: brk})
	return nil
}
