package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	vigil "github.com/vigil-health/vigil"
)

// Settings names.
const (
	settingPrecedence = "reconcile.precedence"
	settingStaleDays  = "reconcile.stale_days"
)

// RemoveDevice marks a device that no source lists any more: it leaves the
// live inventory, its last state is versioned, and the removal is audited.
func (tx *Tx) RemoveDevice(ctx context.Context, actor *vigil.User, id int64) error {
	now := tx.nowText()
	if _, err := tx.exec(ctx, `UPDATE devices SET removed_at = ?, updated_at = ? WHERE id = ?`, now, now, id); err != nil {
		return dbErr("resolving devices", err)
	}
	old, err := tx.deviceByID(ctx, id)
	if err != nil {
		return err
	}
	if err := tx.closeVersion(ctx, old); err != nil {
		return err
	}
	return dbErr("resolving devices", tx.audit(ctx, actor, "device.remove", "device", id, map[string]any{"reason": "no source lists it"}))
}

// SetRecordDevice assigns a stored record version to a device.
func (tx *Tx) SetRecordDevice(ctx context.Context, recordID, deviceID int64) error {
	if tx.setDevice == nil {
		st, err := tx.PrepareContext(ctx, tx.db.dialect.rebind(`UPDATE source_records SET device_id = ? WHERE id = ?`))
		if err != nil {
			return dbErr("resolving devices", err)
		}
		tx.setDevice = st
	}
	_, err := tx.setDevice.ExecContext(ctx, deviceID, recordID)
	return dbErr("resolving devices", err)
}

// Sources lists every source with its kind and the role set for it ("" when
// none was set), by name.
func (tx *Tx) Sources(ctx context.Context) ([]vigil.Source, error) {
	rows, err := tx.query(ctx, `SELECT name, kind, role FROM sources ORDER BY name`)
	if err != nil {
		return nil, dbErr("reading sources", err)
	}
	defer rows.Close()
	var out []vigil.Source
	for rows.Next() {
		var s vigil.Source
		var kind string
		if err := rows.Scan(&s.Name, &kind, &s.Role); err != nil {
			return nil, dbErr("reading sources", err)
		}
		s.Kind = vigil.SourceKind(kind)
		out = append(out, s)
	}
	return out, dbErr("reading sources", rows.Err())
}

// NextDeviceID is the first device id never used.
func (tx *Tx) NextDeviceID(ctx context.Context) (int64, error) {
	var maxID sql.NullInt64
	if err := tx.queryRow(ctx, `SELECT MAX(id) FROM devices`).Scan(&maxID); err != nil {
		return 0, dbErr("reading devices", err)
	}
	return maxID.Int64 + 1, nil
}

// Precedence returns the per-field precedence an admin set, or nil when none
// was set.
func (tx *Tx) Precedence(ctx context.Context) (*vigil.Precedence, error) {
	v, err := tx.setting(ctx, settingPrecedence)
	if err != nil || v == "" {
		return nil, err
	}
	p := &vigil.Precedence{}
	if err := json.Unmarshal([]byte(v), p); err != nil {
		return nil, vigil.WrapError(vigil.EINTERNAL, "the stored precedence is not valid JSON", err)
	}
	return p, nil
}

// DefaultStaleDays is how many days without a discovery sighting make an
// inventory device stale when no other threshold was set.
const DefaultStaleDays = 30

// StaleDays returns the stale threshold in days.
func (tx *Tx) StaleDays(ctx context.Context) (int, error) {
	stale := DefaultStaleDays
	v, err := tx.setting(ctx, settingStaleDays)
	if err != nil {
		return 0, err
	}
	if v != "" {
		fmt.Sscan(v, &stale)
	}
	return stale, nil
}

func (tx *Tx) setting(ctx context.Context, name string) (string, error) {
	var v string
	err := tx.queryRow(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&v)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return v, dbErr("reading a setting", err)
}

func (tx *Tx) setSetting(ctx context.Context, name, value string) error {
	if _, err := tx.exec(ctx, `DELETE FROM settings WHERE name = ?`, name); err != nil {
		return dbErr("saving a setting", err)
	}
	_, err := tx.exec(ctx, `INSERT INTO settings (name, value) VALUES (?, ?)`, name, value)
	return dbErr("saving a setting", err)
}

// IdentityDecisions returns every decision people made about the
// identity-conflict queue, oldest first.
func (tx *Tx) IdentityDecisions(ctx context.Context) ([]vigil.IdentityDecision, error) {
	rows, err := tx.query(ctx, `SELECT key_a, key_b, same, actor, at, note FROM identity_decisions ORDER BY id`)
	if err != nil {
		return nil, dbErr("reading decisions", err)
	}
	defer rows.Close()
	var out []vigil.IdentityDecision
	for rows.Next() {
		var d vigil.IdentityDecision
		var same int
		var at string
		if err := rows.Scan(&d.A, &d.B, &same, &d.By, &at, &d.Note); err != nil {
			return nil, dbErr("reading decisions", err)
		}
		d.Same, d.At = same != 0, parseTime(at)
		out = append(out, d)
	}
	return out, dbErr("reading decisions", rows.Err())
}

// ackKey identifies a discrepancy across resolutions.
func ackKey(d *vigil.Discrepancy) string {
	return string(d.Kind) + "|" + strconv.FormatInt(d.Device.ID, 10) + "|" + d.Field + "|" + strings.Join(d.Sources, ",")
}

// discrepancyData is what a discrepancy row stores besides its kind and
// device: the field, the sources' values, the sources and the detail, as
// JSON. The device's identifiers are not repeated in every row; they are
// read from the device when the discrepancy is listed.
func discrepancyData(d *vigil.Discrepancy) string {
	b := make([]byte, 0, 96+len(d.Detail))
	b = append(b, '{')
	if d.Field != "" {
		b = append(b, `"field":`...)
		b = appendJSONString(b, d.Field)
		b = append(b, ',')
	}
	if d.Values != nil {
		b = append(b, `"values":`...)
		b = appendFlat(b, d.Values)
		b = append(b, ',')
	}
	b = append(b, `"sources":[`...)
	for i, s := range d.Sources {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	b = append(b, ']')
	if d.Detail != "" {
		b = append(b, `,"detail":`...)
		b = appendJSONString(b, d.Detail)
	}
	return string(append(b, '}'))
}

// SyncDiscrepancies brings the stored list to the discrepancies that each
// yields, touching only the rows that changed: a daily sync that changes
// nothing writes nothing. each hands them over one at a time (the listing
// sorts them), so they are never held all at once. Today's count of each
// kind is recorded too (DiscrepancyHistory).
func (tx *Tx) SyncDiscrepancies(ctx context.Context, each func(yield func(*vigil.Discrepancy) error) error) error {
	type row struct {
		id   int64
		data string
	}
	have := map[string][]row{}
	rows, err := tx.query(ctx, `SELECT id, ack_key, data FROM discrepancies`)
	if err != nil {
		return dbErr("recording discrepancies", err)
	}
	for rows.Next() {
		var r row
		var key string
		if err := rows.Scan(&r.id, &key, &r.data); err != nil {
			rows.Close()
			return dbErr("recording discrepancies", err)
		}
		have[key] = append(have[key], r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return dbErr("recording discrepancies", err)
	}
	ins := tx.bulkFor("discrepancies", "kind", "device_id", "field", "ack_key", "data")
	err = each(func(d *vigil.Discrepancy) error {
		key, data := ackKey(d), discrepancyData(d)
		if old := have[key]; len(old) > 0 {
			// The same discrepancy is already stored: keep its row.
			for j, r := range old {
				if r.data == data {
					have[key] = append(old[:j], old[j+1:]...)
					return nil
				}
			}
		}
		return ins.add(ctx, tx, string(d.Kind), d.Device.ID, d.Field, key, data)
	})
	if err != nil {
		return dbErr("recording discrepancies", err)
	}
	var gone []int64
	for _, old := range have {
		for _, r := range old {
			gone = append(gone, r.id)
		}
	}
	if err := tx.deleteIDs(ctx, "discrepancies", gone); err != nil {
		return dbErr("recording discrepancies", err)
	}
	return tx.recordDiscrepancyCounts(ctx)
}

// deleteIDs deletes rows of table by id, many per statement.
func (tx *Tx) deleteIDs(ctx context.Context, table string, ids []int64) error {
	for len(ids) > 0 {
		n := min(len(ids), bulkRows*8)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		if _, err := tx.exec(ctx, `DELETE FROM `+table+` WHERE id IN (?`+strings.Repeat(", ?", n-1)+`)`, args...); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}
