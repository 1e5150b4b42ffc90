package store

import (
	"context"
	"encoding/json"
	"fmt"

	vigil "github.com/vigil-health/vigil"
)

// liveDevice is a live device's current state and reconciliation extras.
type liveDevice struct {
	*vigil.Device
	extra string // sources, provenance, confidence and type reason, as stored
}

// liveDevices reads the current state of every live device.
func (tx *Tx) liveDevices(ctx context.Context) (map[int64]*liveDevice, error) {
	rows, err := tx.query(ctx, `SELECT `+deviceColumns+`, sources, provenance, confidence, type_reason FROM devices WHERE removed_at IS NULL`)
	if err != nil {
		return nil, dbErr("reading devices", err)
	}
	defer rows.Close()
	out := map[int64]*liveDevice{}
	for rows.Next() {
		var srcs, prov, reason string
		var conf float64
		d, err := scanDevice(extraScanner{rows, []any{&srcs, &prov, &conf, &reason}})
		if err != nil {
			return nil, dbErr("reading devices", err)
		}
		out[d.ID] = &liveDevice{Device: d, extra: extraKey(srcs, prov, conf, reason)}
	}
	return out, dbErr("reading devices", rows.Err())
}

// extraScanner appends destinations to every Scan, so scanDevice can read
// wider rows.
type extraScanner struct {
	s     scanner
	extra []any
}

func (e extraScanner) Scan(dst ...any) error { return e.s.Scan(append(dst, e.extra...)...) }

func extraKey(srcs, prov string, conf float64, reason string) string {
	return fmt.Sprintf("%s\x00%s\x00%g\x00%s", srcs, prov, conf, reason)
}

// deviceExtra is what reconciliation knows of a device beyond its fields.
// The per-field provenance is not stored: it is rebuilt from the device's
// records when asked for (FindDeviceProvenance), which keeps imports lean.
type deviceExtra struct {
	confidence float64
	sources    []string
	typeReason string
}

func (e deviceExtra) json() (sources, provenance string) {
	s, _ := json.Marshal(nonNilStrings(e.sources))
	return string(s), "[]"
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// insertDevice writes a new device with the id reconciliation gave it.
func (tx *Tx) insertDevice(ctx context.Context, actor *vigil.User, d *vigil.Device, extra deviceExtra) error {
	d.CreatedAt, d.UpdatedAt = tx.now, tx.now
	srcs, _ := extra.json()
	err := tx.bulkFor("devices", "id", "asset_tag", "serial", "manufacturer", "model", "device_type", "firmware", "mac", "ip", "hostname",
		"site_id", "place_id", "location", "owner_team", "stores_ephi", "sends_ephi", "criticality", "lifecycle", "first_seen", "last_seen", "created_at"+nowColumn, "updated_at"+nowColumn,
		"confidence", "sources", "type_reason").add(ctx, tx,
		d.ID, d.AssetTag, d.Serial, d.Manufacturer, d.Model, d.DeviceType, d.Firmware, d.MAC, d.IP, d.Hostname,
		d.SiteID, d.PlaceID, d.Location, d.OwnerTeam, boolInt(d.StoresEPHI), boolInt(d.SendsEPHI), string(d.Criticality), string(d.Lifecycle),
		fmtTime(d.FirstSeen), fmtTime(d.LastSeen), extra.confidence, srcs, extra.typeReason)
	if err != nil {
		return dbErr("creating a device", err)
	}
	tx.rematch = true
	// No version row yet: a device's first state is its row until it first
	// changes (closeVersion writes it then), which halves a first load.
	return dbErr("creating a device", tx.audit(ctx, actor, "device.create", "device", d.ID, labelDetail(d.Label())))
}

// updateDevice writes a device's new resolved state; the provenance is
// always refreshed, a new version only when a field changed.
func (tx *Tx) updateDevice(ctx context.Context, actor *vigil.User, live *liveDevice, d *vigil.Device, extra deviceExtra) error {
	old := live.Device
	d.CreatedAt = old.CreatedAt
	if d.FirstSeen.IsZero() || old.FirstSeen.Before(d.FirstSeen) && !old.FirstSeen.IsZero() {
		d.FirstSeen = old.FirstSeen
	}
	changed := changedFields(old, d)
	d.UpdatedAt = old.UpdatedAt
	if len(changed) > 0 {
		d.UpdatedAt = tx.now
	}
	srcs, prov := extra.json()
	if len(changed) == 0 && d.FirstSeen.Equal(old.FirstSeen) && d.LastSeen.Equal(old.LastSeen) &&
		extraKey(srcs, prov, extra.confidence, extra.typeReason) == live.extra {
		return nil // nothing to write
	}
	_, err := tx.exec(ctx, `UPDATE devices SET asset_tag = ?, serial = ?, manufacturer = ?, model = ?, device_type = ?, firmware = ?, mac = ?, ip = ?,
		hostname = ?, site_id = ?, place_id = ?, location = ?, owner_team = ?, stores_ephi = ?, sends_ephi = ?, criticality = ?, lifecycle = ?,
		first_seen = ?, last_seen = ?, updated_at = ?, confidence = ?, sources = ?, provenance = ?, type_reason = ? WHERE id = ?`,
		d.AssetTag, d.Serial, d.Manufacturer, d.Model, d.DeviceType, d.Firmware, d.MAC, d.IP, d.Hostname, d.SiteID, d.PlaceID, d.Location, d.OwnerTeam,
		boolInt(d.StoresEPHI), boolInt(d.SendsEPHI), string(d.Criticality), string(d.Lifecycle), fmtTime(d.FirstSeen), fmtTime(d.LastSeen), fmtTime(d.UpdatedAt),
		extra.confidence, srcs, prov, extra.typeReason, d.ID)
	if err != nil {
		return dbErr("updating a device", err)
	}
	if len(changed) == 0 {
		return nil // only sightings moved; the versioned state is the same
	}
	for _, f := range changed {
		if f == "manufacturer" || f == "model" || f == "firmware" {
			tx.rematch = true
		}
	}
	now := tx.nowText()
	if err := tx.closeVersion(ctx, old); err != nil {
		return err
	}
	if err := tx.bulkFor("device_versions", "device_id", "state", "valid_from").add(ctx, tx, d.ID, deviceState(d), now); err != nil {
		return dbErr("updating a device", err)
	}
	return dbErr("updating a device", tx.audit(ctx, actor, "device.update", "device", d.ID, map[string]any{"fields": changed}))
}

// closeVersion ends the device's current version now. A device that never
// changed has no version row: its state since creation is written, closed.
func (tx *Tx) closeVersion(ctx context.Context, old *vigil.Device) error {
	now := tx.nowText()
	res, err := tx.exec(ctx, `UPDATE device_versions SET valid_to = ? WHERE device_id = ? AND valid_to IS NULL`, now, old.ID)
	if err != nil {
		return dbErr("versioning a device", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return dbErr("versioning a device", err)
	} else if n > 0 {
		return nil
	}
	err = tx.bulkFor("device_versions", "device_id", "state", "valid_from", "valid_to").add(ctx, tx, old.ID, deviceState(old), fmtTime(old.CreatedAt), now)
	return dbErr("versioning a device", err)
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
	if err := rows.Err(); err != nil {
		return nil, dbErr("reading device history", err)
	}
	if len(out) == 0 {
		// Never changed: its one state is its row, since it was created.
		d, err := db.FindDeviceByID(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, DeviceVersion{Device: d, ValidFrom: d.CreatedAt})
	}
	return out, nil
}
