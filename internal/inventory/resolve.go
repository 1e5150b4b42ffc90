package inventory

import (
	"cmp"
	"context"
	"slices"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/reconcile"
	"github.com/vigil-health/vigil/internal/store"
)

// stagedBase numbers staged records above any stored record id, so that
// reconciliation, which orders by ref, sees them in file order after the
// records already stored: the i-th staged record has the ref stagedBase+i.
const stagedBase = int64(1) << 48

// resolve re-resolves every current record of every source, the staged
// ones included, into devices (internal/reconcile), types them
// (internal/classify), writes the differences with new versions and audit
// events, replaces the conflict queue and the discrepancy list, and
// re-matches vulnerabilities when devices came, went or changed what
// matching reads. It returns the number of live devices.
func (s *Service) resolve(ctx context.Context, tx *store.Tx, actor *vigil.User, st *store.Staged) (int, error) {
	if st == nil {
		st = &store.Staged{}
	}
	recs, err := tx.CurrentRecords(ctx, st)
	if err != nil {
		return 0, err
	}
	existing, err := tx.LiveDevices(ctx)
	if err != nil {
		return 0, err
	}
	cfg, staleDays, err := reconcileConfig(ctx, tx)
	if err != nil {
		return 0, err
	}
	if cfg.NextID, err = tx.NextDeviceID(ctx); err != nil {
		return 0, err
	}
	decisions, err := tx.IdentityDecisions(ctx)
	if err != nil {
		return 0, err
	}
	inputs := make([]reconcile.Input, 0, len(recs)+st.Len())
	for i := range recs {
		c := &recs[i]
		inputs = append(inputs, reconcile.Input{Ref: c.ID, Source: c.Source, Kind: c.Kind, Record: &c.Record, PrevDevice: c.DeviceID})
	}
	for i := range st.Len() {
		source, kind, rec, prev := st.At(i)
		inputs = append(inputs, reconcile.Input{Ref: stagedBase + int64(i), Source: source, Kind: kind, Record: rec, PrevDevice: prev})
	}
	deviceOf := make([]int64, st.Len())
	// The import needs only the chosen values; the device page rebuilds
	// every source's value for one device when asked (Provenance).
	cfg.Provenance = reconcile.ProvenanceNone
	res, err := reconcile.Resolve(inputs, decisions, cfg)
	if err != nil {
		return 0, err
	}
	types := newTyper(s.cls)
	rematch := false
	live := make(map[int64]bool, len(res.Devices))
	for _, rd := range res.Devices {
		d := &rd.Device
		live[d.ID] = true
		reason := types.classify(d, rd.Chosen(vigil.FieldStoresEPHI) != "", rd.Chosen(vigil.FieldSendsEPHI) != "")
		if err := placeDevice(ctx, tx, rd); err != nil {
			return 0, err
		}
		extra := store.DeviceExtra{Confidence: rd.Confidence, Sources: rd.Sources, TypeReason: reason}
		if old := existing[d.ID]; old != nil {
			changed, err := tx.UpdateDevice(ctx, actor, old, d, extra)
			if err != nil {
				return 0, err
			}
			rematch = rematch || matchingChanged(changed)
		} else {
			if err := tx.InsertDevice(ctx, actor, d, extra); err != nil {
				return 0, err
			}
			rematch = true
		}
		for _, ref := range rd.Members {
			if ref >= stagedBase {
				deviceOf[ref-stagedBase] = d.ID
				continue
			}
			// recs is in id order, as loaded.
			if i, ok := slices.BinarySearchFunc(recs, ref, func(c store.StoredRecord, id int64) int { return cmp.Compare(c.ID, id) }); ok && recs[i].DeviceID != d.ID {
				if err := tx.SetRecordDevice(ctx, ref, d.ID); err != nil {
					return 0, err
				}
			}
		}
	}
	for _, ch := range res.IDChanges {
		if err := tx.Audit(ctx, actor, "device."+ch.Kind, "device", ch.Kept, ch); err != nil {
			return 0, err
		}
	}
	gone := make([]int64, 0)
	for id := range existing {
		if !live[id] {
			gone = append(gone, id)
		}
	}
	slices.Sort(gone)
	for _, id := range gone {
		if err := tx.RemoveDevice(ctx, actor, id); err != nil {
			return 0, err
		}
		rematch = true
	}
	if err := tx.WriteStaged(ctx, st, deviceOf); err != nil {
		return 0, err
	}
	if err := tx.ReplaceConflicts(ctx, res.Conflicts); err != nil {
		return 0, err
	}
	opt := reconcile.DiscrepancyOptions{Now: tx.Now(), StaleDays: staleDays, DeviceType: types.recordType}
	if err := tx.SyncDiscrepancies(ctx, func(yield func(*vigil.Discrepancy) error) error {
		return res.EachDiscrepancy(opt, yield)
	}); err != nil {
		return 0, err
	}
	// Matches must never describe an inventory that no longer exists.
	if rematch && s.matcher != nil {
		if _, err := s.matcher.Rematch(ctx, tx, actor); err != nil {
			return 0, err
		}
	}
	return len(res.Devices), nil
}

// matchingChanged reports whether a change touched a field that
// vulnerability matching reads.
func matchingChanged(fields []string) bool {
	for _, f := range fields {
		if f == vigil.FieldManufacturer || f == vigil.FieldModel || f == vigil.FieldFirmware {
			return true
		}
	}
	return false
}

// placeDevice sets a device's hospital and its most specific place from the
// sources' site fields, or its hospital from a free-text location, or, for a
// device no source places (one seen only on the network), the hospital whose
// declared address block holds its address.
func placeDevice(ctx context.Context, tx *store.Tx, rd *reconcile.Device) error {
	d := &rd.Device
	var err error
	if site := rd.Chosen(vigil.FieldSite); site != "" {
		d.SiteID, err = tx.HospitalSite(ctx, site)
	} else {
		d.SiteID, err = tx.HospitalByLocation(ctx, d.Location)
	}
	if err == nil && d.SiteID == 0 && d.IP != "" {
		d.SiteID, err = tx.HospitalByAddress(ctx, d.IP)
	}
	if err != nil || d.SiteID == 0 {
		return err
	}
	path := [4]string{rd.Chosen(vigil.FieldBuilding), rd.Chosen(vigil.FieldFloor), rd.Chosen(vigil.FieldDepartment), rd.Chosen(vigil.FieldRoom)}
	d.PlaceID, err = tx.PlaceSite(ctx, d.SiteID, path)
	return err
}

// reconcileConfig reads the source roles, the precedence and the stale
// threshold a resolution runs with; a resolution that numbers new devices
// reads the next free id as well (tx.NextDeviceID), which on PostgreSQL
// costs a reader a walk past every device an import has yet to commit.
func reconcileConfig(ctx context.Context, tx *store.Tx) (reconcile.Config, int, error) {
	var cfg reconcile.Config
	srcs, err := tx.Sources(ctx)
	if err != nil {
		return cfg, 0, err
	}
	for _, src := range srcs {
		role := vigil.SourceRole(src.Role)
		if !role.Valid() {
			role = vigil.DefaultSourceRole(src.Name, src.Kind)
		}
		cfg.Sources = append(cfg.Sources, reconcile.SourceInfo{Name: src.Name, Kind: src.Kind, Role: role})
	}
	p, err := tx.Precedence(ctx)
	if err != nil {
		return cfg, 0, err
	}
	if p != nil {
		cfg.Precedence = *p
	}
	stale, err := tx.StaleDays(ctx)
	return cfg, stale, err
}
