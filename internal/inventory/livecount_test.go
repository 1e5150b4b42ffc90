package inventory_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"testing"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// The device list counts the whole inventory as all devices less the
// removed ones (migration 0020's indexes): after a source drops a random
// part of its devices, that count, the pages and a filtered count agree.
// On PostgreSQL an import of 1,000 records or more leaves the planner's
// statistics current (tx.Analyze).
func TestDeviceListCountsTheLiveDevices(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, engine)
			db, err := store.Open(ctx, store.Config{DSN: dsn})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			seed := rand.Uint64()
			rng := rand.New(rand.NewPCG(seed, 1))
			n := 1000 + rng.IntN(400)
			all := make([]*vigil.Record, n)
			for i := range all {
				all[i] = rec(i+2, "asset_tag", fmt.Sprintf("A-%05d", i), "serial", fmt.Sprintf("S%05d", i), "manufacturer", "BD", "model", "Alaris 8015")
			}
			if _, err := svc(t, db).Import(ctx, nil, snapshot("cmms", vigil.SourceInventory, all...)); err != nil {
				t.Fatal(err)
			}
			if engine == "postgres" {
				raw, err := sql.Open("pgx", dsn)
				if err != nil {
					t.Fatal(err)
				}
				var tuples float64
				err = raw.QueryRow(`SELECT reltuples FROM pg_class WHERE relname = 'devices' AND relnamespace = current_schema()::regnamespace`).Scan(&tuples)
				raw.Close()
				if err != nil || tuples < float64(n) {
					t.Errorf("seed %d: after importing %d records the planner counts %v devices (%v): the statistics were not refreshed", seed, n, tuples, err)
				}
			}
			var kept []*vigil.Record
			for _, r := range all {
				if rng.IntN(3) > 0 {
					kept = append(kept, r)
				}
			}
			if _, err := svc(t, db).Import(ctx, nil, snapshot("cmms", vigil.SourceInventory, kept...)); err != nil {
				t.Fatal(err)
			}
			_, total, err := db.FindDevices(ctx, vigil.DeviceFilter{Limit: 50})
			if err != nil || total != len(kept) {
				t.Fatalf("seed %d: the inventory counts %d devices (%v), want the %d still listed of %d", seed, total, err, len(kept), n)
			}
			listed := 0
			for off := 0; ; off += 97 {
				page, _, err := db.FindDevices(ctx, vigil.DeviceFilter{Limit: 97, Offset: off})
				if err != nil {
					t.Fatal(err)
				}
				listed += len(page)
				if len(page) < 97 {
					break
				}
			}
			_, filtered, err := db.FindDevices(ctx, vigil.DeviceFilter{Query: "alaris"})
			if err != nil || listed != len(kept) || filtered != len(kept) {
				t.Fatalf("seed %d: pages list %d devices, the filtered count %d (%v); want %d", seed, listed, filtered, err, len(kept))
			}
		})
	}
}
