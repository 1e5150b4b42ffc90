package inventory

import (
	"context"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// Import records a snapshot of one source in one transaction: the source's
// record versions are diffed against its previous snapshot, the inventory is
// re-resolved, and every change is audited. A failure changes nothing.
func (s *Service) Import(ctx context.Context, actor *vigil.User, snap *vigil.Snapshot) (*vigil.ImportResult, error) {
	res, err := s.ImportBatch(ctx, actor, []*vigil.Snapshot{snap})
	if err != nil {
		return nil, err
	}
	return res[0], nil
}

// ImportBatch records snapshots of several sources in one transaction and
// resolves the inventory once, after all of them: what a nightly sync of
// every source, or the first load of a hospital, wants. A failure in any
// snapshot changes nothing.
func (s *Service) ImportBatch(ctx context.Context, actor *vigil.User, snaps []*vigil.Snapshot) ([]*vigil.ImportResult, error) {
	seen := map[string]bool{}
	for _, snap := range snaps {
		if err := snap.Source.Validate(); err != nil {
			return nil, err
		}
		if seen[snap.Source.Name] {
			return nil, vigil.Errorf(vigil.EINVALID, "source %q appears twice in one batch", snap.Source.Name)
		}
		seen[snap.Source.Name] = true
	}
	out := make([]*vigil.ImportResult, len(snaps))
	err := s.db.Update(ctx, func(tx *store.Tx) error {
		st := &store.Staged{}
		for i, snap := range snaps {
			res, err := tx.StageSnapshot(ctx, actor, st, snap)
			if err != nil {
				return err
			}
			out[i] = res
		}
		staged := st.Len() // the records written: resolve writes them
		n, err := s.resolve(ctx, tx, actor, st)
		if err != nil {
			return err
		}
		for _, res := range out {
			res.Devices = n
		}
		return tx.Analyze(ctx, staged)
	})
	if err != nil {
		return nil, err
	}
	return out, s.changed(ctx, actor)
}
