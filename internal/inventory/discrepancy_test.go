package inventory_test

import (
	"context"
	"slices"
	"strconv"
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
		all, err := db.FindDiscrepancies(ctx, vigil.DiscrepancyFilter{})
		if err != nil {
			t.Fatal(err)
		}
		counts, err := db.CountDiscrepancies(ctx, vigil.DiscrepancyFilter{})
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
		if !slices.IsSortedFunc(all, func(a, b *vigil.StoredDiscrepancy) int {
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
		var paged []*vigil.StoredDiscrepancy
		for off := 0; ; off += 37 {
			page, err := db.FindDiscrepancies(ctx, vigil.DiscrepancyFilter{Limit: 37, Offset: off})
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
		// By hospital: each lists only its devices' discrepancies, and with
		// the devices that have none they make up the whole list.
		sites, err := db.FindSites(ctx)
		if err != nil {
			t.Fatal(err)
		}
		siteOf := map[int64]int64{}
		devs, _, err := db.FindDevices(ctx, vigil.DeviceFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range devs {
			siteOf[d.ID] = d.SiteID
		}
		bySite, hospitals := 0, 0
		for _, st := range sites {
			if st.Kind != vigil.SiteHospital {
				continue
			}
			hospitals++
			ds, err := db.FindDiscrepancies(ctx, vigil.DiscrepancyFilter{SiteID: st.ID})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range ds {
				if siteOf[d.Device.ID] != st.ID {
					t.Fatalf("site %d lists a discrepancy of device %d at site %d", st.ID, d.Device.ID, siteOf[d.Device.ID])
				}
			}
			bySite += len(ds)
		}
		noSite := 0
		for _, d := range all {
			if siteOf[d.Device.ID] == 0 {
				noSite++
			}
		}
		if hospitals < 2 || bySite+noSite != len(all) || bySite == 0 {
			t.Fatalf("%d hospitals list %d discrepancies, %d have no site; want %d in all", hospitals, bySite, noSite, len(all))
		}
		stale, err := db.FindDiscrepancies(ctx, vigil.DiscrepancyFilter{Kind: vigil.DiscrepancyStale, Limit: 5, Offset: 2})
		if err != nil || len(stale) != 5 || stale[0].Key != all[slices.IndexFunc(all, func(d *vigil.StoredDiscrepancy) bool { return d.Kind == vigil.DiscrepancyStale })+2].Key {
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
	if _, err := svc(t, db).ImportBatch(context.Background(), nil, h.Snapshots()); err != nil {
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

// TestSyncAgreesWithFullResolution imports a hospital, then a next-day sync
// of two of its three sources with changed, dropped and repeated records,
// and requires a resolution from the stored records alone (what changing
// the precedence runs) to find nothing different: the sync's view of the
// records it did not read back equals what it stored.
func TestSyncAgreesWithFullResolution(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		h, err := gen.Generate(gen.Options{Seed: 5, Devices: 400})
		if err != nil {
			t.Fatal(err)
		}
		now := h.Now
		db.Now = func() time.Time { return now }
		if _, err := svc(t, db).ImportBatch(ctx, nil, h.Snapshots()); err != nil {
			t.Fatal(err)
		}
		// The next day: the CMMS changes some firmware and drops some
		// records; the scan sees everything again, later. The CMDB is not
		// part of the sync.
		now = now.Add(24 * time.Hour)
		day2 := h.Snapshots()
		cmms, nmap := day2[0], day2[2]
		var recs []*vigil.Record
		for i, r := range cmms.Records {
			switch {
			case i%11 == 3:
				continue
			case i%7 == 2:
				c := *r
				c.Fields = r.Fields.Clone()
				c.Fields.Set(vigil.FieldFirmware, "9.9."+strconv.Itoa(i))
				r = &c
			}
			recs = append(recs, r)
		}
		cmms.Records, cmms.TakenAt = recs, now
		nmap.TakenAt = now
		for i, r := range nmap.Records {
			c := *r
			c.ObservedAt = now
			nmap.Records[i] = &c
		}
		res, err := svc(t, db).ImportBatch(ctx, nil, []*vigil.Snapshot{cmms, nmap})
		if err != nil {
			t.Fatal(err)
		}
		if res[0].Changed == 0 || res[0].Removed == 0 {
			t.Fatalf("the sync changed nothing: %+v", res[0])
		}
		read := func() ([]*vigil.Device, []*vigil.StoredDiscrepancy) {
			devs, _, err := db.FindDevices(ctx, vigil.DeviceFilter{})
			if err != nil {
				t.Fatal(err)
			}
			ds, err := db.FindDiscrepancies(ctx, vigil.DiscrepancyFilter{All: true})
			if err != nil {
				t.Fatal(err)
			}
			return devs, ds
		}
		devs, ds := read()
		events, err := db.FindAuditEvents(ctx, vigil.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		p, err := db.Precedence(ctx)
		if err != nil {
			t.Fatal(err)
		}
		now = now.Add(time.Hour)
		if err := svc(t, db).SetPrecedence(ctx, nil, p); err != nil {
			t.Fatal(err)
		}
		devs2, ds2 := read()
		if diff := cmp.Diff(devs, devs2); diff != "" {
			t.Errorf("devices after a full resolution (-sync +full):\n%s", diff)
		}
		if diff := cmp.Diff(ds, ds2); diff != "" {
			t.Errorf("discrepancies after a full resolution (-sync +full):\n%s", diff)
		}
		after, err := db.FindAuditEvents(ctx, vigil.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range after[:len(after)-len(events)] { // newest first
			if strings.HasPrefix(e.Action, "device.") {
				t.Errorf("the full resolution changed a device: %s %s %s", e.Action, e.ObjectID, e.Detail)
			}
		}
	})
}
