package assurance_test

import (
	"context"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/assurance"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestPlanFollowsEvaluations stores evaluations by hand: a control that
// fails on an attestation opens an item, a later passing evaluation closes
// it, and a hand-set owner survives the syncs.
func TestPlanFollowsEvaluations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		actor := &vigil.User{Name: "carol", Role: vigil.RoleCompliance}
		now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		svc := assurance.New(db, nil)
		save := func(v vigil.Verdict, answer vigil.Verdict) {
			t.Helper()
			ce := vigil.ControlEvaluation{ID: "164.308(a)(2)", Title: "Assigned Security Responsibility", Verdict: v,
				Attestations: []vigil.Attestation{{ID: 1, Control: vigil.ControlRef{Framework: "hipaa", Control: "164.308(a)(2)"}, Owner: "CISO", Answer: answer,
					Date: now.Add(-24 * time.Hour), NextDue: now.Add(300 * 24 * time.Hour)}}}
			ev := &vigil.Evaluation{Framework: "hipaa", At: now, Controls: []vigil.ControlEvaluation{ce}}
			if err := db.Update(ctx, func(tx *store.Tx) error { return tx.SaveEvaluation(ctx, nil, ev) }); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := svc.MockAudit(ctx, actor, "hipaa", 5, 7); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Fatalf("audit before any evaluation: %v", err)
		}
		save(vigil.VerdictNotMet, vigil.VerdictNotMet)
		if err := svc.Changed(ctx, nil); err != nil {
			t.Fatal(err)
		}
		items, err := svc.ListPlan(ctx, vigil.PlanFilter{Status: vigil.PlanOpen, Kind: vigil.PlanFailedControl})
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 1 || items[0].Owner != "CISO" || items[0].Key != "failed-control/hipaa/164.308(a)(2)" {
			t.Fatalf("plan: %+v", items)
		}
		id := items[0].ID
		if _, err := svc.SetOwner(ctx, actor, id, "Deputy CISO"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SetDue(ctx, actor, id, now.Add(10*24*time.Hour)); err != nil {
			t.Fatal(err)
		}

		// Two audits with one seed ask for the same evidence; the plan
		// takes up what is missing.
		a1, err := svc.MockAudit(ctx, actor, "hipaa", 5, 7)
		if err != nil {
			t.Fatal(err)
		}
		a2, err := svc.MockAudit(ctx, actor, "hipaa", 5, 7)
		if err != nil {
			t.Fatal(err)
		}
		if a1.ID == a2.ID || a1.Score != a2.Score || len(a1.Requests) != len(a2.Requests) || len(a1.Notes) == 0 {
			t.Fatalf("two audits of one seed: %+v %+v", a1, a2)
		}
		cmp, err := svc.CompareAudits(ctx, a2.ID, a1.ID)
		if err != nil || cmp.From != a1.ID || len(cmp.Improved)+len(cmp.Regressed) != 0 {
			t.Fatalf("comparison: %+v %v", cmp, err)
		}

		now = now.Add(24 * time.Hour)
		save(vigil.VerdictMet, vigil.VerdictMet)
		if err := svc.Changed(ctx, nil); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindPlanItem(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != vigil.PlanClosed || !got.Closed.Equal(now) || got.Owner != "Deputy CISO" {
			t.Errorf("after the control passed: %+v", got)
		}
		if _, err := svc.ListPlan(ctx, vigil.PlanFilter{Status: "pending"}); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("bad status: %v", err)
		}
	})
}
