package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/reconcile"
)

// currentRecord is the valid version of one record of one source.
type currentRecord struct {
	id       int64
	sourceID int64
	source   string
	kind     vigil.SourceKind
	key      string
	fields   string
	observed string
	deviceID int64
	rec      *vigil.Record
}

// RecordKey is the identity of a record within its source, stable across
// snapshots: the strongest identifier the record carries.
func RecordKey(r *vigil.Record) string {
	f := r.Fields
	switch {
	case f[vigil.FieldAssetTag] != "":
		return "tag:" + strings.ToLower(f[vigil.FieldAssetTag])
	case f[vigil.FieldSerial] != "":
		return "sn:" + strings.ToLower(f[vigil.FieldManufacturer]) + "/" + strings.ToLower(f[vigil.FieldSerial])
	case f[vigil.FieldMAC] != "":
		return "mac:" + f[vigil.FieldMAC]
	case f[vigil.FieldHostname] != "":
		return "host:" + strings.ToLower(f[vigil.FieldHostname])
	case f[vigil.FieldIP] != "":
		return "ip:" + f[vigil.FieldIP]
	}
	return ""
}

// Import records a snapshot of one source in one transaction: the source's
// record versions are diffed against its previous snapshot, the inventory is
// re-resolved, and every change is audited. A failure changes nothing.
func (db *DB) Import(ctx context.Context, actor *vigil.User, snap *vigil.Snapshot) (*vigil.ImportResult, error) {
	if err := snap.Source.Validate(); err != nil {
		return nil, err
	}
	res := &vigil.ImportResult{Source: snap.Source.Name, Records: len(snap.Records)}
	err := db.inTx(ctx, func(tx *Tx) error {
		src, err := tx.upsertSource(ctx, actor, &snap.Source)
		if err != nil {
			return err
		}
		taken := snap.TakenAt
		if taken.IsZero() {
			taken = tx.now
		}
		files, _ := json.Marshal(snap.Files)
		if err := tx.queryRow(ctx, `INSERT INTO imports (source_id, actor, files, taken_at, recorded_at, records, added, removed, changed) VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0) RETURNING id`,
			src.ID, actorName(actor), string(files), fmtTime(taken), fmtTime(tx.now), len(snap.Records)).Scan(&res.ImportID); err != nil {
			return dbErr("recording the import", err)
		}
		if err := tx.diffSnapshot(ctx, src, res, snap); err != nil {
			return err
		}
		n, err := tx.resolveInventory(ctx, actor)
		if err != nil {
			return err
		}
		res.Devices = n
		if _, err := tx.exec(ctx, `UPDATE imports SET added = ?, removed = ?, changed = ? WHERE id = ?`, res.Added, res.Removed, res.Changed, res.ImportID); err != nil {
			return dbErr("recording the import", err)
		}
		return dbErr("recording the import", tx.audit(ctx, actor, "import", "source", src.Name, map[string]any{
			"import_id": res.ImportID, "files": snap.Files, "records": res.Records, "added": res.Added, "removed": res.Removed, "changed": res.Changed,
		}))
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func actorName(u *vigil.User) string {
	if u == nil {
		return vigil.SystemUser.Name
	}
	return u.Name
}

func (tx *Tx) upsertSource(ctx context.Context, actor *vigil.User, s *vigil.Source) (*vigil.Source, error) {
	var out vigil.Source
	var kind, created string
	err := tx.queryRow(ctx, `SELECT id, name, kind, created_at FROM sources WHERE name = ?`, s.Name).Scan(&out.ID, &out.Name, &kind, &created)
	switch {
	case err == sql.ErrNoRows:
		if s.Role != "" && !reconcile.Role(s.Role).Valid() {
			return nil, vigil.Errorf(vigil.EINVALID, "unknown source role %q (clinical-engineering, it, scanner, network or other)", s.Role)
		}
		out = vigil.Source{Name: s.Name, Kind: s.Kind, Role: s.Role, CreatedAt: tx.now}
		if err := tx.queryRow(ctx, `INSERT INTO sources (name, kind, role, created_at) VALUES (?, ?, ?, ?) RETURNING id`, s.Name, string(s.Kind), s.Role, fmtTime(tx.now)).Scan(&out.ID); err != nil {
			return nil, dbErr("creating a source", err)
		}
		return &out, dbErr("creating a source", tx.audit(ctx, actor, "source.create", "source", s.Name, map[string]any{"kind": s.Kind, "role": s.Role}))
	case err != nil:
		return nil, dbErr("reading a source", err)
	}
	out.Kind, out.CreatedAt = vigil.SourceKind(kind), parseTime(created)
	if out.Kind != s.Kind {
		return nil, vigil.Errorf(vigil.ECONFLICT, "source %q is a %s source, not %s", s.Name, out.Kind, s.Kind)
	}
	if s.Role != "" {
		if err := tx.setSourceRole(ctx, actor, &out, s.Role); err != nil {
			return nil, err
		}
	}
	return &out, nil
}

// diffSnapshot closes the versions of records that changed or vanished and
// inserts new versions, counting what was added, removed and changed.
func (tx *Tx) diffSnapshot(ctx context.Context, src *vigil.Source, res *vigil.ImportResult, snap *vigil.Snapshot) error {
	cur := map[string]*currentRecord{}
	rows, err := tx.query(ctx, `SELECT id, record_key, fields, device_id FROM source_records WHERE source_id = ? AND valid_to IS NULL`, src.ID)
	if err != nil {
		return dbErr("reading the previous snapshot", err)
	}
	for rows.Next() {
		var c currentRecord
		var dev sql.NullInt64
		if err := rows.Scan(&c.id, &c.key, &c.fields, &dev); err != nil {
			rows.Close()
			return dbErr("reading the previous snapshot", err)
		}
		c.deviceID = dev.Int64
		cur[c.key] = &c
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return dbErr("reading the previous snapshot", err)
	}
	now := fmtTime(tx.now)
	insert, err := tx.PrepareContext(ctx, tx.db.dialect.rebind(`INSERT INTO source_records (source_id, record_key, fields, origin, observed_at, valid_from, import_id, device_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`))
	if err != nil {
		return dbErr("storing records", err)
	}
	defer insert.Close()
	closeRec, err := tx.PrepareContext(ctx, tx.db.dialect.rebind(`UPDATE source_records SET valid_to = ? WHERE id = ?`))
	if err != nil {
		return dbErr("storing records", err)
	}
	defer closeRec.Close()
	seen := make(map[string]int, len(snap.Records))
	for _, r := range snap.Records {
		key := RecordKey(r)
		if key == "" {
			return vigil.Errorf(vigil.EINVALID, "%s: the record has no identifier (asset tag, serial, MAC, hostname or IP)", r.Origin)
		}
		// One source listing the same device twice keeps both records; the
		// reconciliation reports the duplicate.
		if n := seen[key]; n > 0 {
			seen[key] = n + 1
			key = fmt.Sprintf("%s#%d", key, n+1)
		} else {
			seen[key] = 1
		}
		b, err := json.Marshal(r.Fields)
		if err != nil {
			return vigil.WrapError(vigil.EINVALID, r.Origin.String()+": cannot encode the record", err)
		}
		observed := r.ObservedAt
		if observed.IsZero() {
			observed = snap.TakenAt
		}
		if observed.IsZero() {
			observed = tx.now
		}
		var dev any
		if c, ok := cur[key]; ok {
			delete(cur, key)
			if c.fields == string(b) {
				continue
			}
			res.Changed++
			if _, err := closeRec.ExecContext(ctx, now, c.id); err != nil {
				return dbErr("storing records", err)
			}
			if c.deviceID != 0 {
				dev = c.deviceID
			}
		} else {
			res.Added++
		}
		if _, err := insert.ExecContext(ctx, src.ID, key, string(b), r.Origin.String(), fmtTime(observed), now, res.ImportID, dev); err != nil {
			return dbErr("storing records", err)
		}
	}
	for _, c := range cur {
		res.Removed++
		if _, err := closeRec.ExecContext(ctx, now, c.id); err != nil {
			return dbErr("storing records", err)
		}
	}
	return nil
}
