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

// TestDiscrepancyHistory records the discrepancies of two days: each
// resolution writes the day's count of every kind, an acknowledgement the
// day's unacknowledged count, and several acknowledgements with one note
// commit together or not at all.
func TestDiscrepancyHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		day1 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		day2 := day1.AddDate(0, 0, 1)
		clock := day1
		db.Now = func() time.Time { return clock }
		actor := &vigil.User{Name: "dana", Role: vigil.RoleClinicalEngineering}
		disc := func(kind vigil.DiscrepancyKind, dev int64) *vigil.Discrepancy {
			return &vigil.Discrepancy{Kind: kind, Device: vigil.DeviceRef{ID: dev}, Sources: []string{"cmms"}}
		}
		sync := func(ds ...*vigil.Discrepancy) {
			t.Helper()
			err := db.Update(ctx, func(tx *store.Tx) error {
				return tx.SyncDiscrepancies(ctx, func(yield func(*vigil.Discrepancy) error) error {
					for _, d := range ds {
						if err := yield(d); err != nil {
							return err
						}
					}
					return nil
				})
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		ack := func(note string, keys ...string) error {
			return db.Update(ctx, func(tx *store.Tx) error { return tx.AckDiscrepancies(ctx, actor, keys, note) })
		}
		count := func(day time.Time, kind vigil.DiscrepancyKind, total, unacked int) vigil.DiscrepancyCount {
			return vigil.DiscrepancyCount{Day: day.Truncate(24 * time.Hour), Kind: kind, Total: total, Unacked: unacked}
		}
		// every is a day's counts of every kind, in report order.
		every := func(day time.Time, n map[vigil.DiscrepancyKind][2]int) []vigil.DiscrepancyCount {
			var out []vigil.DiscrepancyCount
			for _, k := range vigil.DiscrepancyKinds {
				out = append(out, count(day, k, n[k][0], n[k][1]))
			}
			return out
		}

		sync(disc(vigil.DiscrepancyStale, 1), disc(vigil.DiscrepancyStale, 2), disc(vigil.DiscrepancyUnmanaged, 3))
		ds, err := db.FindDiscrepancies(ctx, vigil.DiscrepancyFilter{Kind: vigil.DiscrepancyStale})
		if err != nil || len(ds) != 2 {
			t.Fatalf("stale discrepancies: %d, %v", len(ds), err)
		}
		// An empty note, or a key of no current discrepancy among good
		// ones, acknowledges nothing.
		if err := ack("  ", ds[0].Key); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("an empty note: %v, want EINVALID", err)
		}
		if err := ack("known", ds[0].Key, "stale|99||cmms"); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("an unknown key: %v, want ENOTFOUND", err)
		}
		if n, _ := db.CountDiscrepancies(ctx, vigil.DiscrepancyFilter{}); n[vigil.DiscrepancyStale] != 2 {
			t.Fatalf("a refused acknowledgement acknowledged something: %v", n)
		}
		if err := ack("decommissioned, awaiting pickup", ds[0].Key); err != nil {
			t.Fatal(err)
		}
		hist, err := db.DiscrepancyHistory(ctx, time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		want := every(day1, map[vigil.DiscrepancyKind][2]int{vigil.DiscrepancyStale: {2, 1}, vigil.DiscrepancyUnmanaged: {1, 1}})
		if diff := cmp.Diff(want, hist); diff != "" {
			t.Fatalf("day 1 (-want +got):\n%s", diff)
		}
		if n := acks(t, db); n != 1 {
			t.Fatalf("ack events: %d, want 1", n)
		}

		// The next day: one stale device left (the acknowledged one), two
		// duplicates; both duplicates acknowledged with one note.
		clock = day2
		sync(disc(vigil.DiscrepancyStale, 1), disc(vigil.DiscrepancyDuplicate, 4), disc(vigil.DiscrepancyDuplicate, 5))
		dups, err := db.FindDiscrepancies(ctx, vigil.DiscrepancyFilter{Kind: vigil.DiscrepancyDuplicate})
		if err != nil || len(dups) != 2 {
			t.Fatalf("duplicates: %d, %v", len(dups), err)
		}
		if err := ack("the CMMS lists loaners twice", dups[0].Key, dups[1].Key); err != nil {
			t.Fatal(err)
		}
		if n := acks(t, db); n != 3 {
			t.Errorf("each acknowledgement is audited: %d events, want 3", n)
		}
		hist, err = db.DiscrepancyHistory(ctx, day2)
		if err != nil {
			t.Fatal(err)
		}
		want = every(day2, map[vigil.DiscrepancyKind][2]int{vigil.DiscrepancyStale: {1, 0}, vigil.DiscrepancyDuplicate: {2, 0}})
		if diff := cmp.Diff(want, hist); diff != "" {
			t.Fatalf("day 2 (-want +got):\n%s", diff)
		}
		if all, _ := db.DiscrepancyHistory(ctx, time.Time{}); len(all) != 2*len(vigil.DiscrepancyKinds) {
			t.Errorf("the whole history holds %d rows, want two days of every kind", len(all))
		}
	})
}

// acks counts the audit trail's acknowledgements.
func acks(t *testing.T, db *store.DB) int {
	t.Helper()
	events, err := db.FindAuditEvents(context.Background(), vigil.AuditFilter{ObjectType: "discrepancy"})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range events {
		if e.Action == "discrepancy.ack" {
			n++
		}
	}
	return n
}
