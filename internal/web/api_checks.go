package web

import (
	"encoding/json"
	"net/http"
	"reflect"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
)

// checkRequest is the body of POST /api/v1/checks, PUT /api/v1/checks/{id}
// and POST /api/v1/checks/test: the check file, and whether it runs.
type checkRequest struct {
	Source  *string `json:"source"`
	Enabled *bool   `json:"enabled"`
}

// decodeCheck reads a check request; a new file (POST) must hold source.
// The check file is read whole, as a record: the body is held to the
// server's --max-record-bytes and --max-depth as it is read (the source,
// one JSON string, may take all of it), and an error names the flag.
func (s *Server) decodeCheck(r *http.Request, needSource bool) (checkRequest, error) {
	var req checkRequest
	l := s.cfg.ImportLimits.OrDefault()
	const name = "the request body"
	body := bound.Reader(r.Body, name, bound.LimitRecordBytes, int64(l.RecordBytes), "a check request of more than %s")
	dec := json.NewDecoder(bound.JSON(body, name, bound.Limits{Depth: l.Depth, FieldBytes: l.RecordBytes}))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		if _, ok := bound.AsLimitError(err); ok {
			return req, err
		}
		return req, vigil.Errorf(vigil.EINVALID, "the request body is not valid JSON for this call")
	}
	if err := checkDecoded(reflect.ValueOf(&req)); err != nil {
		return req, err
	}
	if needSource && req.Source == nil {
		return req, vigil.Errorf(vigil.EINVALID, "source (the check file) is required")
	}
	return req, nil
}

func (s *Server) apiChecks(w http.ResponseWriter, r *http.Request) error {
	p, err := readRows[checkSummary](r, maxLimit, nil)
	if err != nil {
		return err
	}
	cs, err := s.checkSummaries(r.Context())
	if err != nil {
		return err
	}
	writeRows(w, "checks", cs, p, nil, nil)
	return nil
}

// apiCheck is a check's current version with its file, and every version.
func (s *Server) apiCheck(w http.ResponseWriter, r *http.Request) error {
	hist, err := s.db.CheckHistory(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	} else if len(hist) == 0 {
		return vigil.Errorf(vigil.ENOTFOUND, "no check %q", r.PathValue("id"))
	}
	cur := hist[len(hist)-1]
	writeJSON(w, http.StatusOK, map[string]any{"check": summarize(cur), "source": cur.Source, "versions": hist})
	return nil
}

// apiCreateCheck stores a new check, or a new version of the check its
// file names: {"source": YAML, "enabled": true}. A refused file is a 400
// whose message names the line.
func (s *Server) apiCreateCheck(w http.ResponseWriter, r *http.Request) error {
	req, err := s.decodeCheck(r, true)
	if err != nil {
		return err
	}
	p := &checkPage{New: true, Source: *req.Source}
	v, err := s.comp.SaveCheck(r.Context(), userFrom(r.Context()), fileName(p), []byte(p.Source), req.Enabled == nil || *req.Enabled)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"check": summarize(v), "version": v})
	return nil
}

// apiUpdateCheck saves a new version of a check from a new file, or turns
// it on or off when only enabled is given.
func (s *Server) apiUpdateCheck(w http.ResponseWriter, r *http.Request) error {
	req, err := s.decodeCheck(r, false)
	if err != nil {
		return err
	}
	p := &checkPage{ID: r.PathValue("id")}
	if err := s.loadCheck(r, p); err != nil {
		return err
	}
	var v *vigil.CheckVersion
	switch {
	case req.Source != nil:
		enabled := p.Current.Enabled
		if req.Enabled != nil {
			enabled = *req.Enabled
		}
		v, err = s.comp.SaveCheck(r.Context(), userFrom(r.Context()), fileName(p), []byte(*req.Source), enabled)
	case req.Enabled != nil:
		v, err = s.comp.SetCheckEnabled(r.Context(), userFrom(r.Context()), p.ID, *req.Enabled)
	default:
		return vigil.Errorf(vigil.EINVALID, "give source, enabled or both")
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"check": summarize(v), "version": v})
	return nil
}

// apiTestCheck runs a check file against the current inventory without
// storing it: {"source": YAML}. It answers the counts and every failing
// device (and those the check could not evaluate).
func (s *Server) apiTestCheck(w http.ResponseWriter, r *http.Request) error {
	req, err := s.decodeCheck(r, true)
	if err != nil {
		return err
	}
	p := &checkPage{New: true, Source: *req.Source}
	c, results, err := s.comp.TestCheck(r.Context(), fileName(p), []byte(p.Source))
	if err != nil {
		return err
	}
	t := tally(c, results)
	writeJSON(w, http.StatusOK, map[string]any{"id": c.ID, "title": c.Title, "passed": t.Passed, "failed": t.Failed,
		"not_applicable": t.NotApplicable, "errors": t.Errors, "failing": nonNil(t.Failing), "more": t.More})
	return nil
}
