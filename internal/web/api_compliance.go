package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/compliance"
)

// frameworkJSON is a framework with its controls' count in place of the
// controls (the outer field hides the embedded one), and its latest run's
// summary: an entry of GET /api/v1/frameworks.
type frameworkJSON struct {
	*vigil.Framework
	Controls int                      `json:"controls"`
	Latest   *vigil.EvaluationSummary `json:"latest"`
}

func (s *Server) apiFrameworks(w http.ResponseWriter, r *http.Request) error {
	p, err := readRows[frameworkJSON](r, maxLimit, nil)
	if err != nil {
		return err
	}
	cat, err := s.comp.Catalog(r.Context())
	if err != nil {
		return err
	}
	out := []frameworkJSON{}
	for _, fw := range cat.Frameworks() {
		evs, err := s.db.FindEvaluations(r.Context(), fw.ID, 1)
		if err != nil {
			return err
		}
		f := frameworkJSON{Framework: fw, Controls: len(fw.Controls)}
		if len(evs) > 0 {
			f.Latest = evs[0]
		}
		out = append(out, f)
	}
	writeRows(w, "frameworks", out, p, nil, nil)
	return nil
}

// apiFramework is the framework with every control.
func (s *Server) apiFramework(w http.ResponseWriter, r *http.Request) error {
	_, fw, err := s.pathFramework(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, fw)
	return nil
}

// apiEvaluation is a stored run: the latest, or ?id=.
func (s *Server) apiEvaluation(w http.ResponseWriter, r *http.Request) error {
	var id int64
	if v := r.URL.Query().Get("id"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			return vigil.Errorf(vigil.EINVALID, "id must be a run id")
		}
		id = n
	}
	ev, err := s.db.FindEvaluation(r.Context(), r.PathValue("framework"), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ev)
	return nil
}

// apiEvaluations is the trend: the stored runs without their controls,
// newest first (a page of 100 by default).
func (s *Server) apiEvaluations(w http.ResponseWriter, r *http.Request) error {
	p, err := readRows[*vigil.EvaluationSummary](r, 100, nil)
	if err != nil {
		return err
	}
	evs, err := s.db.FindEvaluations(r.Context(), r.PathValue("framework"), 0)
	if err != nil {
		return err
	}
	writeRows(w, "evaluations", evs, p, nil, nil)
	return nil
}

// apiEvaluate runs and stores an evaluation. The optional body names a
// framework and a date to evaluate at; the answer is what `vigil evaluate
// --format json` prints: one evaluation with a framework, a list without.
func (s *Server) apiEvaluate(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Framework string `json:"framework"`
		At        string `json:"at"`
	}
	if err := decodeOptionalJSON(r, &req); err != nil {
		return err
	}
	opt := compliance.EvalOptions{Framework: req.Framework, Keep: true}
	if req.At != "" {
		t, err := parseDay("at", req.At)
		if err != nil {
			return err
		}
		if len(req.At) == len(dateLayout) { // a date means the end of that day, as on the command line
			t = t.Add(24*time.Hour - time.Nanosecond)
		}
		opt.At = &t
	}
	evs, err := s.comp.Evaluate(r.Context(), userFrom(r.Context()), opt)
	if err != nil {
		return err
	}
	if req.Framework != "" {
		writeJSON(w, http.StatusOK, evs[0])
		return nil
	}
	writeJSON(w, http.StatusOK, evs)
	return nil
}

// decodeOptionalJSON decodes the body into v unless it is empty.
func decodeOptionalJSON(r *http.Request, v any) error {
	body, err := readBody(r)
	if err != nil || len(bytes.TrimSpace(body)) == 0 {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return vigil.Errorf(vigil.EINVALID, "the request body is not valid JSON for this call")
	}
	return nil
}

func readBody(r *http.Request) ([]byte, error) {
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(http.MaxBytesReader(nil, r.Body, 1<<20)); err != nil {
		return nil, vigil.Errorf(vigil.EINVALID, "the request body is over 1 MiB or was cut off")
	}
	return buf.Bytes(), nil
}

// attestationJSON is an attestation in force with whether it has lapsed.
type attestationJSON struct {
	vigil.Attestation
	Overdue bool `json:"overdue"`
}

func (s *Server) apiAttestations(w http.ResponseWriter, r *http.Request) error {
	p, err := readRows[attestationJSON](r, maxLimit, nil)
	if err != nil {
		return err
	}
	atts, err := s.db.FindAttestations(r.Context(), r.URL.Query().Get("framework"), nil)
	if err != nil {
		return err
	}
	out := make([]attestationJSON, 0, len(atts))
	for _, a := range atts {
		out = append(out, attestationJSON{Attestation: a, Overdue: a.Overdue(s.db.Now())})
	}
	writeRows(w, "attestations", out, p, nil, nil)
	return nil
}

// apiAttest records an attestation: {"control": "hipaa:164.308(a)(1)(i)",
// "owner", "answer", "date", "next_due", "notes", "evidence": [ids]}, dates as 2006-01-02 or
// RFC 3339. It answers 201 with the attestation recorded.
func (s *Server) apiAttest(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Control string `json:"control"`
		Owner   string `json:"owner"`
		Answer  string `json:"answer"`
		Date    string `json:"date"`
		NextDue string `json:"next_due"`
		Notes   string `json:"notes"`
		// Evidence lists the ids of the evidence the answer rests on.
		Evidence []int64 `json:"evidence"`
	}
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	a, err := attestation(req.Control, req.Owner, req.Answer, req.Date, req.NextDue, req.Notes)
	if a != nil {
		a.Evidence = req.Evidence
	}
	if err != nil {
		return err
	}
	if err := s.comp.Attest(r.Context(), userFrom(r.Context()), a); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, attestationJSON{Attestation: *a, Overdue: a.Overdue(s.db.Now())})
	return nil
}
