package web

import (
	"bytes"
	"errors"
	"net/http"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/ingest"
	"github.com/vigil-health/vigil/internal/inventory"
	"github.com/vigil-health/vigil/internal/jsonout"
)

// apiDiscrepancies lists the discrepancies. With ?page=, ?limit= or
// ?sort= it answers a page in the common list shape (list.go); without,
// every discrepancy under "discrepancies" with "total", streamed as read
// so that a large inventory's list never sits in memory.
func (s *Server) apiDiscrepancies(w http.ResponseWriter, r *http.Request) error {
	f, err := discrepancyFilter(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	paged := q.Has("page") || q.Has("limit") || q.Has("sort") || q.Has("format")
	var p listParams
	if paged {
		if p, err = readList(q, discrepancyPageSize, discrepancyColumns); err != nil {
			return err
		}
	}
	counts, err := s.db.CountDiscrepancies(r.Context(), vigil.DiscrepancyFilter{Kind: f.Kind, DeviceID: f.DeviceID, SiteID: f.SiteID, All: f.All})
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
		Acked *vigil.Ack `json:"acknowledged,omitempty"`
	}
	if paged {
		rows, err := s.findDiscrepancyRows(r, f, p)
		if err != nil {
			return err
		}
		if p.Format != "" {
			return export(w, p.Format, "discrepancies", rows, discrepancyColumns)
		}
		items := make([]item, len(rows))
		for i, d := range rows {
			items[i] = item{d.Discrepancy, d.Key, d.Acked}
		}
		writeList(w, "discrepancies", items, total, p, nil)
		return nil
	}
	// Written as the discrepancies are read: the whole list of a large
	// inventory never sits in memory.
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	err = jsonout.Write(w, map[string]any{"total": total, "discrepancies": jsonout.Stream(func(add func(any) error) error {
		return s.db.ScanDiscrepancies(r.Context(), f, func(d *vigil.StoredDiscrepancy) error {
			return add(inSeconds(item{d.Discrepancy, d.Key, d.Acked}))
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

// apiAckDiscrepancy acknowledges discrepancies with one note:
// {"keys":[...],"note":"..."}, or one as {"key":"...","note":"..."}. An
// empty note, or a key that names no current discrepancy, changes nothing.
func (s *Server) apiAckDiscrepancy(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Key  string
		Keys []string
		Note string
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	keys := in.Keys
	if in.Key != "" {
		keys = append(keys, in.Key)
	}
	n, err := s.inv.AckDiscrepancies(r.Context(), userFrom(r.Context()), keys, in.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"acknowledged": true, "count": n})
	return nil
}

func (s *Server) apiConflicts(w http.ResponseWriter, r *http.Request) error {
	cs, p, err := s.conflictRows(r)
	if err != nil {
		return err
	}
	if p.Format != "" {
		return export(w, p.Format, "identity-conflicts", cs, conflictColumns)
	}
	page := pageRows(cs, p)
	out := make([]vigil.Conflict, len(page))
	for i, c := range page {
		out[i] = c.Conflict
	}
	// The common list shape (list.go), the conflicts under "conflicts" too.
	writeList(w, "conflicts", out, len(cs), p, nil)
	return nil
}

// apiDecide settles identity conflicts with one decision and one note:
// {"pairs":[{"a":"...","b":"..."}],"same":false,"note":"..."}, or one as
// {"a":"...","b":"...","same":true,"note":"..."}. Saying "same" needs a
// note.
func (s *Server) apiDecide(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		A, B  string
		Pairs []inventory.RecordPair
		Same  bool
		Note  string
	}
	if err := decodeJSON(r, &in); err != nil {
		return err
	}
	pairs := in.Pairs
	if in.A != "" || in.B != "" {
		pairs = append(pairs, inventory.RecordPair{A: in.A, B: in.B})
	}
	n, err := s.inv.DecideIdentities(r.Context(), userFrom(r.Context()), pairs, in.Same, in.Note)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]int{"devices": n, "decided": len(pairs)})
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
	var p vigil.Precedence
	if err := decodeJSON(r, &p); err != nil {
		return err
	}
	if err := s.inv.SetPrecedence(r.Context(), userFrom(r.Context()), p); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
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
	// A source's role decides field precedence, which only admins set (the
	// sources page): anyone else asking for one is refused, and audited.
	if role := q.Get("role"); role != "" {
		if u := userFrom(r.Context()); !u.Role.Can(vigil.PermUsersAdmin) {
			if err := s.acct.RecordRefusal(r.Context(), u, "source.role.refused", "source", name, map[string]any{"role": role, "via": "import"}); err != nil {
				return err
			}
			return vigil.Errorf(vigil.EFORBIDDEN, "only an admin may set a source's role; import without role=")
		}
	}
	lim := s.cfg.ImportLimits.OrDefault()
	body, err := readImportBody(w, r, lim.FileBytes)
	if err != nil {
		return err
	}
	now := time.Now().UTC()
	res, err := ingest.Parse(r.Context(), file, body, ingest.Options{Sheet: q.Get("sheet"), Strict: q.Get("strict") == "1", Format: q.Get("format"), Now: now, Limits: lim})
	if err != nil {
		return err
	}
	kind := vigil.SourceKind(q.Get("kind"))
	if kind == "" {
		kind = ingest.SourceKindOf(res.Format)
	}
	out, err := s.inv.Import(r.Context(), userFrom(r.Context()), &vigil.Snapshot{Source: vigil.Source{Name: name, Kind: kind, Role: q.Get("role")}, Files: []string{file}, TakenAt: now, Records: res.Records})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"result": out, "bad_rows": nonNil(res.Errors), "bad_rows_not_listed": res.ErrorsOmitted, "mapping": res.Mapping})
	return nil
}

// readImportBody reads a request body of at most max bytes into one buffer,
// sized from Content-Length when the client sends it: a large upload is
// not copied as it grows.
func readImportBody(w http.ResponseWriter, r *http.Request, max int64) ([]byte, error) {
	tooLarge := vigil.Errorf(vigil.EINVALID, "the upload is larger than %d bytes (the --max-file-bytes limit of vigil serve)", max)
	if r.ContentLength > max {
		return nil, tooLarge
	}
	var buf bytes.Buffer
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength) + 1)
	}
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, max))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, tooLarge
	} else if err != nil {
		return nil, vigil.Errorf(vigil.EINVALID, "the upload was cut off")
	}
	return buf.Bytes(), nil
}
