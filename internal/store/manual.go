package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/ingest"
)

// ManualSource is the source that holds values people set by hand.
const ManualSource = "manual"

// SetDeviceField sets one field of a device by hand, for example its device
// type or the location a discrepancy review settled. The value is recorded as
// a record of the "manual" source that carries the device's identifiers, so
// it joins the device and, by default precedence, wins. An empty value
// removes the hand-set value of that field.
func (db *DB) SetDeviceField(ctx context.Context, actor *vigil.User, id int64, field, value string) error {
	if !vigil.IsField(field) {
		return vigil.Errorf(vigil.EINVALID, "unknown field %q", field)
	}
	value = strings.TrimSpace(value)
	if value != "" {
		// A value set by hand is normalised like an imported one, so a MAC
		// or IP that does not parse is refused here, not stored.
		v, err := ingest.NormalizeValue(field, value)
		if err != nil {
			return vigil.WrapError(vigil.EINVALID, fmt.Sprintf("%s: %s", field, vigil.ErrorMessage(err)), err)
		}
		if v == "" {
			return vigil.Errorf(vigil.EINVALID, "%s: %q is a placeholder, not a value; leave the value empty to clear the field", field, value)
		}
		value = v
	}
	return db.inTx(ctx, func(tx *Tx) error {
		d, err := scanDevice(tx.queryRow(ctx, `SELECT `+deviceColumns+` FROM devices WHERE id = ? AND removed_at IS NULL`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return vigil.Errorf(vigil.ENOTFOUND, "no device %d", id)
		} else if err != nil {
			return dbErr("setting a field", err)
		}
		src, err := tx.upsertSource(ctx, actor, &vigil.Source{Name: ManualSource, Kind: vigil.SourceManual})
		if err != nil {
			return err
		}
		// The manual record keeps every field set before on this device.
		fields := map[string]string{}
		var curID int64
		var curFields string
		err = tx.queryRow(ctx, `SELECT id, fields FROM source_records WHERE source_id = ? AND device_id = ? AND valid_to IS NULL`, src.ID, id).Scan(&curID, &curFields)
		if err == nil {
			if err := jsonUnmarshal(curFields, &fields); err != nil {
				return dbErr("setting a field", err)
			}
		}
		for f, v := range map[string]string{vigil.FieldAssetTag: d.AssetTag, vigil.FieldSerial: d.Serial, vigil.FieldMAC: d.MAC, vigil.FieldManufacturer: d.Manufacturer} {
			if v != "" && fields[f] == "" {
				fields[f] = v
			}
		}
		if value == "" {
			delete(fields, field)
		} else {
			fields[field] = value
		}
		rec := &vigil.Record{Origin: vigil.Origin{File: "set by " + actorName(actor)}, ObservedAt: tx.now, Fields: vigil.MakeFields(fields)}
		key := RecordKey(rec)
		if key == "" {
			return vigil.Errorf(vigil.EINVALID, "device %d has no identifier a hand-set value can attach to", id)
		}
		if curID != 0 {
			if _, err := tx.exec(ctx, `UPDATE source_records SET valid_to = ? WHERE id = ?`, tx.nowText(), curID); err != nil {
				return dbErr("setting a field", err)
			}
		}
		var importID int64
		if err := tx.queryRow(ctx, `INSERT INTO imports (source_id, actor, files, taken_at, recorded_at, records, added, removed, changed) VALUES (?, ?, '[]', ?, ?, 1, 0, 0, 1) RETURNING id`,
			src.ID, actorName(actor), tx.nowText(), tx.nowText()).Scan(&importID); err != nil {
			return dbErr("setting a field", err)
		}
		b, _ := jsonMarshal(fields)
		if _, err := tx.exec(ctx, `INSERT INTO source_records (source_id, record_key, fields, origin, observed_at, valid_from, import_id, device_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			src.ID, key, b, rec.Origin.String(), tx.nowText(), tx.nowText(), importID, id); err != nil {
			return dbErr("setting a field", err)
		}
		if err := tx.audit(ctx, actor, "device.set", "device", id, map[string]string{"field": field, "value": value}); err != nil {
			return dbErr("setting a field", err)
		}
		_, err = tx.resolveInventory(ctx, actor)
		return err
	})
}
