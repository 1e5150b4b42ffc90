package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"

	vigil "github.com/vigil-health/vigil"
)

// discrepancyFrom joins each discrepancy to its acknowledgement.
const discrepancyFrom = ` FROM discrepancies d LEFT JOIN discrepancy_acks a ON a.ack_key = d.ack_key`

// discrepancyWhere is the WHERE of a discrepancy query, with its arguments.
func discrepancyWhere(f vigil.DiscrepancyFilter) (string, []any, error) {
	q := ` WHERE 1=1`
	var args []any
	if f.Kind != "" {
		if !f.Kind.Valid() {
			return "", nil, vigil.Errorf(vigil.EINVALID, "unknown discrepancy kind %q", f.Kind)
		}
		q += ` AND d.kind = ?`
		args = append(args, string(f.Kind))
	}
	if f.DeviceID != 0 {
		q += ` AND d.device_id = ?`
		args = append(args, f.DeviceID)
	}
	if f.SiteID != 0 {
		q += ` AND d.device_id IN (SELECT id FROM devices WHERE site_id = ?)`
		args = append(args, f.SiteID)
	}
	if !f.All {
		q += ` AND a.ack_key IS NULL`
	}
	return q, args, nil
}

// CountDiscrepancies counts the discrepancies f selects by kind (f's
// paging aside).
func (db *DB) CountDiscrepancies(ctx context.Context, f vigil.DiscrepancyFilter) (map[vigil.DiscrepancyKind]int, error) {
	where, args, err := discrepancyWhere(f)
	if err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, `SELECT d.kind, COUNT(*)`+discrepancyFrom+where+` GROUP BY d.kind`, args...)
	if err != nil {
		return nil, dbErr("counting discrepancies", err)
	}
	defer rows.Close()
	out := map[vigil.DiscrepancyKind]int{}
	for rows.Next() {
		var kind string
		var n int
		if err := rows.Scan(&kind, &n); err != nil {
			return nil, dbErr("counting discrepancies", err)
		}
		out[vigil.DiscrepancyKind(kind)] = n
	}
	return out, dbErr("counting discrepancies", rows.Err())
}

// FindDiscrepancies lists the discrepancies of the latest resolution in
// report order (kind, device, field, then key), a page of them when
// f.Limit is set.
func (db *DB) FindDiscrepancies(ctx context.Context, f vigil.DiscrepancyFilter) ([]*vigil.StoredDiscrepancy, error) {
	var out []*vigil.StoredDiscrepancy
	err := db.ScanDiscrepancies(ctx, f, func(d *vigil.StoredDiscrepancy) error {
		out = append(out, d)
		return nil
	})
	return out, err
}

// ScanDiscrepancies hands fn the discrepancies FindDiscrepancies lists, one
// at a time as they are read, stopping at fn's first error: an export of
// hundreds of thousands needs no more memory than one.
func (db *DB) ScanDiscrepancies(ctx context.Context, f vigil.DiscrepancyFilter, fn func(*vigil.StoredDiscrepancy) error) error {
	where, args, err := discrepancyWhere(f)
	if err != nil {
		return err
	}
	rank := `CASE d.kind`
	for i, k := range vigil.DiscrepancyKinds {
		rank += ` WHEN '` + string(k) + `' THEN ` + strconv.Itoa(i)
	}
	rank += ` ELSE ` + strconv.Itoa(len(vigil.DiscrepancyKinds)) + ` END`
	by := db.dialect.byteOrder()
	q := `SELECT d.kind, d.device_id, d.data, d.ack_key, a.actor, a.at, a.note,
		v.asset_tag, v.serial, v.mac, v.hostname, v.ip, v.manufacturer, v.model` +
		discrepancyFrom + ` LEFT JOIN devices v ON v.id = d.device_id` + where + `
		ORDER BY ` + rank + `, d.device_id, d.field` + by + `, d.ack_key` + by + limitClause(f.Offset, f.Limit)
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return dbErr("listing discrepancies", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, data string
		var id int64
		var actor, at, note sql.NullString
		var ref [7]sql.NullString
		d := &vigil.StoredDiscrepancy{}
		if err := rows.Scan(&kind, &id, &data, &d.Key, &actor, &at, &note, &ref[0], &ref[1], &ref[2], &ref[3], &ref[4], &ref[5], &ref[6]); err != nil {
			return dbErr("listing discrepancies", err)
		}
		// Rows written before the device's identifiers were left out of
		// data still carry them; the device row wins either way.
		if err := json.Unmarshal([]byte(data), &d.Discrepancy); err != nil {
			return dbErr("listing discrepancies", err)
		}
		d.Kind = vigil.DiscrepancyKind(kind)
		d.Device = vigil.DeviceRef{ID: id, AssetTag: ref[0].String, Serial: ref[1].String, MAC: ref[2].String, Hostname: ref[3].String,
			IP: ref[4].String, Manufacturer: ref[5].String, Model: ref[6].String}
		if actor.Valid {
			d.Acked = &vigil.Ack{Actor: actor.String, At: parseTime(at.String), Note: note.String}
		}
		if err := fn(d); err != nil {
			return err
		}
	}
	return dbErr("listing discrepancies", rows.Err())
}

// AckDiscrepancies records that a person reviewed each discrepancy of
// keys, with one note for them all; each stays hidden from the default list
// while the same discrepancy persists. Each acknowledgement is audited on
// its own, naming its device. A key that names no current discrepancy
// fails the whole call, and the caller's transaction with it.
func (tx *Tx) AckDiscrepancies(ctx context.Context, actor *vigil.User, keys []string, note string) error {
	note = strings.TrimSpace(note)
	if note == "" {
		return vigil.Errorf(vigil.EINVALID, "an acknowledgement needs a note saying why")
	}
	if len(keys) == 0 {
		return vigil.Errorf(vigil.EINVALID, "choose at least one discrepancy to acknowledge")
	}
	for _, key := range keys {
		var kind string
		var device int64
		err := tx.queryRow(ctx, `SELECT kind, device_id FROM discrepancies WHERE ack_key = ? ORDER BY id LIMIT 1`, key).Scan(&kind, &device)
		if err == sql.ErrNoRows {
			return vigil.Errorf(vigil.ENOTFOUND, "no current discrepancy has the key %q", key)
		} else if err != nil {
			return dbErr("acknowledging a discrepancy", err)
		}
		if _, err := tx.exec(ctx, `DELETE FROM discrepancy_acks WHERE ack_key = ?`, key); err != nil {
			return dbErr("acknowledging a discrepancy", err)
		}
		if _, err := tx.exec(ctx, `INSERT INTO discrepancy_acks (ack_key, actor, at, note) VALUES (?, ?, ?, ?)`, key, actorName(actor), tx.nowText(), note); err != nil {
			return dbErr("acknowledging a discrepancy", err)
		}
		detail := map[string]any{"note": note, "kind": kind, "device": device}
		if err := tx.audit(ctx, actor, "discrepancy.ack", "discrepancy", key, detail); err != nil {
			return dbErr("acknowledging a discrepancy", err)
		}
	}
	return tx.recordDiscrepancyCounts(ctx)
}

// FindConflicts lists the identity-conflict queue of the latest resolution.
func (db *DB) FindConflicts(ctx context.Context) ([]*vigil.QueuedConflict, error) {
	rows, err := db.query(ctx, `SELECT key_a, key_b, data FROM identity_conflicts ORDER BY id`)
	if err != nil {
		return nil, dbErr("listing conflicts", err)
	}
	defer rows.Close()
	var out []*vigil.QueuedConflict
	for rows.Next() {
		c := &vigil.QueuedConflict{}
		var data string
		if err := rows.Scan(&c.KeyA, &c.KeyB, &data); err != nil {
			return nil, dbErr("listing conflicts", err)
		}
		if err := json.Unmarshal([]byte(data), &c.Conflict); err != nil {
			return nil, dbErr("listing conflicts", err)
		}
		out = append(out, c)
	}
	return out, dbErr("listing conflicts", rows.Err())
}

// ReplaceConflicts replaces the identity-conflict queue.
func (tx *Tx) ReplaceConflicts(ctx context.Context, cs []vigil.Conflict) error {
	if _, err := tx.exec(ctx, `DELETE FROM identity_conflicts`); err != nil {
		return dbErr("recording conflicts", err)
	}
	for i := range cs {
		b, err := json.Marshal(&cs[i])
		if err != nil {
			return dbErr("recording conflicts", err)
		}
		if _, err := tx.exec(ctx, `INSERT INTO identity_conflicts (key_a, key_b, data) VALUES (?, ?, ?)`, cs[i].A.Key, cs[i].B.Key, string(b)); err != nil {
			return dbErr("recording conflicts", err)
		}
	}
	return nil
}

// AddIdentityDecision records a person's decision about two records of the
// identity-conflict queue, and audits it.
func (tx *Tx) AddIdentityDecision(ctx context.Context, actor *vigil.User, d vigil.IdentityDecision) error {
	if d.A == "" || d.B == "" || d.A == d.B {
		return vigil.Errorf(vigil.EINVALID, "a decision names two different record keys")
	}
	if _, err := tx.exec(ctx, `INSERT INTO identity_decisions (key_a, key_b, same, actor, at, note) VALUES (?, ?, ?, ?, ?, ?)`,
		d.A, d.B, boolInt(d.Same), actorName(actor), tx.nowText(), strings.TrimSpace(d.Note)); err != nil {
		return dbErr("recording a decision", err)
	}
	return dbErr("recording a decision", tx.audit(ctx, actor, "identity.decide", "record", d.A, map[string]any{"a": d.A, "b": d.B, "same": d.Same, "note": d.Note}))
}

// Precedence returns the per-field source precedence in force.
func (db *DB) Precedence(ctx context.Context) (vigil.Precedence, error) {
	var v string
	err := db.queryRow(ctx, `SELECT value FROM settings WHERE name = ?`, settingPrecedence).Scan(&v)
	if err == sql.ErrNoRows || err == nil && v == "" {
		return vigil.DefaultPrecedence(), nil
	} else if err != nil {
		return vigil.Precedence{}, dbErr("reading precedence", err)
	}
	var p vigil.Precedence
	if err := json.Unmarshal([]byte(v), &p); err != nil {
		return p, vigil.WrapError(vigil.EINTERNAL, "the stored precedence is not valid JSON", err)
	}
	return p, nil
}

// SetPrecedence replaces the precedence and audits the change.
func (tx *Tx) SetPrecedence(ctx context.Context, actor *vigil.User, p vigil.Precedence) error {
	if err := p.Validate(); err != nil {
		return err
	}
	b, _ := json.Marshal(p)
	if err := tx.setSetting(ctx, settingPrecedence, string(b)); err != nil {
		return err
	}
	return dbErr("saving precedence", tx.audit(ctx, actor, "precedence.set", "setting", settingPrecedence, p))
}

// SetSourceRole changes a source's role and audits the change.
func (tx *Tx) SetSourceRole(ctx context.Context, actor *vigil.User, name, role string) error {
	var s vigil.Source
	if err := tx.queryRow(ctx, `SELECT id, name FROM sources WHERE name = ?`, name).Scan(&s.ID, &s.Name); err == sql.ErrNoRows {
		return vigil.Errorf(vigil.ENOTFOUND, "no source %q", name)
	} else if err != nil {
		return dbErr("setting a source role", err)
	}
	return tx.setSourceRole(ctx, actor, &s, role)
}

func (tx *Tx) setSourceRole(ctx context.Context, actor *vigil.User, s *vigil.Source, role string) error {
	if !vigil.SourceRole(role).Valid() {
		return vigil.Errorf(vigil.EINVALID, "unknown source role %q (clinical-engineering, it, scanner, network or other)", role)
	}
	var cur string
	if err := tx.queryRow(ctx, `SELECT role FROM sources WHERE id = ?`, s.ID).Scan(&cur); err != nil {
		return dbErr("setting a source role", err)
	}
	s.Role = role
	if cur == role {
		return nil
	}
	if _, err := tx.exec(ctx, `UPDATE sources SET role = ? WHERE id = ?`, role, s.ID); err != nil {
		return dbErr("setting a source role", err)
	}
	return dbErr("setting a source role", tx.audit(ctx, actor, "source.role", "source", s.Name, map[string]string{"from": cur, "to": role}))
}

// DeviceReconciliation returns what the last resolution stored about a
// device (its sources, confidence and type reason; Fields empty) and its
// current record versions, from which its per-field provenance is rebuilt.
func (tx *Tx) DeviceReconciliation(ctx context.Context, id int64) (*vigil.DeviceProvenance, []StoredRecord, error) {
	p := &vigil.DeviceProvenance{Fields: []vigil.FieldProvenance{}}
	var srcs string
	err := tx.queryRow(ctx, `SELECT sources, confidence, type_reason FROM devices WHERE id = ?`, id).Scan(&srcs, &p.Confidence, &p.TypeReason)
	if err == sql.ErrNoRows {
		return nil, nil, vigil.Errorf(vigil.ENOTFOUND, "no device %d", id)
	} else if err != nil {
		return nil, nil, dbErr("reading provenance", err)
	}
	if err := json.Unmarshal([]byte(srcs), &p.Sources); err != nil {
		return nil, nil, dbErr("reading provenance", err)
	}
	recs, err := tx.loadRecords(ctx, nil, `r.valid_to IS NULL AND r.device_id = ?`, id)
	if err != nil {
		return nil, nil, err
	}
	return p, recs, nil
}
