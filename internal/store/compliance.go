package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// Settings of the compliance policy.
const (
	settingPolicy   = "compliance.policy"
	settingSegments = "compliance.segments"
)

// SaveCheck stores a new version of a device-level check, closing the
// version it replaces, and audits the change. It returns the new version.
func (tx *Tx) SaveCheck(ctx context.Context, actor *vigil.User, id, source string, enabled, builtin bool) (*vigil.CheckVersion, error) {
	var cur sql.NullInt64
	var curID sql.NullInt64
	if err := tx.queryRow(ctx, `SELECT MAX(version) FROM check_versions WHERE check_id = ?`, id).Scan(&cur); err != nil {
		return nil, dbErr("saving a check", err)
	}
	if err := tx.queryRow(ctx, `SELECT MAX(id) FROM check_versions WHERE check_id = ? AND valid_to IS NULL`, id).Scan(&curID); err != nil {
		return nil, dbErr("saving a check", err)
	}
	if curID.Valid {
		if _, err := tx.exec(ctx, `UPDATE check_versions SET valid_to = ? WHERE id = ?`, tx.nowText(), curID.Int64); err != nil {
			return nil, dbErr("saving a check", err)
		}
	}
	v := &vigil.CheckVersion{ID: id, Version: int(cur.Int64) + 1, Source: source, Enabled: enabled, Builtin: builtin, SavedBy: actorName(actor), SavedAt: tx.now}
	if _, err := tx.exec(ctx, `INSERT INTO check_versions (check_id, version, source, enabled, builtin, saved_by, valid_from) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		v.ID, v.Version, v.Source, boolInt(v.Enabled), boolInt(v.Builtin), v.SavedBy, tx.nowText()); err != nil {
		return nil, dbErr("saving a check", err)
	}
	action := "check.save"
	if v.Version == 1 {
		action = "check.create"
	}
	return v, dbErr("saving a check", tx.audit(ctx, actor, action, "check", id, map[string]any{"version": v.Version, "enabled": enabled, "builtin": builtin}))
}

// CheckExists reports whether any version of a check is stored.
func (tx *Tx) CheckExists(ctx context.Context, id string) (bool, error) {
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM check_versions WHERE check_id = ?`, id).Scan(&n); err != nil {
		return false, dbErr("reading checks", err)
	}
	return n > 0, nil
}

const checkColumns = `check_id, version, source, enabled, builtin, saved_by, valid_from`

func scanCheck(s scanner) (*vigil.CheckVersion, error) {
	var v vigil.CheckVersion
	var enabled, builtin int
	var from string
	if err := s.Scan(&v.ID, &v.Version, &v.Source, &enabled, &builtin, &v.SavedBy, &from); err != nil {
		return nil, err
	}
	v.Enabled, v.Builtin, v.SavedAt = enabled != 0, builtin != 0, parseTime(from)
	return &v, nil
}

// FindChecks returns the version of every check in force at asOf (now when
// nil), by check id.
func (db *DB) FindChecks(ctx context.Context, asOf *time.Time) ([]*vigil.CheckVersion, error) {
	q, args := `SELECT `+checkColumns+` FROM check_versions WHERE valid_to IS NULL`, []any{}
	if asOf != nil {
		at := fmtTime(*asOf)
		q, args = `SELECT `+checkColumns+` FROM check_versions WHERE valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)`, []any{at, at}
	}
	return db.queryChecks(ctx, q+` ORDER BY check_id`, args...)
}

// CheckHistory returns every version of a check, oldest first.
func (db *DB) CheckHistory(ctx context.Context, id string) ([]*vigil.CheckVersion, error) {
	return db.queryChecks(ctx, `SELECT `+checkColumns+` FROM check_versions WHERE check_id = ? ORDER BY version`, id)
}

func (db *DB) queryChecks(ctx context.Context, q string, args ...any) ([]*vigil.CheckVersion, error) {
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, dbErr("reading checks", err)
	}
	defer rows.Close()
	var out []*vigil.CheckVersion
	for rows.Next() {
		v, err := scanCheck(rows)
		if err != nil {
			return nil, dbErr("reading checks", err)
		}
		out = append(out, v)
	}
	return out, dbErr("reading checks", rows.Err())
}

// AddAttestation records an attestation, replacing the one in force for the
// same control, and audits it. a.ID and a.RecordedAt are set.
func (tx *Tx) AddAttestation(ctx context.Context, actor *vigil.User, a *vigil.Attestation) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `UPDATE attestations SET valid_to = ? WHERE framework = ? AND control = ? AND valid_to IS NULL`,
		tx.nowText(), a.Control.Framework, a.Control.Control); err != nil {
		return dbErr("recording an attestation", err)
	}
	a.RecordedBy, a.RecordedAt = actorName(actor), tx.now
	if err := tx.queryRow(ctx, `INSERT INTO attestations (framework, control, owner, answer, attested_on, next_due, notes, recorded_by, valid_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		a.Control.Framework, a.Control.Control, a.Owner, string(a.Answer), fmtTime(a.Date), fmtTime(a.NextDue), a.Notes, a.RecordedBy, tx.nowText()).Scan(&a.ID); err != nil {
		return dbErr("recording an attestation", err)
	}
	detail := map[string]any{"id": a.ID, "owner": a.Owner, "answer": a.Answer, "date": a.Date, "next_due": a.NextDue}
	if len(a.Evidence) > 0 {
		if err := tx.attachEvidence(ctx, a.ID, a.Evidence); err != nil {
			return dbErr("recording an attestation", err)
		}
		detail["evidence"] = a.Evidence
	}
	return dbErr("recording an attestation", tx.audit(ctx, actor, "attestation.record", "control", a.Control.String(), detail))
}

// FindAttestations returns the attestations in force at asOf (now when
// nil), of one framework or of all when framework is "".
func (db *DB) FindAttestations(ctx context.Context, framework string, asOf *time.Time) ([]vigil.Attestation, error) {
	q := `SELECT id, framework, control, owner, answer, attested_on, next_due, notes, recorded_by, valid_from FROM attestations WHERE `
	var args []any
	if asOf != nil {
		at := fmtTime(*asOf)
		q += `valid_from <= ? AND (valid_to IS NULL OR valid_to > ?)`
		args = append(args, at, at)
	} else {
		q += `valid_to IS NULL`
	}
	if framework != "" {
		q += ` AND framework = ?`
		args = append(args, framework)
	}
	rows, err := db.query(ctx, q+` ORDER BY framework, control, id`, args...)
	if err != nil {
		return nil, dbErr("reading attestations", err)
	}
	defer rows.Close()
	out := []vigil.Attestation{}
	for rows.Next() {
		var a vigil.Attestation
		var answer, date, due, rec string
		if err := rows.Scan(&a.ID, &a.Control.Framework, &a.Control.Control, &a.Owner, &answer, &date, &due, &a.Notes, &a.RecordedBy, &rec); err != nil {
			return nil, dbErr("reading attestations", err)
		}
		a.Answer, a.Date, a.NextDue, a.RecordedAt = vigil.Verdict(answer), parseTime(date), parseTime(due), parseTime(rec)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr("reading attestations", err)
	}
	rows.Close()
	return out, dbErr("reading attestations", db.attestationEvidence(ctx, out))
}

// SaveEvaluation stores an evaluation run and audits it; ev.ID and ev.RanAt
// are set.
func (tx *Tx) SaveEvaluation(ctx context.Context, actor *vigil.User, ev *vigil.Evaluation) error {
	ev.RanAt = tx.now
	sum, err := json.Marshal(ev.Summary)
	if err != nil {
		return dbErr("storing an evaluation", err)
	}
	data, err := json.Marshal(ev)
	if err != nil {
		return dbErr("storing an evaluation", err)
	}
	if err := tx.queryRow(ctx, `INSERT INTO evaluations (framework, at, ran_at, summary, data) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		ev.Framework, fmtTime(ev.At), tx.nowText(), string(sum), string(data)).Scan(&ev.ID); err != nil {
		return dbErr("storing an evaluation", err)
	}
	return dbErr("storing an evaluation", tx.audit(ctx, actor, "evaluation.run", "framework", ev.Framework, map[string]any{
		"evaluation_id": ev.ID, "at": ev.At, "summary": ev.Summary}))
}

// FindEvaluations lists the stored runs of a framework, newest first, at
// most limit (all when 0), without their controls.
func (db *DB) FindEvaluations(ctx context.Context, framework string, limit int) ([]*vigil.EvaluationSummary, error) {
	rows, err := db.query(ctx, `SELECT id, framework, at, ran_at, summary FROM evaluations WHERE framework = ? ORDER BY id DESC`+limitClause(0, limit), framework)
	if err != nil {
		return nil, dbErr("reading evaluations", err)
	}
	defer rows.Close()
	var out []*vigil.EvaluationSummary
	for rows.Next() {
		var s vigil.EvaluationSummary
		var at, ran, sum string
		if err := rows.Scan(&s.ID, &s.Framework, &at, &ran, &sum); err != nil {
			return nil, dbErr("reading evaluations", err)
		}
		s.At, s.RanAt = parseTime(at), parseTime(ran)
		if err := json.Unmarshal([]byte(sum), &s.Summary); err != nil {
			return nil, dbErr("reading evaluations", err)
		}
		out = append(out, &s)
	}
	return out, dbErr("reading evaluations", rows.Err())
}

// FindEvaluation returns a stored run with its controls; id 0 is the latest
// run of the framework. It returns ENOTFOUND when there is none.
func (db *DB) FindEvaluation(ctx context.Context, framework string, id int64) (*vigil.Evaluation, error) {
	var data string
	var err error
	if id == 0 {
		err = db.queryRow(ctx, `SELECT id, data FROM evaluations WHERE framework = ? ORDER BY id DESC LIMIT 1`, framework).Scan(&id, &data)
	} else {
		err = db.queryRow(ctx, `SELECT id, data FROM evaluations WHERE id = ? AND framework = ?`, id, framework).Scan(&id, &data)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "no evaluation of %s yet", framework)
	} else if err != nil {
		return nil, dbErr("reading an evaluation", err)
	}
	ev := &vigil.Evaluation{}
	if err := json.Unmarshal([]byte(data), ev); err != nil {
		return nil, dbErr("reading an evaluation", err)
	}
	ev.ID = id // the stored document was written before its row had an id
	return ev, nil
}

// SaveFramework stores a framework imported from a catalog file, replacing
// an earlier import of the same id, and audits it.
func (tx *Tx) SaveFramework(ctx context.Context, actor *vigil.User, fw *vigil.Framework) error {
	data, err := json.Marshal(fw)
	if err != nil {
		return dbErr("storing a framework", err)
	}
	if _, err := tx.exec(ctx, `DELETE FROM frameworks WHERE id = ?`, fw.ID); err != nil {
		return dbErr("storing a framework", err)
	}
	if _, err := tx.exec(ctx, `INSERT INTO frameworks (id, data, imported_by, imported_at) VALUES (?, ?, ?, ?)`, fw.ID, string(data), actorName(actor), tx.nowText()); err != nil {
		return dbErr("storing a framework", err)
	}
	return dbErr("storing a framework", tx.audit(ctx, actor, "framework.import", "framework", fw.ID, map[string]any{"title": fw.Title, "version": fw.Version, "controls": len(fw.Controls)}))
}

// FindFrameworks returns the frameworks imported from catalog files.
func (db *DB) FindFrameworks(ctx context.Context) ([]*vigil.Framework, error) {
	out, err := collectJSON[vigil.Framework](db.query(ctx, `SELECT data FROM frameworks ORDER BY id`))
	return out, dbErr("reading frameworks", err)
}

// Policy returns the stored compliance policy as JSON, "" when none was set.
func (db *DB) Policy(ctx context.Context) (string, error) {
	return db.setting(ctx, settingPolicy)
}

// Segments returns the stored network segments as JSON, "" when none were set.
func (db *DB) Segments(ctx context.Context) (string, error) {
	return db.setting(ctx, settingSegments)
}

// SetPolicy stores the compliance policy (JSON) and audits the change.
func (tx *Tx) SetPolicy(ctx context.Context, actor *vigil.User, policy json.RawMessage) error {
	return tx.setAuditedSetting(ctx, actor, settingPolicy, "policy.set", policy)
}

// SetSegments stores the network segments (JSON) and audits the change.
func (tx *Tx) SetSegments(ctx context.Context, actor *vigil.User, segments json.RawMessage) error {
	return tx.setAuditedSetting(ctx, actor, settingSegments, "segments.set", segments)
}

func (tx *Tx) setAuditedSetting(ctx context.Context, actor *vigil.User, name, action string, v json.RawMessage) error {
	if !json.Valid(v) {
		return vigil.Errorf(vigil.EINVALID, "%s: not valid JSON", name)
	}
	if err := tx.setSetting(ctx, name, string(v)); err != nil {
		return err
	}
	return dbErr("saving a setting", tx.audit(ctx, actor, action, "setting", name, v))
}

func (db *DB) setting(ctx context.Context, name string) (string, error) {
	var v string
	err := db.queryRow(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, dbErr("reading a setting", err)
}
