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

func TestEvaluationAt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		day := func(d int) time.Time { return time.Date(2026, 3, d, 12, 0, 0, 0, time.UTC) }
		// Runs stored out of order: a later run evaluated an earlier date.
		var ids []int64
		for _, at := range []time.Time{day(1), day(10), day(5)} {
			ev := &vigil.Evaluation{Framework: "hipaa", At: at}
			if err := db.Update(ctx, func(tx *store.Tx) error { return tx.SaveEvaluation(ctx, nil, ev) }); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, ev.ID)
		}
		for _, c := range []struct {
			at   time.Time
			want int64
		}{{day(1), ids[0]}, {day(4), ids[0]}, {day(5), ids[2]}, {day(9), ids[2]}, {day(20), ids[1]}} {
			ev, err := db.FindEvaluationAt(ctx, "hipaa", c.at)
			if err != nil {
				t.Fatal(err)
			}
			if ev.ID != c.want {
				t.Errorf("at %s: run %d, want %d", c.at, ev.ID, c.want)
			}
		}
		if _, err := db.FindEvaluationAt(ctx, "hipaa", day(1).Add(-time.Second)); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("before the first run: %v", err)
		}
		if _, err := db.FindEvaluationAt(ctx, "csf2", day(20)); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("another framework: %v", err)
		}
	})
}

func TestVulnerabilitiesAt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return clock }
		update := func(fn func(tx *store.Tx) error) {
			t.Helper()
			if err := db.Update(ctx, fn); err != nil {
				t.Fatal(err)
			}
		}
		update(func(tx *store.Tx) error {
			for _, id := range []string{"CVE-1", "CVE-2"} {
				if err := tx.UpsertVulnerability(ctx, &vigil.Vulnerability{ID: id}); err != nil {
					return err
				}
			}
			return nil
		})
		match := func(ms ...vigil.VulnMatch) {
			update(func(tx *store.Tx) error {
				_, err := tx.ReplaceMatches(ctx, nil, [][]vigil.VulnMatch{ms}, nil)
				return err
			})
		}
		aff := func(dev int64, vuln string) vigil.VulnMatch {
			return vigil.VulnMatch{DeviceID: dev, VulnID: vuln, Status: vigil.StatusAffected}
		}
		match(aff(1, "CVE-1"))         // 1 March
		clock = clock.AddDate(0, 0, 1) // 2 March: CVE-2 opens on two devices
		match(aff(1, "CVE-1"), aff(1, "CVE-2"), aff(2, "CVE-2"))
		clock = clock.AddDate(0, 0, 1) // 3 March: CVE-1 closes
		match(aff(1, "CVE-2"), aff(2, "CVE-2"))

		counts := func(f vigil.VulnFilter) map[string]int {
			t.Helper()
			vs, total, err := db.FindVulnerabilities(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if total != len(vs) {
				t.Errorf("total %d, listed %d", total, len(vs))
			}
			m := map[string]int{}
			for _, v := range vs {
				m[v.ID] = v.Devices
			}
			return m
		}
		at := func(d int) *time.Time { t := time.Date(2026, 3, d, 12, 0, 0, 0, time.UTC); return &t }
		for _, c := range []struct {
			f    vigil.VulnFilter
			want map[string]int
		}{
			{vigil.VulnFilter{At: at(1)}, map[string]int{"CVE-1": 1}},
			{vigil.VulnFilter{At: at(2)}, map[string]int{"CVE-1": 1, "CVE-2": 2}},
			{vigil.VulnFilter{At: at(2), Query: "cve-2", Affecting: true}, map[string]int{"CVE-2": 2}},
			{vigil.VulnFilter{At: at(3)}, map[string]int{"CVE-2": 2}},
			{vigil.VulnFilter{At: at(0)}, map[string]int{}},
			{vigil.VulnFilter{}, map[string]int{"CVE-1": 0, "CVE-2": 2}},
		} {
			if diff := cmp.Diff(c.want, counts(c.f)); diff != "" {
				t.Errorf("%+v (-want +got):\n%s", c.f, diff)
			}
		}
	})
}
