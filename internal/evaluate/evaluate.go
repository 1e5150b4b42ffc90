// Package evaluate decides every control of a framework from the evidence
// Vigil holds: what each device-level check found across the devices it
// applies to, and what people attested for the controls only they can
// answer. It is pure: the compliance service gathers the evidence from the
// store and runs the checks; this package only weighs it.
//
// The rules, in the order they apply to a control:
//  1. A check that names the control is evidence: met when every device it
//     applies to passes, not-met when none does, partially-met in between,
//     not-applicable when it applies to no device.
//  2. An attestation for the control is evidence: its answer while it holds,
//     not-met once it is overdue.
//  3. A control with children (a CSF category, a HIPAA standard with its
//     implementation specifications) also weighs its children's verdicts; it
//     is met only when nothing under it is left unassessed.
//
// Crosswalks are listed with each control, never used as evidence: published
// crosswalks map whole standards to many outcomes, and a check that proves
// one thing about devices does not prove every outcome mapped to its control.
//  4. Evidence combines: all met is met, all not-met is not-met, a mix is
//     partially-met; only not-applicable evidence is not-applicable; no
//     evidence at all is not-assessed.
package evaluate

import (
	"fmt"
	"sort"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// CheckRun is what one check found across the inventory.
type CheckRun struct {
	ID       string
	Title    string
	Severity string
	Controls []vigil.ControlRef // the controls the check names
	// Counts of the devices it passed, failed, did not apply to, and could
	// not evaluate.
	Passed, Failed, NotApplicable, Errors int
	// Failing are the devices it failed, with the reason, in device order.
	Failing []vigil.FailingDevice
}

// Verdict is the check's verdict by rule 1.
func (r *CheckRun) Verdict() vigil.Verdict {
	switch {
	case r.Passed+r.Failed+r.Errors == 0:
		return vigil.VerdictNotApplicable
	case r.Failed == 0 && r.Errors == 0:
		return vigil.VerdictMet
	case r.Passed == 0 && r.Errors == 0:
		return vigil.VerdictNotMet
	}
	return vigil.VerdictPartiallyMet
}

// Outcome is the check's line in a control's evidence.
func (r *CheckRun) Outcome() vigil.CheckOutcome {
	return vigil.CheckOutcome{ID: r.ID, Title: r.Title, Severity: r.Severity, Verdict: r.Verdict(),
		Passed: r.Passed, Failed: r.Failed, NotApplicable: r.NotApplicable, Errors: r.Errors}
}

// Input is the evidence for one framework at one time.
type Input struct {
	Framework *vigil.Framework
	At        time.Time
	Checks    []*CheckRun
	// Attestations valid at At, of any framework; those of other
	// frameworks are ignored.
	Attestations []vigil.Attestation
	// Crosswalk returns the controls of other frameworks a control serves
	// (both directions); nil means no crosswalks.
	Crosswalk func(vigil.ControlRef) []vigil.ControlRef
	// Resolve maps a control reference written another way (an alias) to
	// the catalog's; nil means references are taken as written.
	Resolve func(vigil.ControlRef) (vigil.ControlRef, bool)
}

// Decide weighs the evidence and returns every control's verdict, in the
// framework's order, with the summary counts.
func Decide(in Input) *vigil.Evaluation {
	fw := in.Framework
	ev := &vigil.Evaluation{Framework: fw.ID, At: in.At, Summary: map[vigil.Verdict]int{}, Controls: make([]vigil.ControlEvaluation, len(fw.Controls))}
	resolve := func(r vigil.ControlRef) vigil.ControlRef {
		if in.Resolve != nil {
			if rr, ok := in.Resolve(r); ok {
				return rr
			}
		}
		return r
	}
	// Which checks name which control.
	direct := map[string][]*CheckRun{}
	for _, c := range in.Checks {
		for _, ref := range c.Controls {
			if ref = resolve(ref); ref.Framework == fw.ID {
				direct[ref.Control] = appendRun(direct[ref.Control], c)
			}
		}
	}
	attest := map[string][]vigil.Attestation{}
	for _, a := range in.Attestations {
		if ref := resolve(a.Control); ref.Framework == fw.ID {
			attest[ref.Control] = append(attest[ref.Control], a)
		}
	}
	children := map[string][]int{}
	for i, c := range fw.Controls {
		if c.Parent != "" {
			children[c.Parent] = append(children[c.Parent], i)
		}
	}
	// Controls are listed parents before children: decide from the last up,
	// so every child is decided before its parent.
	for i := len(fw.Controls) - 1; i >= 0; i-- {
		c := &fw.Controls[i]
		ce := vigil.ControlEvaluation{ID: c.ID, Title: c.Title, FailingDevices: []vigil.FailingDevice{},
			Checks: []vigil.CheckOutcome{}, Attestations: []vigil.Attestation{}, Crosswalk: []vigil.ControlRef{}}
		if in.Crosswalk != nil {
			ce.Crosswalk = append(ce.Crosswalk, in.Crosswalk(c.Ref())...)
		}
		var t tally
		runs := direct[c.ID]
		for _, r := range runs {
			ce.Checks = append(ce.Checks, r.Outcome())
			t.add(r.Verdict())
		}
		for _, a := range attest[c.ID] {
			ce.Attestations = append(ce.Attestations, a)
			if a.Overdue(in.At) {
				t.add(vigil.VerdictNotMet)
				t.overdue++
			} else {
				t.add(a.Answer)
			}
		}
		own := t
		for _, ci := range children[c.ID] {
			t.add(ev.Controls[ci].Verdict)
		}
		ce.Verdict = t.verdict()
		ce.Basis = basis(own, t, len(runs), len(attest[c.ID]), len(children[c.ID]))
		ce.FailingDevices = mergeFailing(runs)
		ev.Controls[i] = ce
	}
	for _, ce := range ev.Controls {
		ev.Summary[ce.Verdict]++
	}
	return ev
}

// mergeFailing lists the failing devices of the runs in device order (each
// run's are in device order already). With one run its list is shared, not
// copied: an evaluation of a large hospital names every failing device under
// every control its checks serve. Callers treat the lists as read-only.
func mergeFailing(runs []*CheckRun) []vigil.FailingDevice {
	switch len(runs) {
	case 0:
		return []vigil.FailingDevice{}
	case 1:
		if runs[0].Failing == nil {
			return []vigil.FailingDevice{}
		}
		return runs[0].Failing
	}
	n := 0
	for _, r := range runs {
		n += len(r.Failing)
	}
	out := make([]vigil.FailingDevice, 0, n)
	for _, r := range runs {
		out = append(out, r.Failing...)
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].ID < out[b].ID })
	return out
}

// appendRun adds a check run once.
func appendRun(rs []*CheckRun, r *CheckRun) []*CheckRun {
	for _, x := range rs {
		if x == r {
			return rs
		}
	}
	return append(rs, r)
}

// tally counts the verdicts of a control's evidence.
type tally struct {
	met, partial, notMet, na, unassessed, overdue int
}

func (t *tally) add(v vigil.Verdict) {
	switch v {
	case vigil.VerdictMet:
		t.met++
	case vigil.VerdictPartiallyMet:
		t.partial++
	case vigil.VerdictNotMet:
		t.notMet++
	case vigil.VerdictNotApplicable:
		t.na++
	default:
		t.unassessed++
	}
}

func (t tally) decided() int { return t.met + t.partial + t.notMet }

// verdict combines the evidence by rules 4 and 5.
func (t tally) verdict() vigil.Verdict {
	switch {
	case t.decided() == 0 && t.na > 0 && t.unassessed == 0:
		return vigil.VerdictNotApplicable
	case t.decided() == 0:
		return vigil.VerdictNotAssessed
	case t.met == t.decided() && t.unassessed == 0:
		return vigil.VerdictMet
	case t.notMet == t.decided():
		return vigil.VerdictNotMet
	}
	return vigil.VerdictPartiallyMet
}

// basis says in a sentence what the verdict rests on.
func basis(own, all tally, checks, attestations, children int) string {
	var s string
	switch {
	case checks > 0 && attestations > 0:
		s = plural(checks, "check") + " and " + plural(attestations, "attestation")
	case checks > 0:
		s = plural(checks, "check")
	case attestations > 0:
		s = plural(attestations, "attestation")
	}
	if own.overdue > 0 {
		s += fmt.Sprintf(" (%d overdue)", own.overdue)
	}
	if children > 0 {
		decided := all.decided() + all.na - own.decided() - own.na
		if s != "" {
			s += "; "
		}
		s += fmt.Sprintf("%d of %d parts assessed", decided, children)
	}
	if s == "" {
		return "no check or attestation evidences it"
	}
	return s
}

// plural writes a count and a noun, with an s unless the count is one.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
