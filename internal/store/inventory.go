package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// LiveDevice is what a resolution compares a live device's new state with:
// a digest of its stored state and the times it keeps. A daily sync holds
// one per device, so it is small; the full row is read only for a device
// that changed.
type LiveDevice struct {
	state                     [16]byte // stateDigest of the stored row
	created, first, last, upd time.Time
}

// CurrentDevices reads every live device in full.
func (tx *Tx) CurrentDevices(ctx context.Context) (map[int64]*vigil.Device, error) {
	// Devices this transaction created may still sit in a bulk insert.
	if err := tx.flushBulks(ctx); err != nil {
		return nil, err
	}
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

// LiveDevices reads the state digest and times of every live device.
func (tx *Tx) LiveDevices(ctx context.Context) (map[int64]*LiveDevice, error) {
	rows, err := tx.query(ctx, `SELECT `+deviceColumns+`, sources, provenance, confidence, type_reason FROM devices WHERE removed_at IS NULL`)
	if err != nil {
		return nil, dbErr("reading devices", err)
	}
	defer rows.Close()
	out := map[int64]*LiveDevice{}
	var all []LiveDevice
	var buf []byte
	for rows.Next() {
		var srcs, prov, reason string
		var conf float64
		d, err := scanDevice(extraScanner{rows, []any{&srcs, &prov, &conf, &reason}})
		if err != nil {
			return nil, dbErr("reading devices", err)
		}
		if len(all) == cap(all) {
			all = make([]LiveDevice, 0, 4096) // one allocation per 4,096 devices
		}
		var st [16]byte
		st, buf = stateDigest(buf, d, srcs, prov, conf, reason)
		all = append(all, LiveDevice{state: st, created: d.CreatedAt, first: d.FirstSeen, last: d.LastSeen, upd: d.UpdatedAt})
		out[d.ID] = &all[len(all)-1]
	}
	return out, dbErr("reading devices", rows.Err())
}

// deviceByID reads one device within the transaction.
func (tx *Tx) deviceByID(ctx context.Context, id int64) (*vigil.Device, error) {
	d, err := scanDevice(tx.queryRow(ctx, `SELECT `+deviceColumns+` FROM devices WHERE id = ?`, id))
	return d, dbErr("reading a device", err)
}

// extraScanner appends destinations to every Scan, so scanDevice can read
// wider rows.
type extraScanner struct {
	s     scanner
	extra []any
}

func (e extraScanner) Scan(dst ...any) error { return e.s.Scan(append(dst, e.extra...)...) }

// stateDigest digests everything updateDevice compares but the times: the
// fields changedFields names and the reconciliation extras, each value
// length-prefixed. Equal digests mean nothing to write. It returns buf for
// reuse.
func stateDigest(buf []byte, d *vigil.Device, srcs, prov string, conf float64, reason string) ([16]byte, []byte) {
	b := buf[:0]
	for _, s := range [...]string{d.AssetTag, d.Serial, d.Manufacturer, d.Model, d.DeviceType, d.Firmware, d.MAC, d.IP, d.Hostname,
		d.Location, d.OwnerTeam, string(d.Criticality), string(d.Lifecycle), srcs, prov, reason} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	for _, n := range [...]uint64{uint64(d.SiteID), uint64(d.PlaceID), uint64(boolInt(d.StoresEPHI)), uint64(boolInt(d.SendsEPHI)), math.Float64bits(conf)} {
		b = binary.AppendUvarint(b, n)
	}
	return digest16(b), b
}

// DeviceExtra is what reconciliation knows of a device beyond its fields.
// The per-field provenance is not stored: it is rebuilt from the device's
// records when asked for, which keeps imports lean.
type DeviceExtra struct {
	Confidence float64  // the weakest link that joined its records
	Sources    []string // the names of the sources that list it
	TypeReason string   // why it has its device type
}

func (e DeviceExtra) json() (sources, provenance string) {
	s, _ := json.Marshal(nonNilStrings(e.Sources))
	return string(s), "[]"
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// InsertDevice writes a new device with the id reconciliation gave it, and
// audits its creation.
func (tx *Tx) InsertDevice(ctx context.Context, actor *vigil.User, d *vigil.Device, extra DeviceExtra) error {
	d.CreatedAt, d.UpdatedAt = tx.now, tx.now
	srcs, _ := extra.json()
	err := tx.bulkFor("devices", "id", "asset_tag", "serial", "manufacturer", "model", "device_type", "firmware", "mac", "ip", "hostname",
		"site_id", "place_id", "location", "owner_team", "stores_ephi", "sends_ephi", "criticality", "lifecycle", "first_seen", "last_seen", "created_at"+nowColumn, "updated_at"+nowColumn,
		"confidence", "sources", "type_reason").add(ctx, tx,
		d.ID, d.AssetTag, d.Serial, d.Manufacturer, d.Model, d.DeviceType, d.Firmware, d.MAC, d.IP, d.Hostname,
		d.SiteID, d.PlaceID, d.Location, d.OwnerTeam, boolInt(d.StoresEPHI), boolInt(d.SendsEPHI), string(d.Criticality), string(d.Lifecycle),
		fmtTime(d.FirstSeen), fmtTime(d.LastSeen), extra.Confidence, srcs, extra.TypeReason)
	if err != nil {
		return dbErr("creating a device", err)
	}
	// No version row yet: a device's first state is its row until it first
	// changes (closeVersion writes it then), which halves a first load.
	return dbErr("creating a device", tx.audit(ctx, actor, "device.create", "device", d.ID, labelDetail(d.Label())))
}

// UpdateDevice writes a live device's new resolved state when it differs
// from the stored one, a new version and an audit event when a versioned
// field changed. It returns the names of the fields that changed.
func (tx *Tx) UpdateDevice(ctx context.Context, actor *vigil.User, live *LiveDevice, d *vigil.Device, extra DeviceExtra) ([]string, error) {
	d.CreatedAt = live.created
	if d.FirstSeen.IsZero() || live.first.Before(d.FirstSeen) && !live.first.IsZero() {
		d.FirstSeen = live.first
	}
	srcs, prov := extra.json()
	var st [16]byte
	st, tx.digestBuf = stateDigest(tx.digestBuf, d, srcs, prov, extra.Confidence, extra.TypeReason)
	if st == live.state && d.FirstSeen.Equal(live.first) && d.LastSeen.Equal(live.last) {
		d.UpdatedAt = live.upd
		return nil, nil // nothing to write
	}
	old, err := tx.deviceByID(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	changed := changedFields(old, d)
	d.UpdatedAt = old.UpdatedAt
	if len(changed) > 0 {
		d.UpdatedAt = tx.now
	}
	_, err = tx.exec(ctx, `UPDATE devices SET asset_tag = ?, serial = ?, manufacturer = ?, model = ?, device_type = ?, firmware = ?, mac = ?, ip = ?,
		hostname = ?, site_id = ?, place_id = ?, location = ?, owner_team = ?, stores_ephi = ?, sends_ephi = ?, criticality = ?, lifecycle = ?,
		first_seen = ?, last_seen = ?, updated_at = ?, confidence = ?, sources = ?, provenance = ?, type_reason = ? WHERE id = ?`,
		d.AssetTag, d.Serial, d.Manufacturer, d.Model, d.DeviceType, d.Firmware, d.MAC, d.IP, d.Hostname, d.SiteID, d.PlaceID, d.Location, d.OwnerTeam,
		boolInt(d.StoresEPHI), boolInt(d.SendsEPHI), string(d.Criticality), string(d.Lifecycle), fmtTime(d.FirstSeen), fmtTime(d.LastSeen), fmtTime(d.UpdatedAt),
		extra.Confidence, srcs, prov, extra.TypeReason, d.ID)
	if err != nil {
		return nil, dbErr("updating a device", err)
	}
	if len(changed) == 0 {
		return nil, nil // only sightings moved; the versioned state is the same
	}
	now := tx.nowText()
	if err := tx.closeVersion(ctx, old); err != nil {
		return nil, err
	}
	if err := tx.bulkFor("device_versions", "device_id", "state", "valid_from").add(ctx, tx, d.ID, deviceState(d), now); err != nil {
		return nil, dbErr("updating a device", err)
	}
	return changed, dbErr("updating a device", tx.audit(ctx, actor, "device.update", "device", d.ID, map[string]any{"fields": changed}))
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
func (db *DB) DeviceHistory(ctx context.Context, id int64) ([]vigil.DeviceVersion, error) {
	rows, err := db.query(ctx, `SELECT state, valid_from, valid_to FROM device_versions WHERE device_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, dbErr("reading device history", err)
	}
	defer rows.Close()
	var out []vigil.DeviceVersion
	for rows.Next() {
		var v vigil.DeviceVersion
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
		out = append(out, vigil.DeviceVersion{Device: d, ValidFrom: d.CreatedAt})
	}
	return out, nil
}
