package web

import (
	"net/http"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// attestationRow is an attestation in force with its control's page and
// whether it has lapsed.
type attestationRow struct {
	vigil.Attestation
	URL     string
	Overdue bool
}

func newAttestationRow(a vigil.Attestation, now time.Time) attestationRow {
	return attestationRow{Attestation: a, URL: controlURL(a.Control), Overdue: a.Overdue(now)}
}

// attestForm is the form that records an attestation, with what was typed
// when it was refused.
type attestForm struct {
	Control, Owner, Answer, Date, NextDue, Notes string
	Evidence                                     string // evidence ids, space or comma separated
	Back                                         string // "control": return to the control's page
	Answers                                      []vigil.Verdict
	Error                                        string
	Refs                                         []string // every control, framework:control, to choose from
}

// newAttestForm is an empty form for ref (any control when zero), dated
// now and due in a year.
func newAttestForm(ref vigil.ControlRef, now time.Time) attestForm {
	now = now.UTC()
	f := attestForm{Answer: string(vigil.VerdictMet), Date: now.Format(dateLayout), NextDue: now.AddDate(1, 0, 0).Format(dateLayout),
		Answers: []vigil.Verdict{vigil.VerdictMet, vigil.VerdictPartiallyMet, vigil.VerdictNotMet, vigil.VerdictNotApplicable}}
	if ref.Framework != "" {
		f.Control = ref.String()
	}
	return f
}

type attestationsPage struct {
	pageBase
	Rows    []attestationRow
	Overdue int
	Form    attestForm
}

func (s *Server) attestationsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderAttestations(w, r, http.StatusOK, newAttestForm(vigil.ControlRef{}, s.db.Now()))
}

func (s *Server) renderAttestations(w http.ResponseWriter, r *http.Request, status int, form attestForm) error {
	atts, err := s.db.FindAttestations(r.Context(), "", nil)
	if err != nil {
		return err
	}
	cat, err := s.comp.Catalog(r.Context())
	if err != nil {
		return err
	}
	for _, fw := range cat.Frameworks() {
		for _, c := range fw.Controls {
			form.Refs = append(form.Refs, c.Ref().String())
		}
	}
	p := &attestationsPage{pageBase: pageBase{Title: "Attestations", Nav: "attestations"}, Form: form}
	for _, a := range atts {
		row := newAttestationRow(a, s.db.Now())
		if row.Overdue {
			p.Overdue++
		}
		p.Rows = append(p.Rows, row)
	}
	s.render(w, r, status, "attestations", p)
	return nil
}

// attest records the form's attestation. A refused one shows the
// attestations page again with the message and what was typed.
func (s *Server) attest(w http.ResponseWriter, r *http.Request) error {
	form := newAttestForm(vigil.ControlRef{}, s.db.Now())
	form.Control, form.Owner, form.Answer = strings.TrimSpace(r.PostFormValue("control")), r.PostFormValue("owner"), r.PostFormValue("answer")
	form.Date, form.NextDue, form.Notes, form.Back = r.PostFormValue("date"), r.PostFormValue("next_due"), r.PostFormValue("notes"), r.PostFormValue("back")
	a, err := attestation(form.Control, form.Owner, form.Answer, form.Date, form.NextDue, form.Notes)
	if form.Evidence = r.PostFormValue("evidence"); err == nil {
		a.Evidence, err = evidenceIDs(form.Evidence)
	}
	if err == nil {
		err = s.comp.Attest(r.Context(), userFrom(r.Context()), a)
	}
	if code := vigil.ErrorCode(err); code == vigil.EINVALID || code == vigil.ENOTFOUND {
		form.Error = vigil.ErrorMessage(err)
		return s.renderAttestations(w, r, http.StatusBadRequest, form)
	} else if err != nil {
		return err
	}
	back := "/attestations"
	if form.Back == "control" {
		back = controlURL(a.Control)
	}
	s.redirectFlash(w, r, back, flashAttested, nil, a.Control.String())
	return nil
}

// attestation reads an attestation as typed: the control as
// framework:control and the dates as 2006-01-02 or RFC 3339.
func attestation(control, owner, answer, date, due, notes string) (*vigil.Attestation, error) {
	ref, err := vigil.ParseControlRef(control)
	if err != nil {
		return nil, err
	}
	a := &vigil.Attestation{Control: ref, Owner: strings.TrimSpace(owner), Answer: vigil.Verdict(answer), Notes: notes}
	if a.Date, err = parseDay("date", date); err != nil {
		return nil, err
	}
	if a.NextDue, err = parseDay("next due date", due); err != nil {
		return nil, err
	}
	return a, nil
}

// parseDay reads a date (2006-01-02, midnight UTC) or an RFC 3339 time.
func parseDay(what, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return t, vigil.Errorf(vigil.EINVALID, "the %s must be a date such as 2026-03-31", what)
	}
	return t, nil
}
