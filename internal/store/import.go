package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	vigil "github.com/vigil-health/vigil"
)

// prevVersion is the valid version of one record of one source, as a new
// snapshot is compared with it.
type prevVersion struct {
	id       int64
	deviceID int64
	observed string
	origin   vigil.Origin // where the version was read
	fields   [16]byte     // digest16 of the stored fields
}

// digest16 is 128 bits of SHA-256: what a sync holds of a stored record's
// fields or a device's state to compare with, instead of a copy.
func digest16(b []byte) (d [16]byte) {
	sum := sha256.Sum256(b)
	copy(d[:], sum[:16])
	return d
}

// RecordKey is the identity of a record within its source, stable across
// snapshots: the strongest identifier the record carries.
func RecordKey(r *vigil.Record) string {
	f := &r.Fields
	if v := f.Get(vigil.FieldAssetTag); v != "" {
		return "tag:" + strings.ToLower(v)
	}
	if v := f.Get(vigil.FieldSerial); v != "" {
		return "sn:" + strings.ToLower(f.Get(vigil.FieldManufacturer)) + "/" + strings.ToLower(v)
	}
	if v := f.Get(vigil.FieldMAC); v != "" {
		return "mac:" + v
	}
	if v := f.Get(vigil.FieldHostname); v != "" {
		return "host:" + strings.ToLower(v)
	}
	if v := f.Get(vigil.FieldIP); v != "" {
		return "ip:" + v
	}
	return ""
}

// Staged is what the snapshots of one transaction leave for
// reconciliation: the record versions they add, which are written only once
// reconciliation has given them their devices (WriteStaged), and the stored
// versions they repeated unchanged. A first load thus writes each row once.
type Staged struct {
	pending []pendingRecord
	// kept are the stored record versions that the snapshots repeated
	// unchanged, as reconciliation reads them, and diffed the sources of
	// those snapshots: CurrentRecords takes their current records from kept
	// and pending instead of reading them again.
	kept   []StoredRecord
	diffed []any // source ids
}

// Len is the number of staged record versions.
func (st *Staged) Len() int { return len(st.pending) }

// At returns the i-th staged record version: its source's name and kind,
// the record, and the device of the version it replaces (0 if new).
func (st *Staged) At(i int) (source string, kind vigil.SourceKind, rec *vigil.Record, prevDevice int64) {
	p := &st.pending[i]
	return p.snap.source, p.snap.kind, p.rec, p.deviceID
}

// StageSnapshot records one snapshot of a source: its import row, the
// versions of its records that changed or vanished are closed, unchanged
// ones are sighted again, and new versions are staged in st. It returns
// what was added, removed and changed.
func (tx *Tx) StageSnapshot(ctx context.Context, actor *vigil.User, st *Staged, snap *vigil.Snapshot) (*vigil.ImportResult, error) {
	res := &vigil.ImportResult{Source: snap.Source.Name, Records: len(snap.Records)}
	src, err := tx.upsertSource(ctx, actor, &snap.Source)
	if err != nil {
		return nil, err
	}
	taken := snap.TakenAt
	if taken.IsZero() {
		taken = tx.now
	}
	files, _ := json.Marshal(snap.Files)
	if err := tx.queryRow(ctx, `INSERT INTO imports (source_id, actor, files, taken_at, recorded_at, records, added, removed, changed) VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0) RETURNING id`,
		src.ID, actorName(actor), string(files), fmtTime(taken), tx.nowText(), len(snap.Records)).Scan(&res.ImportID); err != nil {
		return nil, dbErr("recording the import", err)
	}
	if err := tx.diffSnapshot(ctx, st, src, res, snap); err != nil {
		return nil, err
	}
	if _, err := tx.exec(ctx, `UPDATE imports SET added = ?, removed = ?, changed = ? WHERE id = ?`, res.Added, res.Removed, res.Changed, res.ImportID); err != nil {
		return nil, dbErr("recording the import", err)
	}
	return res, dbErr("recording the import", tx.audit(ctx, actor, "import", "source", src.Name, map[string]any{
		"import_id": res.ImportID, "files": snap.Files, "records": res.Records, "added": res.Added, "removed": res.Removed, "changed": res.Changed,
	}))
}

func actorName(u *vigil.User) string {
	if u == nil {
		return vigil.SystemUser.Name
	}
	return u.Name
}

// upsertSource creates the source if it is missing and locks its row for
// the rest of the transaction, after the inventory lock: imports of one
// source, and first imports of a new one, run one after the other.
func (tx *Tx) upsertSource(ctx context.Context, actor *vigil.User, s *vigil.Source) (*vigil.Source, error) {
	if err := tx.lockInventory(ctx); err != nil {
		return nil, err
	}
	if s.Role != "" && !vigil.SourceRole(s.Role).Valid() {
		return nil, vigil.Errorf(vigil.EINVALID, "unknown source role %q (clinical-engineering, it, scanner, network or other)", s.Role)
	}
	out := vigil.Source{Name: s.Name, Kind: s.Kind, Role: s.Role, CreatedAt: tx.now}
	err := tx.queryRow(ctx, `INSERT INTO sources (name, kind, role, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO NOTHING RETURNING id`, s.Name, string(s.Kind), s.Role, tx.nowText()).Scan(&out.ID)
	switch {
	case err == nil:
		return &out, dbErr("creating a source", tx.audit(ctx, actor, "source.create", "source", s.Name, map[string]any{"kind": s.Kind, "role": s.Role}))
	case err != sql.ErrNoRows:
		return nil, dbErr("creating a source", err)
	}
	var kind, created string
	if err := tx.queryRow(ctx, `SELECT id, name, kind, created_at FROM sources WHERE name = ?`+tx.db.dialect.forUpdate(), s.Name).Scan(&out.ID, &out.Name, &kind, &created); err != nil {
		return nil, dbErr("reading a source", err)
	}
	out.Role = ""
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

// pendingRecord is a record version an import adds. It is written after
// reconciliation, with the device it resolved to, so that a first load
// needs no second pass over its rows.
type pendingRecord struct {
	snap     *pendingSnap
	key      string
	fields   string // set only when compared with a stored version; else encoded when written
	deviceID int64  // the device of the version it replaces, 0 if new
	rec      *vigil.Record
}

// pendingSnap is what the pending records of one snapshot share.
type pendingSnap struct {
	sourceID int64
	source   string
	kind     vigil.SourceKind
	importID int64
}

// diffSnapshot closes the versions of records that changed or vanished and
// queues new versions, counting what was added, removed and changed.
func (tx *Tx) diffSnapshot(ctx context.Context, st *Staged, src *vigil.Source, res *vigil.ImportResult, snap *vigil.Snapshot) error {
	cur := map[string]prevVersion{}
	origins := originParser{}
	rows, err := tx.query(ctx, `SELECT id, record_key, fields, device_id, observed_at, origin FROM source_records WHERE source_id = ? AND valid_to IS NULL`, src.ID)
	if err != nil {
		return dbErr("reading the previous snapshot", err)
	}
	for rows.Next() {
		var c prevVersion
		var key string
		var fields sql.RawBytes
		var dev sql.NullInt64
		var origin sql.RawBytes
		if err := rows.Scan(&c.id, &key, &fields, &dev, &c.observed, &origin); err != nil {
			rows.Close()
			return dbErr("reading the previous snapshot", err)
		}
		c.deviceID, c.fields, c.origin = dev.Int64, digest16(fields), origins.parse(origin)
		cur[key] = c
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return dbErr("reading the previous snapshot", err)
	}
	now := tx.nowText()
	seen := make(map[string]int, len(snap.Records))
	ps := &pendingSnap{sourceID: src.ID, source: src.Name, kind: src.Kind, importID: res.ImportID}
	st.diffed = append(st.diffed, src.ID)
	st.pending = slices.Grow(st.pending, len(snap.Records))
	// Unchanged records seen again: their version stays, their sighting
	// moves.
	var sighted []sighting
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
		observed := r.ObservedAt
		if observed.IsZero() {
			observed = snap.TakenAt
		}
		if observed.IsZero() {
			observed = tx.now
		}
		p := pendingRecord{snap: ps, key: key, rec: r}
		if !r.ObservedAt.Equal(observed) {
			// Dated by the snapshot: a copy, so the caller's record is untouched.
			p.rec = &vigil.Record{Origin: r.Origin, ObservedAt: observed, Fields: r.Fields}
		}
		if c, ok := cur[key]; ok {
			delete(cur, key)
			// New records are encoded when written, not held encoded.
			if p.fields = encodeFlat(r.Fields); c.fields == digest16([]byte(p.fields)) {
				last := c.observed
				if at := fmtTime(observed); at > last {
					sighted = append(sighted, sighting{c.id, at})
					last = at
				}
				// As reconciliation would read it back: from the origin
				// of its version, observed when last seen.
				st.kept = append(st.kept, StoredRecord{ID: c.id, Source: src.Name, Kind: src.Kind, DeviceID: c.deviceID,
					Record: vigil.Record{Origin: c.origin, ObservedAt: parseTime(last), Fields: r.Fields}})
				continue
			}
			res.Changed++
			if _, err := tx.exec(ctx, `UPDATE source_records SET valid_to = ? WHERE id = ?`, now, c.id); err != nil {
				return dbErr("storing records", err)
			}
			p.deviceID = c.deviceID
		} else {
			res.Added++
		}
		st.pending = append(st.pending, p)
	}
	if err := tx.recordSightings(ctx, sighted); err != nil {
		return dbErr("storing records", err)
	}
	for _, c := range cur {
		res.Removed++
		if _, err := tx.exec(ctx, `UPDATE source_records SET valid_to = ? WHERE id = ?`, now, c.id); err != nil {
			return dbErr("storing records", err)
		}
	}
	return nil
}

// WriteStaged stores the staged record versions with their devices,
// deviceOf[i] being the device of the i-th (0 for none), and empties st.
func (tx *Tx) WriteStaged(ctx context.Context, st *Staged, deviceOf []int64) error {
	if len(deviceOf) != len(st.pending) {
		return vigil.Errorf(vigil.EINTERNAL, "storing records: %d devices for %d records", len(deviceOf), len(st.pending))
	}
	b := tx.bulkFor("source_records", "source_id", "record_key", "fields", "origin", "observed_at", "valid_from"+nowColumn, "import_id", "device_id")
	for i := range st.pending {
		p := &st.pending[i]
		var dev any
		if d := deviceOf[i]; d != 0 {
			dev = d
		}
		fields := p.fields
		if fields == "" {
			fields = encodeFlat(p.rec.Fields)
		}
		if err := b.add(ctx, tx, p.snap.sourceID, p.key, fields, p.rec.Origin.String(), fmtTime(p.rec.ObservedAt), p.snap.importID, dev); err != nil {
			return dbErr("storing records", err)
		}
	}
	st.pending = nil
	return dbErr("storing records", b.flush(ctx, tx))
}

// sighting is a new observation time of an unchanged record version.
type sighting struct {
	id int64
	at string
}

// recordSightings moves the observation times of unchanged records, many
// rows per statement (UPDATE ... FROM VALUES, on both engines).
func (tx *Tx) recordSightings(ctx context.Context, ss []sighting) error {
	if len(ss) == 0 {
		return nil
	}
	if err := tx.drain(); err != nil {
		return err
	}
	for len(ss) > 0 {
		n := min(len(ss), bulkRows)
		var q strings.Builder
		q.WriteString(`UPDATE source_records SET observed_at = v.column2 FROM (VALUES `)
		args := make([]any, 0, 2*n)
		for i, s := range ss[:n] {
			if i > 0 {
				q.WriteString(", ")
			}
			q.WriteString(`(CAST(? AS BIGINT), ?)`)
			args = append(args, s.id, s.at)
		}
		q.WriteString(`) AS v WHERE source_records.id = v.column1`)
		if _, err := tx.ExecContext(ctx, tx.db.dialect.rebind(q.String()), args...); err != nil {
			return err
		}
		ss = ss[n:]
	}
	return nil
}
