package evaluate

import (
	"flag"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
)

var at = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// fw is a small framework: a standard with two specifications, and a
// standalone control.
func fw() *vigil.Framework {
	return &vigil.Framework{ID: "t", Title: "Test", Controls: []vigil.Control{
		{Framework: "t", ID: "S", Title: "Standard"},
		{Framework: "t", ID: "S.1", Title: "Spec one", Parent: "S"},
		{Framework: "t", ID: "S.2", Title: "Spec two", Parent: "S"},
		{Framework: "t", ID: "X", Title: "Alone"},
	}}
}

func run(id string, passed, failed, na int, controls ...string) *CheckRun {
	r := &CheckRun{ID: id, Title: id, Severity: "high", Passed: passed, Failed: failed, NotApplicable: na}
	for _, c := range controls {
		r.Controls = append(r.Controls, vigil.ControlRef{Framework: "t", Control: c})
	}
	for i := range failed {
		r.Failing = append(r.Failing, vigil.FailingDevice{ID: int64(99 + i), AssetTag: "A", Check: id, Reason: "because"})
	}
	return r
}

func attest(control string, answer vigil.Verdict, due time.Time) vigil.Attestation {
	return vigil.Attestation{Control: vigil.ControlRef{Framework: "t", Control: control}, Owner: "CISO", Answer: answer,
		Date: due.AddDate(-1, 0, 0), NextDue: due}
}

func verdicts(ev *vigil.Evaluation) map[string]vigil.Verdict {
	out := map[string]vigil.Verdict{}
	for _, c := range ev.Controls {
		out[c.ID] = c.Verdict
	}
	return out
}

func TestDecide(t *testing.T) {
	later := at.AddDate(0, 6, 0)
	for _, tc := range []struct {
		name   string
		checks []*CheckRun
		atts   []vigil.Attestation
		want   map[string]vigil.Verdict
	}{
		{"no evidence", nil, nil, map[string]vigil.Verdict{"S": "not-assessed", "S.1": "not-assessed", "S.2": "not-assessed", "X": "not-assessed"}},
		{"every device passes", []*CheckRun{run("c", 10, 0, 2, "S.1", "S.2")}, nil,
			map[string]vigil.Verdict{"S": "met", "S.1": "met", "S.2": "met", "X": "not-assessed"}},
		{"some fail", []*CheckRun{run("c", 8, 2, 0, "S.1"), run("d", 5, 0, 0, "S.2")}, nil,
			map[string]vigil.Verdict{"S": "partially-met", "S.1": "partially-met", "S.2": "met", "X": "not-assessed"}},
		{"all fail", []*CheckRun{run("c", 0, 3, 0, "S.1", "S.2")}, nil,
			map[string]vigil.Verdict{"S": "not-met", "S.1": "not-met", "S.2": "not-met", "X": "not-assessed"}},
		{"a part unassessed keeps the parent from met", []*CheckRun{run("c", 4, 0, 0, "S.1")}, nil,
			map[string]vigil.Verdict{"S": "partially-met", "S.1": "met", "S.2": "not-assessed", "X": "not-assessed"}},
		{"applies to no device", []*CheckRun{run("c", 0, 0, 9, "X")}, nil,
			map[string]vigil.Verdict{"S": "not-assessed", "S.1": "not-assessed", "S.2": "not-assessed", "X": "not-applicable"}},
		{"attestation holds", nil, []vigil.Attestation{attest("X", vigil.VerdictMet, later)},
			map[string]vigil.Verdict{"S": "not-assessed", "S.1": "not-assessed", "S.2": "not-assessed", "X": "met"}},
		{"overdue attestation is not met", nil, []vigil.Attestation{attest("X", vigil.VerdictMet, at)},
			map[string]vigil.Verdict{"S": "not-assessed", "S.1": "not-assessed", "S.2": "not-assessed", "X": "not-met"}},
		{"check and attestation disagree", []*CheckRun{run("c", 3, 0, 0, "X")}, []vigil.Attestation{attest("X", vigil.VerdictNotMet, later)},
			map[string]vigil.Verdict{"S": "not-assessed", "S.1": "not-assessed", "S.2": "not-assessed", "X": "partially-met"}},
		{"other frameworks' controls are ignored", []*CheckRun{{ID: "o", Passed: 1, Controls: []vigil.ControlRef{{Framework: "other", Control: "X"}}}}, nil,
			map[string]vigil.Verdict{"S": "not-assessed", "S.1": "not-assessed", "S.2": "not-assessed", "X": "not-assessed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev := Decide(Input{Framework: fw(), At: at, Checks: tc.checks, Attestations: tc.atts})
			if diff := cmp.Diff(tc.want, verdicts(ev)); diff != "" {
				t.Errorf("verdicts (-want +got):\n%s", diff)
			}
			sum := map[vigil.Verdict]int{}
			for _, v := range tc.want {
				sum[v]++
			}
			if diff := cmp.Diff(sum, ev.Summary); diff != "" {
				t.Errorf("summary (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecideEvidence(t *testing.T) {
	cw := func(r vigil.ControlRef) []vigil.ControlRef {
		if r.Control == "X" {
			return []vigil.ControlRef{{Framework: "csf2", Control: "PR.DS-02"}}
		}
		return nil
	}
	ev := Decide(Input{Framework: fw(), At: at, Checks: []*CheckRun{run("c", 1, 2, 0, "X")}, Crosswalk: cw,
		Attestations: []vigil.Attestation{attest("X", vigil.VerdictMet, at)}})
	x := ev.Controls[3]
	want := vigil.ControlEvaluation{ID: "X", Title: "Alone", Verdict: vigil.VerdictPartiallyMet,
		FailingDevices: []vigil.FailingDevice{{ID: 99, AssetTag: "A", Check: "c", Reason: "because"}, {ID: 100, AssetTag: "A", Check: "c", Reason: "because"}},
		Checks:         []vigil.CheckOutcome{{ID: "c", Title: "c", Severity: "high", Verdict: vigil.VerdictPartiallyMet, Passed: 1, Failed: 2}},
		Attestations:   []vigil.Attestation{attest("X", vigil.VerdictMet, at)},
		Crosswalk:      []vigil.ControlRef{{Framework: "csf2", Control: "PR.DS-02"}},
		Basis:          "1 check and 1 attestation (1 overdue)"}
	if diff := cmp.Diff(want, x); diff != "" {
		t.Errorf("control X (-want +got):\n%s", diff)
	}
	if s := ev.Controls[0]; s.Basis != "0 of 2 parts assessed" || len(s.Crosswalk) != 0 || s.FailingDevices == nil {
		t.Errorf("standard S: basis %q, crosswalk %v, failing %v", s.Basis, s.Crosswalk, s.FailingDevices)
	}
}

var seed = flag.Uint64("evaluate.seed", 0, "seed for TestDecideGenerated (0: from the clock)")

// TestDecideGenerated draws random frameworks and evidence and holds the
// verdicts to their definition: a leaf's verdict follows from its own
// evidence alone, a parent is never met while a part is unassessed, and the
// summary counts the controls.
func TestDecideGenerated(t *testing.T) {
	s := *seed
	if s == 0 {
		s = uint64(time.Now().UnixNano())
	}
	r := rand.New(rand.NewPCG(s, 1))
	defer func() {
		if t.Failed() {
			t.Logf("seed %d (rerun with -evaluate.seed=%d)", s, s)
		}
	}()
	for range 200 {
		f := &vigil.Framework{ID: "g"}
		n := 1 + r.IntN(30)
		for i := range n {
			c := vigil.Control{Framework: "g", ID: string(rune('A'+i%26)) + string(rune('a'+i/26))}
			if i > 0 && r.IntN(3) > 0 {
				c.Parent = f.Controls[r.IntN(i)].ID
			}
			f.Controls = append(f.Controls, c)
		}
		var runs []*CheckRun
		for k := range r.IntN(8) {
			cr := &CheckRun{ID: string(rune('a' + k)), Passed: r.IntN(3), Failed: r.IntN(3), NotApplicable: r.IntN(2)}
			for range 1 + r.IntN(3) {
				cr.Controls = append(cr.Controls, vigil.ControlRef{Framework: "g", Control: f.Controls[r.IntN(n)].ID})
			}
			runs = append(runs, cr)
		}
		ev := Decide(Input{Framework: f, At: at, Checks: runs})
		if len(ev.Controls) != n {
			t.Fatalf("%d controls decided, want %d", len(ev.Controls), n)
		}
		total := 0
		for _, c := range ev.Summary {
			total += c
		}
		if total != n {
			t.Fatalf("summary counts %d controls, want %d", total, n)
		}
		byID := map[string]vigil.ControlEvaluation{}
		for _, c := range ev.Controls {
			byID[c.ID] = c
		}
		for _, c := range f.Controls {
			got := byID[c.ID]
			hasChild, childUnassessed := false, false
			for _, d := range f.Controls {
				if d.Parent == c.ID {
					hasChild = true
					childUnassessed = childUnassessed || byID[d.ID].Verdict == vigil.VerdictNotAssessed
				}
			}
			if got.Verdict == vigil.VerdictMet && childUnassessed {
				t.Fatalf("%s is met with an unassessed part", c.ID)
			}
			if hasChild {
				continue
			}
			var tl tally
			for _, cr := range runs {
				for _, ref := range cr.Controls {
					if ref.Control == c.ID {
						tl.add(cr.Verdict())
						break
					}
				}
			}
			if want := tl.verdict(); got.Verdict != want {
				t.Fatalf("leaf %s: %s, want %s", c.ID, got.Verdict, want)
			}
		}
	}
}
