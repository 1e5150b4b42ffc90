package inventory

import (
	"context"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/discover"
	"github.com/vigil-health/vigil/internal/store"
)

// RecordDiscovery stores a discovery report in one transaction: the run, the
// latest observation and findings of each device, and the flows. With
// toInventory it also records the network source's snapshot (every device
// seen within the last 30 days) into the inventory, where it takes part in
// reconciliation like any other source.
func (s *Service) RecordDiscovery(ctx context.Context, actor *vigil.User, files []string, rep *vigil.DiscoveryReport, toInventory bool) (*vigil.DiscoveryResult, error) {
	var out *vigil.DiscoveryResult
	err := s.db.Update(ctx, func(tx *store.Tx) error {
		var err error
		out, err = tx.RecordDiscoveryRun(ctx, actor, files, rep, discover.Records(rep, strings.Join(files, ",")))
		if err != nil || !toInventory {
			return err
		}
		snap, err := tx.NetworkSnapshot(ctx, files)
		if err != nil {
			return err
		}
		st := &store.Staged{}
		res, err := tx.StageSnapshot(ctx, actor, st, snap)
		if err != nil {
			return err
		}
		if res.Devices, err = s.resolve(ctx, tx, actor, st); err != nil {
			return err
		}
		out.Import = res
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, s.changed(ctx, actor)
}
