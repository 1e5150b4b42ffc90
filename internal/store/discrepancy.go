package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/reconcile"
)

// Discrepancy is a stored discrepancy with its stable key and whether a
// person acknowledged it.
type Discrepancy struct {
	vigil.Discrepancy
	Key   string `json:"-"`
	Acked *Ack   `json:"-"`
}

// Ack is a person's acknowledgement of a discrepancy.
type Ack struct {
	Actor string    `json:"actor"`
	At    time.Time `json:"at"`
	Note  string    `json:"note"`
}

// DiscrepancyFilter selects discrepancies.
type DiscrepancyFilter struct {
	Kind     vigil.DiscrepancyKind
	DeviceID int64
	SiteID   int64 // only the devices of this hospital
	// All includes acknowledged discrepancies.
	All bool
	// Limit, when positive, returns at most that many, after skipping
	// Offset: one page of the list.
	Limit, Offset int
}

// discrepancyFrom joins each discrepancy to its acknowledgement.
const discrepancyFrom = ` FROM discrepancies d LEFT JOIN discrepancy_acks a ON a.ack_key = d.ack_key`

// discrepancyWhere is the WHERE of a discrepancy query, with its arguments.
func discrepancyWhere(f DiscrepancyFilter) (string, []any, error) {
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
func (db *DB) CountDiscrepancies(ctx context.Context, f DiscrepancyFilter) (map[vigil.DiscrepancyKind]int, error) {
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
func (db *DB) FindDiscrepancies(ctx context.Context, f DiscrepancyFilter) ([]*Discrepancy, error) {
	var out []*Discrepancy
	err := db.ScanDiscrepancies(ctx, f, func(d *Discrepancy) error {
		out = append(out, d)
		return nil
	})
	return out, err
}

// ScanDiscrepancies hands fn the discrepancies FindDiscrepancies lists, one
// at a time as they are read, stopping at fn's first error: an export of
// hundreds of thousands needs no more memory than one.
func (db *DB) ScanDiscrepancies(ctx context.Context, f DiscrepancyFilter, fn func(*Discrepancy) error) error {
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
		d := &Discrepancy{}
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
			d.Acked = &Ack{Actor: actor.String, At: parseTime(at.String), Note: note.String}
		}
		if err := fn(d); err != nil {
			return err
		}
	}
	return dbErr("listing discrepancies", rows.Err())
}

// AckDiscrepancy records that a person reviewed a discrepancy; it stays
// hidden from the default list while the same discrepancy persists.
func (db *DB) AckDiscrepancy(ctx context.Context, actor *vigil.User, key, note string) error {
	note = strings.TrimSpace(note)
	if note == "" {
		return vigil.Errorf(vigil.EINVALID, "an acknowledgement needs a note saying why")
	}
	return db.inTx(ctx, func(tx *Tx) error {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM discrepancies WHERE ack_key = ?`, key).Scan(&n); err != nil {
			return dbErr("acknowledging a discrepancy", err)
		}
		if n == 0 {
			return vigil.Errorf(vigil.ENOTFOUND, "no current discrepancy has that key")
		}
		if _, err := tx.exec(ctx, `DELETE FROM discrepancy_acks WHERE ack_key = ?`, key); err != nil {
			return dbErr("acknowledging a discrepancy", err)
		}
		if _, err := tx.exec(ctx, `INSERT INTO discrepancy_acks (ack_key, actor, at, note) VALUES (?, ?, ?, ?)`, key, actorName(actor), tx.nowText(), note); err != nil {
			return dbErr("acknowledging a discrepancy", err)
		}
		return dbErr("acknowledging a discrepancy", tx.audit(ctx, actor, "discrepancy.ack", "discrepancy", key, map[string]string{"note": note}))
	})
}

// Conflict is an entry of the identity-conflict queue.
type Conflict struct {
	reconcile.Conflict
	KeyA, KeyB string
}

// FindConflicts lists the identity-conflict queue of the latest resolution.
func (db *DB) FindConflicts(ctx context.Context) ([]*Conflict, error) {
	rows, err := db.query(ctx, `SELECT key_a, key_b, data FROM identity_conflicts ORDER BY id`)
	if err != nil {
		return nil, dbErr("listing conflicts", err)
	}
	defer rows.Close()
	var out []*Conflict
	for rows.Next() {
		c := &Conflict{}
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

func (tx *Tx) writeConflicts(ctx context.Context, cs []reconcile.Conflict) error {
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

// DecideIdentity records a person's decision that the records with stable
// keys a and b are (same) or are not the same device, and re-resolves the
// inventory in the same transaction. The decision is replayed on every
// later import.
func (db *DB) DecideIdentity(ctx context.Context, actor *vigil.User, a, b string, same bool, note string) (int, error) {
	if a == "" || b == "" || a == b {
		return 0, vigil.Errorf(vigil.EINVALID, "a decision names two different record keys")
	}
	var n int
	err := db.inTx(ctx, func(tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO identity_decisions (key_a, key_b, same, actor, at, note) VALUES (?, ?, ?, ?, ?, ?)`,
			a, b, boolInt(same), actorName(actor), tx.nowText(), strings.TrimSpace(note)); err != nil {
			return dbErr("recording a decision", err)
		}
		if err := tx.audit(ctx, actor, "identity.decide", "record", a, map[string]any{"a": a, "b": b, "same": same, "note": note}); err != nil {
			return dbErr("recording a decision", err)
		}
		var err error
		n, err = tx.resolveInventory(ctx, actor)
		return err
	})
	return n, err
}

// Precedence returns the per-field source precedence in force.
func (db *DB) Precedence(ctx context.Context) (reconcile.Precedence, error) {
	var v string
	err := db.queryRow(ctx, `SELECT value FROM settings WHERE name = ?`, settingPrecedence).Scan(&v)
	if err == sql.ErrNoRows || err == nil && v == "" {
		return reconcile.DefaultPrecedence(), nil
	} else if err != nil {
		return reconcile.Precedence{}, dbErr("reading precedence", err)
	}
	var p reconcile.Precedence
	if err := json.Unmarshal([]byte(v), &p); err != nil {
		return p, vigil.WrapError(vigil.EINTERNAL, "the stored precedence is not valid JSON", err)
	}
	return p, nil
}

// SetPrecedence replaces the precedence and re-resolves the inventory.
func (db *DB) SetPrecedence(ctx context.Context, actor *vigil.User, p reconcile.Precedence) error {
	if err := p.Validate(); err != nil {
		return err
	}
	b, _ := json.Marshal(p)
	return db.inTx(ctx, func(tx *Tx) error {
		if err := tx.setSetting(ctx, settingPrecedence, string(b)); err != nil {
			return err
		}
		if err := tx.audit(ctx, actor, "precedence.set", "setting", settingPrecedence, p); err != nil {
			return dbErr("saving precedence", err)
		}
		_, err := tx.resolveInventory(ctx, actor)
		return err
	})
}

// SetSourceRole changes a source's role and re-resolves the inventory.
func (db *DB) SetSourceRole(ctx context.Context, actor *vigil.User, name, role string) error {
	return db.inTx(ctx, func(tx *Tx) error {
		var s vigil.Source
		if err := tx.queryRow(ctx, `SELECT id, name FROM sources WHERE name = ?`, name).Scan(&s.ID, &s.Name); err == sql.ErrNoRows {
			return vigil.Errorf(vigil.ENOTFOUND, "no source %q", name)
		} else if err != nil {
			return dbErr("setting a source role", err)
		}
		if err := tx.setSourceRole(ctx, actor, &s, role); err != nil {
			return err
		}
		_, err := tx.resolveInventory(ctx, actor)
		return err
	})
}

func (tx *Tx) setSourceRole(ctx context.Context, actor *vigil.User, s *vigil.Source, role string) error {
	if !reconcile.Role(role).Valid() {
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

// DeviceProvenance is what reconciliation recorded about a device.
type DeviceProvenance struct {
	Sources    []string                    `json:"sources"`
	Confidence float64                     `json:"confidence"`
	TypeReason string                      `json:"type_reason"`
	Fields     []reconcile.FieldProvenance `json:"fields"`
}

// FindDeviceProvenance returns every source's value for each field of a
// device, and which one was chosen and why, by resolving the device's
// current records again with the precedence in force.
func (db *DB) FindDeviceProvenance(ctx context.Context, id int64) (*DeviceProvenance, error) {
	p := &DeviceProvenance{Fields: []reconcile.FieldProvenance{}}
	err := db.inTx(ctx, func(tx *Tx) error {
		var srcs string
		err := tx.queryRow(ctx, `SELECT sources, confidence, type_reason FROM devices WHERE id = ?`, id).Scan(&srcs, &p.Confidence, &p.TypeReason)
		if err == sql.ErrNoRows {
			return vigil.Errorf(vigil.ENOTFOUND, "no device %d", id)
		} else if err != nil {
			return dbErr("reading provenance", err)
		}
		if err := json.Unmarshal([]byte(srcs), &p.Sources); err != nil {
			return dbErr("reading provenance", err)
		}
		recs, err := tx.loadRecords(ctx, nil, `r.valid_to IS NULL AND r.device_id = ?`, id)
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return nil
		}
		cfg, _, err := tx.reconcileConfig(ctx)
		if err != nil {
			return err
		}
		inputs := make([]reconcile.Input, len(recs))
		for i := range recs {
			c := &recs[i]
			inputs[i] = reconcile.Input{Ref: c.id, Source: c.source, Kind: c.kind, Record: &c.rec, PrevDevice: c.deviceID}
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
