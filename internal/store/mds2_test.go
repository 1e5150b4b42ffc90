package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

func TestMDS2Forms(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		actor := &vigil.User{Name: "alice", Role: vigil.RoleCompliance}
		form := func(maker, model, answer string) *vigil.MDS2Form {
			f := &vigil.MDS2Form{Manufacturer: maker, Model: model, DocumentID: "D-1", ReleaseDate: "2026-03-20", File: "f.xlsx",
				Questions: []vigil.MDS2Question{{ID: "DOC-1", Text: maker}, {ID: "STCF-1", Question: "At rest?", Answer: vigil.MDS2Answer(answer), Notes: "n"}}}
			f.DeriveFacts()
			return f
		}
		v1, v2, other := form("Acme Medical", "X1", "No"), form("ACME  medical", "x1", "Yes"), form("Other", "Y", "Yes")
		for _, f := range []*vigil.MDS2Form{v1, v2, other} {
			if err := db.Update(ctx, func(tx *store.Tx) error { return tx.SaveMDS2(ctx, actor, f) }); err != nil {
				t.Fatal(err)
			}
		}
		if v1.Version != 1 || v2.Version != 2 || other.Version != 1 || v2.ImportedBy != "alice" {
			t.Fatalf("versions %d %d %d, imported by %q", v1.Version, v2.Version, other.Version, v2.ImportedBy)
		}
		got, err := db.FindMDS2Form(ctx, v1.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(v1, got); diff != "" {
			t.Errorf("read back (-want +got):\n%s", diff)
		}
		latest, err := db.FindMDS2Forms(ctx, false)
		if err != nil {
			t.Fatal(err)
		}
		noQ := cmpopts.IgnoreFields(vigil.MDS2Form{}, "Questions")
		if diff := cmp.Diff([]*vigil.MDS2Form{v2, other}, latest, noQ); diff != "" {
			t.Errorf("latest (-want +got):\n%s", diff)
		}
		if latest[0].Facts.EncryptsAtRest != vigil.MDS2Yes || latest[0].Questions != nil {
			t.Errorf("latest %+v", latest[0])
		}
		all, err := db.FindMDS2Forms(ctx, true)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]*vigil.MDS2Form{v2, v1, other}, all, noQ); diff != "" {
			t.Errorf("all (-want +got):\n%s", diff)
		}
		if _, err := db.FindMDS2Form(ctx, 999); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("missing form: %v", err)
		}
		err = db.Update(ctx, func(tx *store.Tx) error { return tx.SaveMDS2(ctx, actor, &vigil.MDS2Form{Model: "X"}) })
		if vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("form without a manufacturer: %v", err)
		}
		events, err := db.FindAuditEvents(ctx, vigil.AuditFilter{ObjectType: "mds2_form"})
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 3 {
			t.Errorf("%d mds2_form audit events, want 3", len(events))
		}
	})
}

// TestMDS2FormsAt reads the form in force at a date: the newest version
// imported by then.
func TestMDS2FormsAt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		day := func(d int) time.Time { return time.Date(2026, 3, d, 12, 0, 0, 0, time.UTC) }
		save := func(d int, answer vigil.MDS2Answer) {
			db.Now = func() time.Time { return day(d) }
			f := &vigil.MDS2Form{Manufacturer: "Acme", Model: "X1", Questions: []vigil.MDS2Question{{ID: "STCF-1", Answer: answer}}}
			f.DeriveFacts()
			if err := db.Update(ctx, func(tx *store.Tx) error { return tx.SaveMDS2(ctx, nil, f) }); err != nil {
				t.Fatal(err)
			}
		}
		save(2, vigil.MDS2No)
		save(10, vigil.MDS2Yes)
		for _, tc := range []struct {
			at      *time.Time
			version int
		}{{nil, 2}, {new(day(11)), 2}, {new(day(5)), 1}, {new(day(1)), 0}} {
			forms, err := db.FindMDS2FormsAt(ctx, tc.at)
			if err != nil {
				t.Fatal(err)
			}
			got := 0
			if len(forms) == 1 {
				got = forms[0].Version
			} else if len(forms) > 1 {
				t.Fatalf("at %v: %d forms", tc.at, len(forms))
			}
			if got != tc.version {
				t.Errorf("at %v: version %d, want %d", tc.at, got, tc.version)
			}
		}
	})
}
