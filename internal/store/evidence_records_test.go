package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

var (
	admin   = &vigil.User{Name: "ada", Role: vigil.RoleAdmin}
	officer = &vigil.User{Name: "cora", Role: vigil.RoleCompliance}
)

func addEvidence(t *testing.T, db *store.DB, actor *vigil.User, e *vigil.Evidence) *vigil.Evidence {
	t.Helper()
	if err := db.Update(context.Background(), func(tx *store.Tx) error { return tx.AddEvidence(context.Background(), actor, e) }); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestEvidenceRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return start }
		hipaa := vigil.ControlRef{Framework: "hipaa", Control: "164.308(a)(5)"}
		first := addEvidence(t, db, officer, &vigil.Evidence{Key: "aa", Title: "Training roster", FileName: "roster.pdf", MediaType: "application/pdf", Size: 10,
			Areas: []vigil.EvidenceArea{vigil.EvidenceAreaTraining}, Controls: []vigil.ControlRef{hipaa, {Framework: "csf2", Control: "PR.AT-01"}},
			Devices: []int64{7, 3}, EffectiveFrom: start.AddDate(0, -3, 0), EffectiveTo: start, ExpiresAt: start.AddDate(1, 0, 0)})
		if first.ID == 0 || first.Version != 1 || first.AddedBy != "cora" || !first.AddedAt.Equal(start) || !first.CollectedAt.Equal(start) {
			t.Fatalf("first version: %+v", first)
		}
		got, err := db.EvidenceByID(ctx, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(first, got); diff != "" {
			t.Errorf("read back (-want +got):\n%s", diff)
		}
		if got.Digest() != first.Digest() {
			t.Error("the digest of the stored record differs from the one written")
		}

		other := addEvidence(t, db, nil, &vigil.Evidence{Key: "bb", Title: "Inventory snapshot", Areas: []vigil.EvidenceArea{vigil.EvidenceAreaInventory}, Auto: true})
		db.Now = func() time.Time { return start.Add(time.Hour) }
		second := addEvidence(t, db, officer, &vigil.Evidence{Key: "cc", Title: "Training roster", Areas: []vigil.EvidenceArea{vigil.EvidenceAreaTraining},
			Controls: []vigil.ControlRef{hipaa}, Supersedes: first.ID})
		if second.Version != 2 {
			t.Fatalf("second version: %d", second.Version)
		}
		// Only the newest version may be superseded.
		err = db.Update(ctx, func(tx *store.Tx) error {
			return tx.AddEvidence(ctx, officer, &vigil.Evidence{Key: "dd", Title: "Fork", Areas: []vigil.EvidenceArea{"training"}, Supersedes: first.ID})
		})
		if vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("superseding an old version: %v", err)
		}

		ids := func(list []*vigil.Evidence) []int64 {
			out := []int64{}
			for _, e := range list {
				out = append(out, e.ID)
			}
			return out
		}
		auto := true
		for _, tt := range []struct {
			name string
			f    vigil.EvidenceFilter
			want []int64
		}{
			{"latest", vigil.EvidenceFilter{}, []int64{second.ID, other.ID}},
			{"all versions", vigil.EvidenceFilter{AllVersions: true}, []int64{second.ID, other.ID, first.ID}},
			{"control", vigil.EvidenceFilter{Control: &hipaa}, []int64{second.ID}},
			{"old control", vigil.EvidenceFilter{Control: &vigil.ControlRef{Framework: "csf2", Control: "PR.AT-01"}, AllVersions: true}, []int64{first.ID}},
			{"area", vigil.EvidenceFilter{Area: vigil.EvidenceAreaInventory}, []int64{other.ID}},
			{"device", vigil.EvidenceFilter{DeviceID: 7, AllVersions: true}, []int64{first.ID}},
			{"key", vigil.EvidenceFilter{Key: "bb"}, []int64{other.ID}},
			{"auto", vigil.EvidenceFilter{Auto: &auto}, []int64{other.ID}},
			{"title", vigil.EvidenceFilter{Title: "Training roster", AllVersions: true}, []int64{second.ID, first.ID}},
		} {
			list, err := db.FindEvidence(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, ids(list)); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.name, diff)
			}
		}
		hist, err := db.EvidenceHistory(ctx, second.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]int64{first.ID, second.ID}, ids(hist)); diff != "" {
			t.Errorf("history (-want +got):\n%s", diff)
		}

		// The audit trail holds each record's digest, in an unbroken chain.
		audit, err := db.FindEvidenceAudit(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range []*vigil.Evidence{first, other, second} {
			if audit[e.ID].Digest != e.Digest() {
				t.Errorf("evidence %d: audited digest %q, want %q", e.ID, audit[e.ID].Digest, e.Digest())
			}
		}
		if _, brk, err := db.VerifyAuditLog(ctx); err != nil || brk != nil {
			t.Fatalf("audit chain: %v %v", brk, err)
		}
	})
}

func TestDeleteEvidenceRetention(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return start }
		e := addEvidence(t, db, officer, &vigil.Evidence{Key: "aa", Title: "BAA", Areas: []vigil.EvidenceArea{vigil.EvidenceAreaVendorManagement}})
		del := func(actor *vigil.User, force bool, reason string) error {
			return db.Update(ctx, func(tx *store.Tx) error { _, err := tx.DeleteEvidence(ctx, actor, e.ID, force, reason); return err })
		}
		if err := del(officer, true, "mistake"); vigil.ErrorCode(err) != vigil.EFORBIDDEN {
			t.Errorf("deletion by a compliance officer: %v", err)
		}
		if err := del(admin, false, ""); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Errorf("deletion within retention: %v", err)
		}
		if err := del(admin, true, " "); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("forced deletion without a reason: %v", err)
		}
		if err := del(admin, true, "uploaded to the wrong hospital"); err != nil {
			t.Fatalf("forced deletion: %v", err)
		}
		if _, err := db.EvidenceByID(ctx, e.ID); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("after deletion: %v", err)
		}
		events, err := db.FindAuditEvents(ctx, vigil.AuditFilter{ObjectType: "evidence"})
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 2 || events[0].Action != "evidence.delete" || events[0].Actor != "ada" {
			t.Fatalf("audit events: %+v", events)
		}
		for _, want := range []string{`"forced":true`, `"reason":"uploaded to the wrong hospital"`} {
			if !strings.Contains(events[0].Detail, want) {
				t.Errorf("delete event %s lacks %s", events[0].Detail, want)
			}
		}
		audit, _ := db.FindEvidenceAudit(ctx)
		if !audit[e.ID].Deleted {
			t.Error("the trail does not record the deletion")
		}

		// Past retention an admin deletes without forcing.
		old := addEvidence(t, db, officer, &vigil.Evidence{Key: "bb", Title: "Old BAA", Areas: []vigil.EvidenceArea{"vendor-management"}})
		db.Now = func() time.Time { return start.AddDate(vigil.RetentionYears, 0, 1) }
		if err := db.Update(ctx, func(tx *store.Tx) error { _, err := tx.DeleteEvidence(ctx, admin, old.ID, false, ""); return err }); err != nil {
			t.Fatalf("deletion after retention: %v", err)
		}
	})
}

func TestAttestationEvidence(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		e := addEvidence(t, db, officer, &vigil.Evidence{Key: "aa", Title: "Risk analysis", Areas: []vigil.EvidenceArea{"governance"}})
		day := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
		a := &vigil.Attestation{Control: vigil.ControlRef{Framework: "hipaa", Control: "164.308(a)(1)(ii)(A)"}, Owner: "CISO", Answer: vigil.VerdictMet,
			Date: day, NextDue: day.AddDate(1, 0, 0), Evidence: []int64{e.ID}}
		if err := db.Update(ctx, func(tx *store.Tx) error { return tx.AddAttestation(ctx, officer, a) }); err != nil {
			t.Fatal(err)
		}
		atts, err := db.FindAttestations(ctx, "hipaa", nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(atts) != 1 || !cmp.Equal(atts[0].Evidence, []int64{e.ID}) {
			t.Fatalf("attestations: %+v", atts)
		}
		a.Evidence = []int64{e.ID + 100}
		err = db.Update(ctx, func(tx *store.Tx) error { return tx.AddAttestation(ctx, officer, a) })
		if vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("attaching missing evidence: %v", err)
		}
	})
}
