package store

import (
	"context"
	"fmt"
	"sort"

	vigil "github.com/vigil-health/vigil"
)

// resolveInventory re-resolves every current record into devices and writes
// the differences: new devices, changed fields (with a new version), devices
// no source lists any more. It returns the number of live devices.
func (tx *Tx) resolveInventory(ctx context.Context, actor *vigil.User) (int, error) {
	recs, err := tx.loadCurrentRecords(ctx)
	if err != nil {
		return 0, err
	}
	existing, err := tx.liveDevices(ctx)
	if err != nil {
		return 0, err
	}
	clusters := resolveClusters(recs)
	// Give each cluster the smallest previous device id among its members,
	// unless an earlier cluster already took it (a split): then a new device.
	taken := map[int64]bool{}
	ids := make([]int64, len(clusters))
	for i, cl := range clusters {
		var prev []int64
		for _, m := range cl.members {
			if m.deviceID != 0 && existing[m.deviceID] != nil {
				prev = append(prev, m.deviceID)
			}
		}
		sort.Slice(prev, func(a, b int) bool { return prev[a] < prev[b] })
		for _, p := range prev {
			if !taken[p] {
				ids[i] = p
				taken[p] = true
				break
			}
		}
	}
	sites := &siteCache{ids: map[string]int64{}}
	now := fmtTime(tx.now)
	setDev, err := tx.PrepareContext(ctx, tx.db.dialect.rebind(`UPDATE source_records SET device_id = ? WHERE id = ?`))
	if err != nil {
		return 0, dbErr("resolving devices", err)
	}
	defer setDev.Close()
	for i, cl := range clusters {
		d, err := tx.buildDevice(ctx, cl, sites)
		if err != nil {
			return 0, err
		}
		if ids[i] == 0 {
			if err := tx.insertDevice(ctx, actor, d); err != nil {
				return 0, err
			}
		} else {
			d.ID = ids[i]
			if err := tx.updateDevice(ctx, actor, existing[d.ID], d); err != nil {
				return 0, err
			}
		}
		for _, m := range cl.members {
			if m.deviceID != d.ID {
				if _, err := setDev.ExecContext(ctx, d.ID, m.id); err != nil {
					return 0, dbErr("resolving devices", err)
				}
			}
		}
	}
	for id := range existing {
		if taken[id] {
			continue
		}
		if _, err := tx.exec(ctx, `UPDATE devices SET removed_at = ?, updated_at = ? WHERE id = ?`, now, now, id); err != nil {
			return 0, dbErr("resolving devices", err)
		}
		if _, err := tx.exec(ctx, `UPDATE device_versions SET valid_to = ? WHERE device_id = ? AND valid_to IS NULL`, now, id); err != nil {
			return 0, dbErr("resolving devices", err)
		}
		if err := tx.audit(ctx, actor, "device.remove", "device", id, map[string]any{"reason": "no source lists it"}); err != nil {
			return 0, dbErr("resolving devices", err)
		}
	}
	return len(clusters), nil
}

// liveDevices reads the current state of every live device.
func (tx *Tx) liveDevices(ctx context.Context) (map[int64]*vigil.Device, error) {
	rows, err := tx.query(ctx, `SELECT `+deviceColumns+` FROM devices WHERE removed_at IS NULL`)
	if err != nil {
		return nil, dbErr("reading devices", err)
	}
	defer rows.Close()
	out := map[int64]*vigil.Device{}
	for rows.Next() {
		d, err := scanDevice(rows)
		if err != nil {
			return nil, dbErr("reading devices", err)
		}
		out[d.ID] = d
	}
	return out, dbErr("reading devices", rows.Err())
}

func (tx *Tx) insertDevice(ctx context.Context, actor *vigil.User, d *vigil.Device) error {
	d.CreatedAt, d.UpdatedAt = tx.now, tx.now
	err := tx.queryRow(ctx, `INSERT INTO devices (asset_tag, serial, manufacturer, model, device_type, firmware, mac, ip, hostname,
		site_id, location, owner_team, stores_ephi, sends_ephi, criticality, lifecycle, first_seen, last_seen, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		d.AssetTag, d.Serial, d.Manufacturer, d.Model, d.DeviceType, d.Firmware, d.MAC, d.IP, d.Hostname,
		d.SiteID, d.Location, d.OwnerTeam, boolInt(d.StoresEPHI), boolInt(d.SendsEPHI), string(d.Criticality), string(d.Lifecycle),
		fmtTime(d.FirstSeen), fmtTime(d.LastSeen), fmtTime(tx.now), fmtTime(tx.now)).Scan(&d.ID)
	if err != nil {
		return dbErr("creating a device", err)
	}
	if _, err := tx.exec(ctx, `INSERT INTO device_versions (device_id, state, valid_from) VALUES (?, ?, ?)`, d.ID, deviceState(d), fmtTime(tx.now)); err != nil {
		return dbErr("creating a device", err)
	}
	return dbErr("creating a device", tx.audit(ctx, actor, "device.create", "device", d.ID, map[string]any{"label": d.Label()}))
}

func (tx *Tx) updateDevice(ctx context.Context, actor *vigil.User, old, d *vigil.Device) error {
	d.CreatedAt = old.CreatedAt
	if d.FirstSeen.IsZero() || old.FirstSeen.Before(d.FirstSeen) && !old.FirstSeen.IsZero() {
		d.FirstSeen = old.FirstSeen
	}
	changed := changedFields(old, d)
	if len(changed) == 0 && d.LastSeen.Equal(old.LastSeen) && d.FirstSeen.Equal(old.FirstSeen) {
		d.UpdatedAt = old.UpdatedAt
		return nil
	}
	d.UpdatedAt = tx.now
	_, err := tx.exec(ctx, `UPDATE devices SET asset_tag = ?, serial = ?, manufacturer = ?, model = ?, device_type = ?, firmware = ?, mac = ?, ip = ?,
		hostname = ?, site_id = ?, location = ?, owner_team = ?, stores_ephi = ?, sends_ephi = ?, criticality = ?, lifecycle = ?,
		first_seen = ?, last_seen = ?, updated_at = ? WHERE id = ?`,
		d.AssetTag, d.Serial, d.Manufacturer, d.Model, d.DeviceType, d.Firmware, d.MAC, d.IP, d.Hostname, d.SiteID, d.Location, d.OwnerTeam,
		boolInt(d.StoresEPHI), boolInt(d.SendsEPHI), string(d.Criticality), string(d.Lifecycle), fmtTime(d.FirstSeen), fmtTime(d.LastSeen), fmtTime(tx.now), d.ID)
	if err != nil {
		return dbErr("updating a device", err)
	}
	if len(changed) == 0 {
		return nil // only sightings moved; the versioned state is the same
	}
	now := fmtTime(tx.now)
	if _, err := tx.exec(ctx, `UPDATE device_versions SET valid_to = ? WHERE device_id = ? AND valid_to IS NULL`, now, d.ID); err != nil {
		return dbErr("updating a device", err)
	}
	if _, err := tx.exec(ctx, `INSERT INTO device_versions (device_id, state, valid_from) VALUES (?, ?, ?)`, d.ID, deviceState(d), now); err != nil {
		return dbErr("updating a device", err)
	}
	return dbErr("updating a device", tx.audit(ctx, actor, "device.update", "device", d.ID, map[string]any{"fields": changed}))
}

// DeviceHistory returns every resolved state of a device, oldest first.
func (db *DB) DeviceHistory(ctx context.Context, id int64) ([]DeviceVersion, error) {
	rows, err := db.query(ctx, `SELECT state, valid_from, valid_to FROM device_versions WHERE device_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, dbErr("reading device history", err)
	}
	defer rows.Close()
	var out []DeviceVersion
	for rows.Next() {
		var v DeviceVersion
		var state, from string
		var to = new(nullString)
		if err := rows.Scan(&state, &from, &to.NullString); err != nil {
			return nil, dbErr("reading device history", err)
		}
		v.ValidFrom, v.ValidTo = parseTime(from), nullTime(to.NullString)
		v.Device = &vigil.Device{}
		if err := jsonUnmarshal(state, v.Device); err != nil {
			return nil, dbErr("reading device history", fmt.Errorf("device %d: %w", id, err))
		}
		out = append(out, v)
	}
	return out, dbErr("reading device history", rows.Err())
}
