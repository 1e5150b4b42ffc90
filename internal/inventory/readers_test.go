package inventory_test

import (
	"context"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// Finding 10: while a write transaction is open (an import holds SQLite's
// one writer for its whole length), the reads behind the device list and
// the device page answer at once.
func TestReadsDoNotWaitForWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		s := svc(t, db)
		if _, err := s.Import(ctx, nil, cmmsSnapshot(0)); err != nil {
			t.Fatal(err)
		}
		id := deviceIDs(t, db)["CE-1"]
		held, release := make(chan struct{}), make(chan struct{})
		done := make(chan error, 1)
		go func() {
			done <- db.Update(ctx, func(tx *store.Tx) error {
				if err := tx.Audit(ctx, nil, "test.hold", "test", 1, nil); err != nil {
					return err
				}
				close(held)
				<-release
				return nil
			})
		}()
		<-held
		defer func() {
			close(release)
			if err := <-done; err != nil {
				t.Error(err)
			}
		}()
		rctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		for name, read := range map[string]func() error{
			"device list":   func() error { _, _, err := db.FindDevices(rctx, vigil.DeviceFilter{Limit: 50}); return err },
			"device counts": func() error { _, err := db.CountDevices(rctx, nil); return err },
			"device":        func() error { _, err := db.FindDeviceByID(rctx, id); return err },
			"facts":         func() error { _, err := db.DeviceFacts(rctx, id); return err },
			"history":       func() error { _, err := db.DeviceHistory(rctx, id); return err },
			"audit":         func() error { _, err := db.FindAuditEvents(rctx, vigil.AuditFilter{Limit: 50}); return err },
			"provenance":    func() error { _, err := s.Provenance(rctx, id); return err },
			"discrepancies": func() error {
				_, err := db.FindDiscrepancies(rctx, vigil.DiscrepancyFilter{DeviceID: id, All: true})
				return err
			},
		} {
			if err := read(); err != nil {
				t.Errorf("%s during a write: %v", name, err)
			}
		}
	})
}
