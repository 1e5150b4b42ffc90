package inventory_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

func rec(line int, kv ...string) *vigil.Record {
	r := &vigil.Record{Origin: vigil.Origin{File: "t.csv", Line: line}}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Fields.Set(kv[i], kv[i+1])
	}
	return r
}

func snapshot(name string, kind vigil.SourceKind, recs ...*vigil.Record) *vigil.Snapshot {
	return &vigil.Snapshot{Source: vigil.Source{Name: name, Kind: kind}, Files: []string{name + ".csv"}, Records: recs}
}

func TestImportResolvesAndDiffs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return clock }
		ce := snapshot("cmms", vigil.SourceInventory,
			rec(2, "asset_tag", "CE-1", "serial", "S1", "manufacturer", "BD", "model", "Alaris 8015", "firmware", "12.1.0", "site", "St. Brigid", "stores_ephi", "true"),
			rec(3, "asset_tag", "CE-2", "serial", "S2", "manufacturer", "Philips", "model", "MX800"),
		)
		res, err := svc(t, db).Import(ctx, nil, ce)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(&vigil.ImportResult{ImportID: res.ImportID, Source: "cmms", Records: 2, Added: 2, Devices: 2}, res); diff != "" {
			t.Errorf("first import (-want +got):\n%s", diff)
		}
		clock = clock.Add(time.Hour)
		it := snapshot("cmdb", vigil.SourceInventory,
			rec(2, "serial", "S1", "manufacturer", "BD", "mac", "00:11:22:33:44:55", "ip", "10.1.2.3", "hostname", "pump-1", "firmware", "12.1.2"),
			rec(3, "hostname", "ws-9", "ip", "10.9.9.9"),
		)
		if _, err := svc(t, db).Import(ctx, nil, it); err != nil {
			t.Fatal(err)
		}
		devs, total, err := db.FindDevices(ctx, vigil.DeviceFilter{})
		if err != nil || total != 3 {
			t.Fatalf("FindDevices: %d devices, %v; want 3", total, err)
		}
		d := devs[0]
		if d.AssetTag != "CE-1" || d.MAC != "00:11:22:33:44:55" || d.Firmware != "12.1.2" || d.Model != "Alaris 8015" || !d.StoresEPHI || d.SiteID == 0 {
			t.Errorf("merged device = %+v", d)
		}
		// Second snapshot of cmms: CE-2 gone, CE-1 changed, CE-3 new.
		clock = clock.Add(time.Hour)
		before := clock.Add(-time.Minute)
		ce2 := snapshot("cmms", vigil.SourceInventory,
			rec(2, "asset_tag", "CE-1", "serial", "S1", "manufacturer", "BD", "model", "Alaris 8015", "firmware", "12.1.0", "site", "St. Brigid", "stores_ephi", "true", "room", "ICU-4"),
			rec(3, "asset_tag", "CE-3", "serial", "S3", "manufacturer", "GE Healthcare", "model", "MAC 5500"),
		)
		res, err = svc(t, db).Import(ctx, nil, ce2)
		if err != nil {
			t.Fatal(err)
		}
		if res.Added != 1 || res.Removed != 1 || res.Changed != 1 || res.Devices != 3 {
			t.Errorf("second cmms import = %+v; want added 1, removed 1, changed 1, devices 3", res)
		}
		// The inventory as it stood before the second snapshot still has CE-2.
		old, n, err := db.FindDevices(ctx, vigil.DeviceFilter{AsOf: &before, Query: "mx800"})
		if err != nil || n != 1 || old[0].AssetTag != "CE-2" {
			t.Fatalf("as-of query: %d devices %v, %v", n, old, err)
		}
		if _, n, _ := db.FindDevices(ctx, vigil.DeviceFilter{Query: "mx800"}); n != 0 {
			t.Errorf("CE-2 still listed after it left every source")
		}
		facts, err := db.DeviceFacts(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		sources := map[string]bool{}
		superseded := 0
		for _, f := range facts {
			sources[f.Source] = true
			if f.SupersededAt != nil {
				superseded++
			}
		}
		if !sources["cmms"] || !sources["cmdb"] || superseded == 0 {
			t.Errorf("facts: sources %v, superseded %d", sources, superseded)
		}
		// The room the second snapshot names is a site below the hospital.
		placed, _ := db.FindDeviceByID(ctx, d.ID)
		sites, _ := db.FindSites(ctx)
		var room *vigil.Site
		for _, st := range sites {
			if st.ID == placed.PlaceID {
				room = st
			}
		}
		if room == nil || room.Kind != vigil.SiteRoom || room.Name != "ICU-4" || room.ParentID != placed.SiteID {
			t.Errorf("device place = %+v (device %+v)", room, placed)
		}
		counts, err := db.CountDevices(ctx, nil)
		if err != nil || counts.Total != 3 || counts.ByType["infusion-pump"] != 1 || counts.BySite["St. Brigid"] != 1 {
			t.Errorf("CountDevices = %+v, %v", counts, err)
		}
		if _, brk, err := db.VerifyAuditLog(ctx); err != nil || brk != nil {
			t.Fatalf("audit log broken after imports: %+v %v", brk, err)
		}
		evs, _ := db.FindAuditEvents(ctx, vigil.AuditFilter{ObjectType: "device", ObjectID: "2"})
		if len(evs) == 0 {
			t.Errorf("no audit events for device 2")
		}
		// The CMDB gave CE-1 its network identity, then the CMMS changed its
		// firmware and room; CE-2 went. Each change is audited, naming the
		// fields.
		var updates, removes []string
		for _, id := range []int64{d.ID, 2} {
			evs, _ := db.FindAuditEvents(ctx, vigil.AuditFilter{ObjectType: "device", ObjectID: strconv.FormatInt(id, 10)})
			for _, e := range evs {
				switch e.Action {
				case "device.update":
					updates = append(updates, e.Detail)
				case "device.remove":
					removes = append(removes, e.Detail)
				}
			}
		}
		wantUpdates := []string{`{"fields":["firmware","location","place_id"]}`, `{"fields":["firmware","hostname","ip","mac"]}`} // newest first
		if diff := cmp.Diff(wantUpdates, updates); diff != "" || len(removes) != 1 {
			t.Errorf("device updates (-want +got):\n%s\nremovals %q, want one", diff, removes)
		}
	})
}

func TestImportRejectsWholeSnapshot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		_, err := svc(t, db).Import(ctx, nil, snapshot("cmms", vigil.SourceInventory, rec(2, "asset_tag", "A"), rec(7, "model", "no identifier")))
		if err == nil || !strings.Contains(err.Error(), "t.csv:7") {
			t.Fatalf("error = %v, want one naming t.csv:7", err)
		}
		if _, n, _ := db.FindDevices(ctx, vigil.DeviceFilter{}); n != 0 {
			t.Fatalf("a failed import left %d devices", n)
		}
		if srcs, _ := db.FindSources(ctx); len(srcs) != 0 {
			t.Fatalf("a failed import left sources %v", srcs)
		}
	})
}

// rawDB opens the store's database directly, as an attacker with file or
// superuser access would.
func TestSetDeviceFieldValidates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if _, err := svc(t, db).Import(ctx, nil, snapshot("cmms", vigil.SourceInventory, rec(2, "asset_tag", "A-1", "manufacturer", "GE", "model", "MAC 5500"))); err != nil {
			t.Fatal(err)
		}
		if err := svc(t, db).SetField(ctx, nil, 1, "mac", "not-a-mac"); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("bad MAC: %v", err)
		}
		if err := svc(t, db).SetField(ctx, nil, 1, "mac", "00-1B-A9-00-00-01"); err != nil {
			t.Fatal(err)
		}
		d, _ := db.FindDeviceByID(ctx, 1)
		if d.MAC != "00:1b:a9:00:00:01" {
			t.Errorf("MAC set by hand = %q, want it normalised", d.MAC)
		}
		if err := svc(t, db).SetField(ctx, nil, 1, "manufacturer", "GE Medical Systems"); err != nil {
			t.Fatal(err)
		}
		if d, _ := db.FindDeviceByID(ctx, 1); d.Manufacturer != "GE Healthcare" {
			t.Errorf("manufacturer set by hand = %q", d.Manufacturer)
		}
	})
}

// A scanner that keeps seeing a device unchanged keeps it fresh: the
// record's observation time moves with each snapshot even though nothing
// else about it changed, so the device's last sighting advances and it is
// never reported stale while the scans still find it.
func TestUnchangedSightingsKeepDevicesFresh(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return clock }
		cmms := snapshot("cmms", vigil.SourceInventory,
			rec(2, "asset_tag", "CE-1", "serial", "S1", "manufacturer", "BD", "model", "Alaris 8015", "mac", "00:11:22:33:44:55"))
		scan := func() *vigil.Snapshot {
			s := snapshot("nmap", vigil.SourceScanner, rec(1, "mac", "00:11:22:33:44:55", "ip", "10.0.0.5"))
			s.TakenAt = clock
			return s
		}
		if _, err := svc(t, db).ImportBatch(ctx, nil, []*vigil.Snapshot{cmms, scan()}); err != nil {
			t.Fatal(err)
		}
		// Forty days of daily scans that find the device unchanged.
		for range 40 {
			clock = clock.Add(24 * time.Hour)
			res, err := svc(t, db).Import(ctx, nil, scan())
			if err != nil {
				t.Fatal(err)
			}
			if res.Added+res.Changed+res.Removed != 0 {
				t.Fatalf("an unchanged scan reported %+v", res)
			}
		}
		devs, _, err := db.FindDevices(ctx, vigil.DeviceFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(devs) != 1 {
			t.Fatalf("%d devices, want 1", len(devs))
		}
		if !devs[0].LastSeen.Equal(clock) {
			t.Errorf("last seen %v, want the last scan's %v", devs[0].LastSeen, clock)
		}
		ds, err := db.FindDiscrepancies(ctx, vigil.DiscrepancyFilter{Kind: vigil.DiscrepancyStale})
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 0 {
			t.Errorf("a device the scans still find is reported stale: %+v", ds[0].Discrepancy)
		}
	})
}
