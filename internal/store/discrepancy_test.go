package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/gen"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestDiscrepancyPages pages through a generated hospital's discrepancies:
// the pages, in turn, are the whole list; the list is in report order
// (kind, device, field, key, text compared by bytes on both engines); and
// the counts by kind agree with it.
func TestDiscrepancyPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		importHospital(t, db)
		all, err := db.FindDiscrepancies(ctx, store.DiscrepancyFilter{})
		if err != nil {
			t.Fatal(err)
		}
		counts, err := db.CountDiscrepancies(ctx, store.DiscrepancyFilter{})
		if err != nil {
			t.Fatal(err)
		}
		want := map[vigil.DiscrepancyKind]int{}
		for _, d := range all {
			want[d.Kind]++
		}
		if diff := cmp.Diff(want, counts); diff != "" || len(counts) < 4 {
			t.Fatalf("counts by kind (-listed +counted):\n%s", diff)
		}
		if !slices.IsSortedFunc(all, func(a, b *store.Discrepancy) int {
			if c := a.Kind.Rank() - b.Kind.Rank(); c != 0 {
				return c
			}
			if a.Device.ID != b.Device.ID {
				return int(a.Device.ID - b.Device.ID)
			}
			if a.Field != b.Field {
				return strings.Compare(a.Field, b.Field)
			}
			return strings.Compare(a.Key, b.Key)
		}) {
			t.Fatal("discrepancies are not in report order")
		}
		var paged []*store.Discrepancy
		for off := 0; ; off += 37 {
			page, err := db.FindDiscrepancies(ctx, store.DiscrepancyFilter{Limit: 37, Offset: off})
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			paged = append(paged, page...)
		}
		if diff := cmp.Diff(all, paged); diff != "" {
			t.Fatalf("pages differ from the list (-list +pages):\n%s", diff)
		}
		stale, err := db.FindDiscrepancies(ctx, store.DiscrepancyFilter{Kind: vigil.DiscrepancyStale, Limit: 5, Offset: 2})
		if err != nil || len(stale) != 5 || stale[0].Key != all[slices.IndexFunc(all, func(d *store.Discrepancy) bool { return d.Kind == vigil.DiscrepancyStale })+2].Key {
			t.Fatalf("a page of one kind: %d, %v", len(stale), err)
		}
	})
}

// importHospital loads a small generated hospital's three sources.
func importHospital(t *testing.T, db *store.DB) {
	t.Helper()
	h, err := gen.Generate(gen.Options{Seed: 3, Devices: 400})
	if err != nil {
		t.Fatal(err)
	}
	db.Now = func() time.Time { return h.Now }
	if _, err := db.ImportBatch(context.Background(), nil, h.Snapshots()); err != nil {
		t.Fatal(err)
	}
}

// TestCountDevices holds the database's counts of the live inventory to a
// count of the devices listed.
func TestCountDevices(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		importHospital(t, db)
		devs, _, err := db.FindDevices(ctx, vigil.DeviceFilter{})
		if err != nil {
			t.Fatal(err)
		}
		sites, err := db.FindSites(ctx)
		if err != nil {
			t.Fatal(err)
		}
		name := map[int64]string{}
		for _, s := range sites {
			name[s.ID] = s.Name
		}
		or := func(s string) string {
			if s == "" {
				return "unknown"
			}
			return s
		}
		want := &vigil.DeviceCounts{ByType: map[string]int{}, BySite: map[string]int{}, ByCriticality: map[string]int{}}
		for _, d := range devs {
			want.Total++
			if d.StoresEPHI || d.SendsEPHI {
				want.EPHI++
			}
			want.ByType[or(d.DeviceType)]++
			want.BySite[or(name[d.SiteID])]++
			want.ByCriticality[or(string(d.Criticality))]++
		}
		got, err := db.CountDevices(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" || got.EPHI == 0 || len(got.ByType) < 5 {
			t.Errorf("CountDevices (-listed +counted):\n%s", diff)
		}
	})
}
