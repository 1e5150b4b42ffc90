package inventory

import (
	"context"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/reconcile"
	"github.com/vigil-health/vigil/internal/store"
)

// Provenance returns every source's value for each field of a device, and
// which one was chosen and why, by resolving the device's current records
// again with the precedence in force. It changes nothing.
func (s *Service) Provenance(ctx context.Context, id int64) (*vigil.DeviceProvenance, error) {
	var p *vigil.DeviceProvenance
	// A read transaction on the reader pool gives one consistent view of
	// the device, its records and the settings, without waiting for a
	// write (an import holds SQLite's one writer for its whole length).
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var recs []store.StoredRecord
		var err error
		p, recs, err = tx.DeviceReconciliation(ctx, id)
		if err != nil || len(recs) == 0 {
			return err
		}
		cfg, _, err := reconcileConfig(ctx, tx)
		if err != nil {
			return err
		}
		// A device none of these records names yet is numbered past id,
		// so only the device asked for takes its id.
		cfg.NextID = id + 1
		inputs := make([]reconcile.Input, len(recs))
		for i := range recs {
			c := &recs[i]
			inputs[i] = reconcile.Input{Ref: c.ID, Source: c.Source, Kind: c.Kind, Record: &c.Record, PrevDevice: c.DeviceID}
		}
		res, err := reconcile.Resolve(inputs, nil, cfg)
		if err != nil {
			return err
		}
		for _, d := range res.Devices {
			if d.ID == id {
				p.Fields = d.Provenance
			}
		}
		if len(p.Fields) == 0 && len(res.Devices) > 0 {
			p.Fields = res.Devices[0].Provenance
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}
