package inventory_test

import (
	"context"
	"testing"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/inventory"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestBulkReview acknowledges several discrepancies and decides several
// identity conflicts with one note each: all of them or, when the note is
// missing or a key is unknown, none.
func TestBulkReview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		importHospital(t, db)
		inv := svc(t, db)
		actor := &vigil.User{Name: "dana", Role: vigil.RoleClinicalEngineering}
		open := func() int {
			t.Helper()
			n, err := db.CountDiscrepancies(ctx, vigil.DiscrepancyFilter{})
			if err != nil {
				t.Fatal(err)
			}
			total := 0
			for _, c := range n {
				total += c
			}
			return total
		}
		ds, err := db.FindDiscrepancies(ctx, vigil.DiscrepancyFilter{Limit: 3})
		if err != nil || len(ds) != 3 {
			t.Fatalf("discrepancies: %d, %v", len(ds), err)
		}
		keys := []string{ds[0].Key, ds[1].Key, ds[2].Key, ds[0].Key}
		before := open()
		for _, c := range []struct {
			keys []string
			note string
			code string
		}{
			{keys, "", vigil.EINVALID},
			{keys, " \t", vigil.EINVALID},
			{nil, "reviewed", vigil.EINVALID},
			{append(keys[:2:2], "stale|0||nobody"), "reviewed", vigil.ENOTFOUND},
		} {
			if _, err := inv.AckDiscrepancies(ctx, actor, c.keys, c.note); vigil.ErrorCode(err) != c.code {
				t.Errorf("acknowledging %d with note %q: %v, want %s", len(c.keys), c.note, err, c.code)
			}
		}
		if open() != before {
			t.Fatalf("a refused acknowledgement changed the list")
		}
		n, err := inv.AckDiscrepancies(ctx, actor, keys, "reviewed with biomed, 2026-03-02")
		if err != nil || n != 3 {
			t.Fatalf("acknowledged %d, %v; want 3", n, err)
		}
		if got := open(); got != before-3 {
			t.Errorf("%d open after acknowledging 3 of %d", got, before)
		}

		cs, err := db.FindConflicts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) < 2 {
			t.Skipf("the generated hospital has %d identity conflicts", len(cs))
		}
		pairs := []inventory.RecordPair{{A: cs[0].KeyA, B: cs[0].KeyB}, {A: cs[1].KeyB, B: cs[1].KeyA}}
		if _, err := inv.DecideIdentities(ctx, actor, pairs, true, "  "); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("same device with no note: %v, want EINVALID", err)
		}
		if _, err := inv.DecideIdentity(ctx, actor, cs[0].KeyA, cs[0].KeyB, true, ""); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("one conflict, same device with no note: %v, want EINVALID", err)
		}
		if after, _ := db.FindConflicts(ctx); len(after) != len(cs) {
			t.Fatalf("a refused decision changed the queue: %d, was %d", len(after), len(cs))
		}
		if _, err := inv.DecideIdentities(ctx, actor, pairs, false, ""); err != nil {
			t.Fatalf("different devices, no note needed: %v", err)
		}
		after, err := db.FindConflicts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(after) != len(cs)-2 {
			t.Errorf("%d conflicts after deciding 2 of %d", len(after), len(cs))
		}
		events, err := db.FindAuditEvents(ctx, vigil.AuditFilter{ObjectType: "record", Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		decided := 0
		for _, e := range events {
			if e.Action == "identity.decide" {
				decided++
			}
		}
		if decided != 2 {
			t.Errorf("%d decisions audited, want 2", decided)
		}
	})
}
