package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

func TestMockAudits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		actor := &vigil.User{Name: "alice", Role: vigil.RoleCompliance}
		at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		a := &vigil.MockAudit{Framework: "hipaa", Seed: 7, Sample: 2, At: at, EvaluationID: 3, Score: 62.5,
			Devices: []vigil.SampledDevice{{ID: 1, Label: "CE1", Risk: 40.5}},
			Areas:   []vigil.AreaScore{{Area: vigil.AreaInventory, Score: 62.5, Held: 1, Stale: 1, Missing: 0}},
			Requests: []vigil.EvidenceRequest{{Control: "c", Device: 1, Area: vigil.AreaInventory, EvidenceNeeded: vigil.EvidenceInventoryRecord,
				Status: vigil.RequestHeld, Evidence: []string{"device:1"}}}}
		if err := db.Update(ctx, func(tx *store.Tx) error { return tx.SaveMockAudit(ctx, actor, a) }); err != nil {
			t.Fatal(err)
		}
		if a.ID == 0 || a.RanBy != "alice" {
			t.Fatalf("id %d, ran by %q", a.ID, a.RanBy)
		}
		got, err := db.FindMockAudit(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(a, got); diff != "" {
			t.Errorf("read back (-want +got):\n%s", diff)
		}
		list, err := db.FindMockAudits(ctx, "hipaa", 0)
		if err != nil {
			t.Fatal(err)
		}
		want := []*vigil.MockAuditSummary{{ID: a.ID, Framework: "hipaa", Seed: 7, Sample: 2, At: at, RanBy: "alice", Score: 62.5, Areas: a.Areas, Requests: 1}}
		if diff := cmp.Diff(want, list); diff != "" {
			t.Errorf("list (-want +got):\n%s", diff)
		}
		if other, _ := db.FindMockAudits(ctx, "csf2", 0); len(other) != 0 {
			t.Errorf("csf2 lists %d audits", len(other))
		}
		if _, err := db.FindMockAudit(ctx, a.ID+1); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("missing audit: %v", err)
		}
		assertAudited(t, db, "audit.mock", 1)
	})
}

func TestPlanItems(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		actor := &vigil.User{Name: "bob", Role: vigil.RoleAdmin}
		opened := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		it := &vigil.PlanItem{Key: "kev/1/CVE-1", Kind: vigil.PlanKEVPastDue, DeviceID: 1, Devices: 1, Title: "Remediate CVE-1 on CE1",
			Owner: "Biomed", Due: opened.Add(48 * time.Hour), Priority: vigil.PriorityCritical, Status: vigil.PlanOpen, Evidence: []string{}, Opened: opened}
		it2 := &vigil.PlanItem{Key: "failed-control/hipaa/x", Kind: vigil.PlanFailedControl, Control: vigil.ControlRef{Framework: "hipaa", Control: "x"},
			Title: "x", Owner: "CISO", Due: opened.Add(24 * time.Hour), Priority: vigil.PriorityMedium, Status: vigil.PlanOpen, Evidence: []string{"attestation:2"}, Opened: opened}
		err := db.Update(ctx, func(tx *store.Tx) error {
			if err := tx.SavePlanItem(ctx, nil, it, "opened"); err != nil {
				return err
			}
			return tx.SavePlanItem(ctx, nil, it2, "opened")
		})
		if err != nil {
			t.Fatal(err)
		}
		all, err := db.FindPlanItems(ctx, vigil.PlanFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]*vigil.PlanItem{it2, it}, all); diff != "" {
			t.Errorf("plan (-want +got):\n%s", diff)
		}
		// Closing, a hand-set owner and due date, and the history.
		it2.Status, it2.Closed = vigil.PlanClosed, opened.Add(time.Hour)
		due := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
		err = db.Update(ctx, func(tx *store.Tx) error {
			if err := tx.SavePlanItem(ctx, nil, it2, "closed"); err != nil {
				return err
			}
			if _, err := tx.SetPlanOwner(ctx, actor, it.ID, " Imaging "); err != nil {
				return err
			}
			_, err := tx.SetPlanDue(ctx, actor, it.ID, due)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		open, err := db.FindPlanItems(ctx, vigil.PlanFilter{Status: vigil.PlanOpen, Owner: "Imaging"})
		if err != nil {
			t.Fatal(err)
		}
		if len(open) != 1 || open[0].ID != it.ID || !open[0].OwnerSet || !open[0].DueSet || !open[0].Due.Equal(due) {
			t.Fatalf("open items: %+v", open)
		}
		closed, err := db.FindPlanItems(ctx, vigil.PlanFilter{Status: vigil.PlanClosed, Framework: "hipaa", Kind: vigil.PlanFailedControl})
		if err != nil || len(closed) != 1 || !closed[0].Closed.Equal(it2.Closed) {
			t.Fatalf("closed items: %+v, %v", closed, err)
		}
		hist, err := db.PlanHistory(ctx, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		var changes []string
		for _, e := range hist {
			changes = append(changes, e.Change+" "+e.Detail+" by "+e.By)
		}
		want := []string{"opened kev-past-due by system", "owner Imaging by bob", "due 2026-04-01 by bob"}
		if diff := cmp.Diff(want, changes); diff != "" {
			t.Errorf("history (-want +got):\n%s", diff)
		}
		err = db.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.SetPlanOwner(ctx, actor, 999, "x")
			return err
		})
		if vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("unknown item: %v", err)
		}
		assertAudited(t, db, "plan.owner", 1)
		assertAudited(t, db, "plan.opened", 2)
		if n, brk, err := db.VerifyAuditLog(ctx); err != nil || brk != nil {
			t.Errorf("audit chain after %d events: %v %v", n, brk, err)
		}
	})
}

func assertAudited(t *testing.T, db *store.DB, action string, want int) {
	t.Helper()
	evs, err := db.FindAuditEvents(context.Background(), vigil.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range evs {
		if e.Action == action {
			n++
		}
	}
	if n != want {
		t.Errorf("%d %s audit events, want %d", n, action, want)
	}
}
