package inventory_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/inventory"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

const testPasswordHash = "$argon2id$v=19$m=1024,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

// cmmsSnapshot is the i-th of several overlapping snapshots of one source:
// CE-1 to CE-4 in every one, then eight tags that shift with i, each with
// the firmware of snapshot i.
func cmmsSnapshot(i int) *vigil.Snapshot {
	var recs []*vigil.Record
	for n := 1; n <= 4; n++ {
		recs = append(recs, rec(n, "asset_tag", fmt.Sprintf("CE-%d", n), "serial", fmt.Sprintf("S%d", n), "manufacturer", "BD"))
	}
	for n := 5 + 3*i; n < 13+3*i; n++ {
		recs = append(recs, rec(n, "asset_tag", fmt.Sprintf("CE-%d", n), "serial", fmt.Sprintf("S%d", n), "manufacturer", "BD", "firmware", fmt.Sprintf("v%d", i)))
	}
	return snapshot("cmms", vigil.SourceInventory, recs...)
}

// scanSnapshot is the i-th first import of a new scanner source.
func scanSnapshot(i int) *vigil.Snapshot {
	return snapshot("scan", vigil.SourceScanner, rec(1, "hostname", fmt.Sprintf("host-%d", i), "ip", fmt.Sprintf("10.0.0.%d", i+1)))
}

// write is one of the writes the test runs at once, then again in order.
type write struct {
	name string
	run  func(ctx context.Context, s *inventory.Service, db *store.DB, devs map[string]int64) (order int64, err error)
}

func concurrentWrites() []write {
	var ws []write
	for i := range 5 {
		ws = append(ws, write{fmt.Sprintf("import cmms %d", i), func(ctx context.Context, s *inventory.Service, _ *store.DB, _ map[string]int64) (int64, error) {
			res, err := s.Import(ctx, nil, cmmsSnapshot(i))
			if err != nil {
				return 0, err
			}
			return res.ImportID, nil
		}})
		ws = append(ws, write{fmt.Sprintf("first import of scan %d", i), func(ctx context.Context, s *inventory.Service, _ *store.DB, _ map[string]int64) (int64, error) {
			res, err := s.Import(ctx, nil, scanSnapshot(i))
			if err != nil {
				return 0, err
			}
			return res.ImportID, nil
		}})
	}
	for n := 1; n <= 4; n++ {
		ws = append(ws, write{fmt.Sprintf("first hand-set on CE-%d", n), func(ctx context.Context, s *inventory.Service, _ *store.DB, devs map[string]int64) (int64, error) {
			return 0, s.SetField(ctx, nil, devs[fmt.Sprintf("CE-%d", n)], vigil.FieldOwnerTeam, fmt.Sprintf("team %d", n))
		}})
	}
	for i := range 4 {
		ws = append(ws, write{fmt.Sprintf("user eve %d", i), func(ctx context.Context, _ *inventory.Service, db *store.DB, _ map[string]int64) (int64, error) {
			err := db.CreateUser(ctx, nil, &vigil.User{Name: "eve", Role: vigil.RoleIT}, testPasswordHash)
			if vigil.ErrorCode(err) == vigil.ECONFLICT {
				err = nil // the same name twice: one is created, the others refused
			}
			return 0, err
		}})
	}
	return ws
}

// inventoryState is what a run leaves: each live device as its
// identifiers and the values the writes set, the sources and the users.
func inventoryState(t *testing.T, db *store.DB) []string {
	t.Helper()
	ctx := context.Background()
	devs, _, err := db.FindDevices(ctx, vigil.DeviceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, d := range devs {
		out = append(out, fmt.Sprintf("device %s|%s|%s|%s", d.AssetTag, d.Hostname, d.Firmware, d.OwnerTeam))
	}
	srcs, err := db.FindSources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range srcs {
		out = append(out, "source "+src.Name)
	}
	us, err := db.FindUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range us {
		out = append(out, "user "+u.Name)
	}
	sort.Strings(out)
	return out
}

func deviceIDs(t *testing.T, db *store.DB) map[string]int64 {
	devs, _, err := db.FindDevices(context.Background(), vigil.DeviceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]int64{}
	for _, d := range devs {
		m[d.AssetTag] = d.ID
	}
	return m
}

// Finding 2 and 3: concurrent imports of one source, first imports of a
// new source, first hand-set values and users of one name, all at once,
// leave what the same writes leave one after another in the order they
// committed, and none fails with an internal error.
func TestConcurrentWritesEqualSequential(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			conc, seq := storetest.Open(t, engine), storetest.Open(t, engine)
			for _, db := range []*store.DB{conc, seq} {
				if _, err := svc(t, db).Import(ctx, nil, cmmsSnapshot(0)); err != nil {
					t.Fatal(err)
				}
			}
			ws := concurrentWrites()
			orders := make([]int64, len(ws))
			errs := make([]error, len(ws))
			s, devs := svc(t, conc), deviceIDs(t, conc)
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i, w := range ws {
				wg.Go(func() {
					<-start
					orders[i], errs[i] = w.run(ctx, s, conc, devs)
				})
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("%s: %v (code %s)", ws[i].name, err, vigil.ErrorCode(err))
				}
			}
			// Replay in commit order: imports by their ids, the rest after
			// (they touch other devices and tables).
			idx := make([]int, len(ws))
			for i := range idx {
				idx[i] = i
			}
			slices.SortStableFunc(idx, func(a, b int) int {
				oa, ob := orders[a], orders[b]
				switch {
				case oa == 0 && ob == 0:
					return 0
				case oa == 0:
					return 1
				case ob == 0:
					return -1
				}
				return int(oa - ob)
			})
			s2, devs2 := svc(t, seq), deviceIDs(t, seq)
			for _, i := range idx {
				if _, err := ws[i].run(ctx, s2, seq, devs2); err != nil {
					t.Fatalf("sequential %s: %v", ws[i].name, err)
				}
			}
			if diff := cmp.Diff(inventoryState(t, seq), inventoryState(t, conc)); diff != "" {
				t.Errorf("concurrent run differs from the sequential one (-sequential +concurrent):\n%s", diff)
			}
			// And the source still takes an import afterwards.
			if _, err := s.Import(ctx, nil, cmmsSnapshot(1)); err != nil {
				t.Errorf("an import after the concurrent ones: %v", err)
			}
		})
	}
}
