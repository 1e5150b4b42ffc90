package store

import (
	"context"
	"database/sql"
	"errors"

	vigil "github.com/vigil-health/vigil"
)

// ManualSource is the source that holds values people set by hand.
const ManualSource = "manual"

// SetManualField records a value set by hand for one field of a live
// device as the "manual" source's record for it, which carries the device's
// identifiers so that it joins the device; an empty value removes the
// hand-set value of that field. The value must already be normalised. The
// change is audited; resolving the inventory again is the caller's.
func (tx *Tx) SetManualField(ctx context.Context, actor *vigil.User, id int64, field, value string) error {
	if !vigil.IsField(field) {
		return vigil.Errorf(vigil.EINVALID, "unknown field %q", field)
	}
	if err := tx.lockInventory(ctx); err != nil {
		return err
	}
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
	return dbErr("setting a field", tx.audit(ctx, actor, "device.set", "device", id, map[string]string{"field": field, "value": value}))
}
