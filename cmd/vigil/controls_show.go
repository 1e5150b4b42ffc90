package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// controlView is 'vigil controls show --format json': a control, where it
// sits, what it maps to, what evidences it and its latest verdict.
type controlView struct {
	Control      vigil.Control     `json:"control"`
	Parent       *vigil.Control    `json:"parent"`
	Children     []vigil.Control   `json:"children"`
	Crosswalk    []vigil.Control   `json:"crosswalk"`
	Checks       []checkSummary    `json:"checks"`
	Attestations []attestationView `json:"attestations"`
	// Evaluation is the control's verdict in its framework's latest stored
	// evaluation; null before the first.
	Evaluation *controlVerdict `json:"evaluation"`
}

// controlVerdict is a control's part of a stored evaluation.
type controlVerdict struct {
	EvaluationID int64     `json:"evaluation_id"`
	At           time.Time `json:"at"`
	vigil.ControlEvaluation
}

// attestationView is an attestation with whether it has lapsed.
type attestationView struct {
	vigil.Attestation
	Overdue bool `json:"overdue"`
}

func controlsShow(ctx context.Context, m *Main, args []string) error {
	var framework *string
	var limit *int
	c, pos, err := openInv(ctx, m, "controls show", args, []string{"table", "json"}, func(fs *flag.FlagSet) {
		framework = fs.String("framework", "", "the framework of a control id given without one")
		limit = fs.Int("limit", 20, "failing devices to list in the table (json lists all)")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 {
		return usagef("usage: vigil controls show FRAMEWORK:CONTROL | --framework ID CONTROL [--format table|json]")
	}
	ref, err := controlRef(pos[0], *framework)
	if err != nil {
		return err
	}
	cat, err := c.catalog(ctx)
	if err != nil {
		return err
	}
	if _, err := cat.Framework(ref.Framework); err != nil {
		return frameworkErr(ref.Framework)
	}
	ctl, err := cat.Control(ref)
	if err != nil {
		return vigil.Errorf(vigil.ENOTFOUND, "framework %s has no control %q (see 'vigil controls list --framework %s')", ref.Framework, ref.Control, ref.Framework)
	}
	ref = ctl.Ref()
	v := &controlView{Control: ctl, Children: cat.Children(ref), Crosswalk: []vigil.Control{}, Checks: []checkSummary{}, Attestations: []attestationView{}}
	if v.Children == nil {
		v.Children = []vigil.Control{}
	}
	if ctl.Parent != "" {
		if p, err := cat.Control(vigil.ControlRef{Framework: ref.Framework, Control: ctl.Parent}); err == nil {
			v.Parent = &p
		}
	}
	for _, r := range cat.Crosswalk(ref) {
		if x, err := cat.Control(r); err == nil {
			v.Crosswalk = append(v.Crosswalk, x)
		}
	}
	stored, err := c.db.FindChecks(ctx, nil)
	if err != nil {
		return err
	}
	for _, cv := range stored {
		s := summarizeCheck(cv)
		for _, r := range s.Controls {
			if canon, ok := cat.Resolve(r); ok && canon == ref {
				v.Checks = append(v.Checks, s)
				break
			}
		}
	}
	atts, err := c.db.FindAttestations(ctx, ref.Framework, nil)
	if err != nil {
		return err
	}
	now := c.db.Now()
	for _, a := range atts {
		if a.Control == ref {
			v.Attestations = append(v.Attestations, attestationView{Attestation: a, Overdue: a.Overdue(now)})
		}
	}
	ev, err := c.db.FindEvaluation(ctx, ref.Framework, 0)
	if err != nil && vigil.ErrorCode(err) != vigil.ENOTFOUND {
		return err
	}
	if ev != nil {
		for _, ce := range ev.Controls {
			if ce.ID == ref.Control {
				v.Evaluation = &controlVerdict{EvaluationID: ev.ID, At: ev.At, ControlEvaluation: ce}
			}
		}
	}
	if c.format == "json" {
		return writeJSONOut(m.Stdout, v)
	}
	return v.writeText(m.Stdout, *limit)
}

// controlRef reads "framework:control", or a bare control id of the
// framework given by --framework.
func controlRef(arg, framework string) (vigil.ControlRef, error) {
	if framework != "" {
		arg = strings.TrimPrefix(arg, framework+":")
		r := vigil.ControlRef{Framework: framework, Control: arg}
		return r, r.Validate()
	}
	r, err := vigil.ParseControlRef(arg)
	if err != nil {
		return r, usagef("%q: name the control as framework:control (hipaa:164.312(e)(1)) or give --framework", arg)
	}
	return r, nil
}

func (v *controlView) writeText(w io.Writer, limit int) error {
	c := v.Control
	fmt.Fprintf(w, "%s  %s\n", c.Ref(), c.Title)
	kind := string(c.Kind)
	for _, s := range []string{string(c.Requirement), c.Tier} {
		if s != "" {
			kind += ", " + s
		}
	}
	if c.Withdrawn {
		kind += ", withdrawn"
	}
	fmt.Fprintf(w, "kind: %s\n", kind)
	if v.Parent != nil {
		fmt.Fprintf(w, "parent: %s  %s\n", v.Parent.ID, firstLine(v.Parent.Title))
	}
	if c.Text != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(c.Text))
	}
	if c.Note != "" {
		fmt.Fprintf(w, "\nnote: %s\n", strings.TrimSpace(c.Note))
	}
	section := func(title string, n int) bool {
		fmt.Fprintf(w, "\n%s (%d)\n", title, n)
		return n > 0
	}
	if section("children", len(v.Children)) {
		for _, ch := range v.Children {
			fmt.Fprintf(w, "  %s  %s\n", ch.ID, firstLine(ch.Title))
		}
	}
	if section("crosswalk", len(v.Crosswalk)) {
		for _, x := range v.Crosswalk {
			fmt.Fprintf(w, "  %s  %s\n", x.Ref(), firstLine(x.Title))
		}
	}
	if section("checks naming it", len(v.Checks)) {
		for _, s := range v.Checks {
			fmt.Fprintf(w, "  %s (version %d, %s, %s)  %s\n", s.ID, s.Version, enabledWord(s.Enabled), s.Severity, s.Title)
		}
	}
	if section("attestations in force", len(v.Attestations)) {
		for _, a := range v.Attestations {
			fmt.Fprintf(w, "  %s by %s on %s, next due %s%s\n", a.Answer, a.Owner, day(a.Date), day(a.NextDue), overdueMark(a.Overdue))
		}
	}
	e := v.Evaluation
	if e == nil {
		fmt.Fprintf(w, "\nlatest evaluation: none yet (run 'vigil evaluate --framework %s')\n", c.Framework)
		return nil
	}
	fmt.Fprintf(w, "\nlatest evaluation (#%d, at %s): %s\n", e.EvaluationID, e.At.Format(time.RFC3339), e.Verdict)
	if e.Basis != "" {
		fmt.Fprintf(w, "  %s\n", e.Basis)
	}
	if len(e.FailingDevices) == 0 {
		return nil
	}
	fmt.Fprintf(w, "\nfailing devices (%d)\n", len(e.FailingDevices))
	t := &table{header: []string{"DEVICE", "ASSET_TAG", "CHECK", "REASON"}}
	for i, fd := range e.FailingDevices {
		if limit > 0 && i == limit {
			t.add("...", fmt.Sprintf("%d more", len(e.FailingDevices)-limit), "", "--format json lists them all")
			break
		}
		t.add(strconv.FormatInt(fd.ID, 10), fd.AssetTag, fd.Check, oneLine(fd.Reason))
	}
	return t.writeText(w)
}

func day(t time.Time) string { return t.Format("2006-01-02") }

func overdueMark(overdue bool) string {
	if overdue {
		return "  OVERDUE (counts as not met)"
	}
	return ""
}

func enabledWord(on bool) string {
	if on {
		return "enabled"
	}
	return "disabled"
}
