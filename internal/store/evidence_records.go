package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"

	vigil "github.com/vigil-health/vigil"
)

// This file keeps the evidence repository's records: one row per version of
// a piece of evidence, never updated, each digested into its audit event.
// The files themselves are kept outside the database (internal/blob).

const evidenceColumns = `e.id, e.content_key, e.title, e.file_name, e.media_type, e.size, e.added_by, e.added_at, e.collected_at, e.effective_from, e.effective_to, e.expires_at, e.version, e.supersedes, e.auto`

// latestVersion is the condition that e is the newest version of its chain.
const latestVersion = `e.version = (SELECT MAX(x.version) FROM evidence x WHERE x.chain = e.chain)`

// AddEvidence stores a new piece of evidence, or a new version of the one
// e.Supersedes names (which must be the newest of its chain), and audits it
// with the digest of every field. e.ID, AddedBy, AddedAt and Version are set.
func (tx *Tx) AddEvidence(ctx context.Context, actor *vigil.User, e *vigil.Evidence) error {
	if err := e.Validate(); err != nil {
		return err
	}
	var chain int64
	e.Version = 1
	if e.Supersedes != 0 {
		var prevVersion int
		var latest int
		err := tx.queryRow(ctx, `SELECT e.chain, e.version, CASE WHEN `+latestVersion+` THEN 1 ELSE 0 END FROM evidence e WHERE e.id = ?`, e.Supersedes).Scan(&chain, &prevVersion, &latest)
		if errors.Is(err, sql.ErrNoRows) {
			return vigil.Errorf(vigil.ENOTFOUND, "no evidence %d", e.Supersedes)
		} else if err != nil {
			return dbErr("storing evidence", err)
		}
		if latest == 0 {
			return vigil.Errorf(vigil.ECONFLICT, "evidence %d has a newer version; add the new version to that one", e.Supersedes)
		}
		e.Version = prevVersion + 1
	}
	e.AddedBy, e.AddedAt = actorName(actor), tx.now
	if e.CollectedAt.IsZero() {
		e.CollectedAt = tx.now
	}
	if e.EffectiveFrom.IsZero() {
		e.EffectiveFrom = e.CollectedAt
	}
	if err := tx.queryRow(ctx, `INSERT INTO evidence (content_key, title, file_name, media_type, size, added_by, added_at, collected_at, effective_from, effective_to, expires_at, chain, version, supersedes, auto)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		e.Key, e.Title, e.FileName, e.MediaType, e.Size, e.AddedBy, tx.nowText(), fmtTime(e.CollectedAt), fmtTime(e.EffectiveFrom),
		fmtTime(e.EffectiveTo), fmtTime(e.ExpiresAt), chain, e.Version, e.Supersedes, boolInt(e.Auto)).Scan(&e.ID); err != nil {
		return dbErr("storing evidence", err)
	}
	if chain == 0 { // a first version starts its own chain
		if _, err := tx.exec(ctx, `UPDATE evidence SET chain = ? WHERE id = ?`, e.ID, e.ID); err != nil {
			return dbErr("storing evidence", err)
		}
	}
	for _, a := range e.Areas {
		if _, err := tx.exec(ctx, `INSERT INTO evidence_areas (evidence_id, area) VALUES (?, ?)`, e.ID, string(a)); err != nil {
			return dbErr("storing evidence", err)
		}
	}
	for _, c := range e.Controls {
		if _, err := tx.exec(ctx, `INSERT INTO evidence_controls (evidence_id, framework, control) VALUES (?, ?, ?)`, e.ID, c.Framework, c.Control); err != nil {
			return dbErr("storing evidence", err)
		}
	}
	for _, d := range e.Devices {
		if _, err := tx.exec(ctx, `INSERT INTO evidence_devices (evidence_id, device_id) VALUES (?, ?)`, e.ID, d); err != nil {
			return dbErr("storing evidence", err)
		}
	}
	// The title and file name stay out of the trail (they are the user's
	// words); the digest covers them.
	return dbErr("storing evidence", tx.audit(ctx, actor, "evidence.add", "evidence", e.ID, map[string]any{
		"digest": e.Digest(), "key": e.Key, "version": e.Version, "supersedes": e.Supersedes, "auto": e.Auto}))
}

// DeleteEvidence deletes one version of a piece of evidence and audits it.
// Only an admin may; a record still within its retention period (six years)
// is refused unless force is set with a reason, which the audit event keeps.
// The file is not touched: the caller removes it once no record needs it.
func (tx *Tx) DeleteEvidence(ctx context.Context, actor *vigil.User, id int64, force bool, reason string) (*vigil.Evidence, error) {
	if actor == nil {
		actor = vigil.SystemUser
	}
	if actor.Role != vigil.RoleAdmin {
		return nil, vigil.Errorf(vigil.EFORBIDDEN, "only an admin may delete evidence")
	}
	reason = strings.TrimSpace(reason)
	if force && reason == "" {
		return nil, vigil.Errorf(vigil.EINVALID, "deleting evidence before its retention ends needs a reason")
	}
	e, err := scanEvidence(tx.queryRow(ctx, `SELECT `+evidenceColumns+` FROM evidence e WHERE e.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "no evidence %d", id)
	} else if err != nil {
		return nil, dbErr("deleting evidence", err)
	}
	until := e.RetainedUntil()
	if tx.now.Before(until) && !force {
		return nil, vigil.Errorf(vigil.ECONFLICT, "evidence %d is retained until %s; an admin may force its deletion with a reason", id, until.Format("2006-01-02"))
	}
	if _, err := tx.exec(ctx, `DELETE FROM evidence WHERE id = ?`, id); err != nil {
		return nil, dbErr("deleting evidence", err)
	}
	detail := map[string]any{"key": e.Key, "version": e.Version, "retained_until": until, "forced": force && tx.now.Before(until)}
	if reason != "" {
		detail["reason"] = reason
	}
	return e, dbErr("deleting evidence", tx.audit(ctx, actor, "evidence.delete", "evidence", id, detail))
}

func scanEvidence(s scanner) (*vigil.Evidence, error) {
	var e vigil.Evidence
	var added, collected, from, to, expires string
	var auto int
	if err := s.Scan(&e.ID, &e.Key, &e.Title, &e.FileName, &e.MediaType, &e.Size, &e.AddedBy, &added, &collected, &from, &to, &expires,
		&e.Version, &e.Supersedes, &auto); err != nil {
		return nil, err
	}
	e.AddedAt, e.CollectedAt, e.EffectiveFrom = parseTime(added), parseTime(collected), parseTime(from)
	e.EffectiveTo, e.ExpiresAt, e.Auto = parseTime(to), parseTime(expires), auto != 0
	e.Areas, e.Controls, e.Devices = []vigil.EvidenceArea{}, []vigil.ControlRef{}, []int64{}
	return &e, nil
}

// FindEvidence returns the evidence f selects, newest first.
func (db *DB) FindEvidence(ctx context.Context, f vigil.EvidenceFilter) ([]*vigil.Evidence, error) {
	q := `SELECT ` + evidenceColumns + ` FROM evidence e WHERE 1=1`
	var args []any
	if !f.AllVersions {
		q += ` AND ` + latestVersion
	}
	if f.Control != nil {
		q += ` AND EXISTS (SELECT 1 FROM evidence_controls c WHERE c.evidence_id = e.id AND c.framework = ? AND c.control = ?)`
		args = append(args, f.Control.Framework, f.Control.Control)
	}
	if f.Area != "" {
		q += ` AND EXISTS (SELECT 1 FROM evidence_areas a WHERE a.evidence_id = e.id AND a.area = ?)`
		args = append(args, string(f.Area))
	}
	if f.DeviceID != 0 {
		q += ` AND EXISTS (SELECT 1 FROM evidence_devices d WHERE d.evidence_id = e.id AND d.device_id = ?)`
		args = append(args, f.DeviceID)
	}
	if f.Key != "" {
		q += ` AND e.content_key = ?`
		args = append(args, f.Key)
	}
	if f.Title != "" {
		q += ` AND e.title = ?`
		args = append(args, f.Title)
	}
	if f.Auto != nil {
		q += ` AND e.auto = ?`
		args = append(args, boolInt(*f.Auto))
	}
	return db.queryEvidence(ctx, q+` ORDER BY e.id DESC`+limitClause(f.Offset, f.Limit), args...)
}

// EvidenceByID returns one version of a piece of evidence.
func (db *DB) EvidenceByID(ctx context.Context, id int64) (*vigil.Evidence, error) {
	out, err := db.queryEvidence(ctx, `SELECT `+evidenceColumns+` FROM evidence e WHERE e.id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "no evidence %d", id)
	}
	return out[0], nil
}

// EvidenceHistory returns every version of the piece of evidence that id is
// a version of, oldest first.
func (db *DB) EvidenceHistory(ctx context.Context, id int64) ([]*vigil.Evidence, error) {
	out, err := db.queryEvidence(ctx, `SELECT `+evidenceColumns+` FROM evidence e WHERE e.chain = (SELECT chain FROM evidence WHERE id = ?) ORDER BY e.version`, id)
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "no evidence %d", id)
	}
	return out, nil
}

// EvidenceKeyInUse reports whether any record holds the content key.
func (db *DB) EvidenceKeyInUse(ctx context.Context, key string) (bool, error) {
	var n int
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM evidence WHERE content_key = ?`, key).Scan(&n)
	return n > 0, dbErr("reading evidence", err)
}

// queryEvidence runs a query of evidenceColumns and fills in what each
// record supports.
func (db *DB) queryEvidence(ctx context.Context, q string, args ...any) ([]*vigil.Evidence, error) {
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, dbErr("reading evidence", err)
	}
	defer rows.Close()
	out := []*vigil.Evidence{}
	byID := map[int64]*vigil.Evidence{}
	for rows.Next() {
		e, err := scanEvidence(rows)
		if err != nil {
			return nil, dbErr("reading evidence", err)
		}
		out = append(out, e)
		byID[e.ID] = e
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr("reading evidence", err)
	}
	rows.Close()
	if err := db.fillEvidence(ctx, out, byID); err != nil {
		return nil, dbErr("reading evidence", err)
	}
	return out, nil
}

// fillEvidence reads the areas, controls and devices of the records, a few
// hundred records per query, and sorts them as Validate does.
func (db *DB) fillEvidence(ctx context.Context, list []*vigil.Evidence, byID map[int64]*vigil.Evidence) error {
	const chunk = 500
	for lo := 0; lo < len(list); lo += chunk {
		part := list[lo:min(lo+chunk, len(list))]
		in, args := idList(part)
		if err := db.eachRow(ctx, `SELECT evidence_id, area FROM evidence_areas WHERE evidence_id IN (`+in+`)`, args, func(id int64, s ...string) {
			byID[id].Areas = append(byID[id].Areas, vigil.EvidenceArea(s[0]))
		}, 1); err != nil {
			return err
		}
		if err := db.eachRow(ctx, `SELECT evidence_id, framework, control FROM evidence_controls WHERE evidence_id IN (`+in+`)`, args, func(id int64, s ...string) {
			byID[id].Controls = append(byID[id].Controls, vigil.ControlRef{Framework: s[0], Control: s[1]})
		}, 2); err != nil {
			return err
		}
		if err := db.eachRow(ctx, `SELECT evidence_id, device_id FROM evidence_devices WHERE evidence_id IN (`+in+`)`, args, func(id int64, s ...string) {
			d, _ := strconv.ParseInt(s[0], 10, 64)
			byID[id].Devices = append(byID[id].Devices, d)
		}, 1); err != nil {
			return err
		}
	}
	for _, e := range list {
		slices.Sort(e.Areas)
		slices.SortFunc(e.Controls, func(a, b vigil.ControlRef) int {
			return cmp.Or(strings.Compare(a.Framework, b.Framework), strings.Compare(a.Control, b.Control))
		})
		slices.Sort(e.Devices)
	}
	return nil
}

func idList(list []*vigil.Evidence) (string, []any) {
	marks := make([]string, len(list))
	args := make([]any, len(list))
	for i, e := range list {
		marks[i], args[i] = "?", e.ID
	}
	return strings.Join(marks, ", "), args
}

// eachRow hands fn the id and n more columns (as text) of every row.
func (db *DB) eachRow(ctx context.Context, q string, args []any, fn func(id int64, cols ...string), n int) error {
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var id int64
	cols := make([]string, n)
	dest := []any{&id}
	for i := range cols {
		dest = append(dest, &cols[i])
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		fn(id, cols...)
	}
	return rows.Err()
}

// EvidenceAudit is what the audit trail recorded of one evidence record: the
// digest its evidence.add event holds, and whether it was deleted since.
type EvidenceAudit struct {
	Digest  string
	Deleted bool
}

// FindEvidenceAudit returns, by record id, what the audit trail recorded of
// every evidence record ever added.
func (db *DB) FindEvidenceAudit(ctx context.Context) (map[int64]EvidenceAudit, error) {
	rows, err := db.query(ctx, `SELECT action, object_id, detail FROM audit_events WHERE object_type = 'evidence' ORDER BY seq`)
	if err != nil {
		return nil, dbErr("reading the evidence audit trail", err)
	}
	defer rows.Close()
	out := map[int64]EvidenceAudit{}
	for rows.Next() {
		var action, obj, detail string
		if err := rows.Scan(&action, &obj, &detail); err != nil {
			return nil, dbErr("reading the evidence audit trail", err)
		}
		id, err := strconv.ParseInt(obj, 10, 64)
		if err != nil {
			continue
		}
		a := out[id]
		switch action {
		case "evidence.add":
			var d struct {
				Digest string `json:"digest"`
			}
			json.Unmarshal([]byte(detail), &d)
			a.Digest = d.Digest
		case "evidence.delete":
			a.Deleted = true
		}
		out[id] = a
	}
	return out, dbErr("reading the evidence audit trail", rows.Err())
}

// attachEvidence records the evidence an attestation cites; every id must
// name stored evidence.
func (tx *Tx) attachEvidence(ctx context.Context, attestation int64, ids []int64) error {
	for _, id := range ids {
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM evidence WHERE id = ?`, id).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return vigil.Errorf(vigil.ENOTFOUND, "no evidence %d to attach", id)
		}
		if _, err := tx.exec(ctx, `INSERT INTO attestation_evidence (attestation_id, evidence_id) VALUES (?, ?)`, attestation, id); err != nil {
			return err
		}
	}
	return nil
}

// attestationEvidence fills in the evidence each attestation cites.
func (db *DB) attestationEvidence(ctx context.Context, atts []vigil.Attestation) error {
	if len(atts) == 0 {
		return nil
	}
	idx := map[int64]int{}
	for i := range atts {
		idx[atts[i].ID] = i
	}
	rows, err := db.query(ctx, `SELECT attestation_id, evidence_id FROM attestation_evidence ORDER BY attestation_id, evidence_id`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a, e int64
		if err := rows.Scan(&a, &e); err != nil {
			return err
		}
		if i, ok := idx[a]; ok {
			atts[i].Evidence = append(atts[i].Evidence, e)
		}
	}
	return rows.Err()
}

// File returns the path of the SQLite database file, "" on PostgreSQL or
// for an in-memory database: the evidence directory defaults to one beside it.
func (db *DB) File(ctx context.Context) (string, error) {
	if db.dialect.name() != "sqlite" {
		return "", nil
	}
	var file string
	err := db.queryRow(ctx, `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&file)
	return file, dbErr("reading the database's file name", err)
}
