package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// SaveMockAudit stores a mock audit whole and audits it; a.ID and a.RanBy
// are set.
func (tx *Tx) SaveMockAudit(ctx context.Context, actor *vigil.User, a *vigil.MockAudit) error {
	a.RanBy = actorName(actor)
	areas, err := json.Marshal(a.Areas)
	if err != nil {
		return dbErr("storing a mock audit", err)
	}
	data, err := json.Marshal(a)
	if err != nil {
		return dbErr("storing a mock audit", err)
	}
	if err := tx.queryRow(ctx, `INSERT INTO mock_audits (framework, seed, sample, score, at, ran_by, evaluation_id, areas, requests, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		a.Framework, a.Seed, a.Sample, a.Score, fmtTime(a.At), a.RanBy, a.EvaluationID, string(areas), len(a.Requests), string(data)).Scan(&a.ID); err != nil {
		return dbErr("storing a mock audit", err)
	}
	return dbErr("storing a mock audit", tx.audit(ctx, actor, "audit.mock", "framework", a.Framework, map[string]any{
		"mock_audit_id": a.ID, "seed": a.Seed, "sample": a.Sample, "score": a.Score, "requests": len(a.Requests)}))
}

// FindMockAudits lists the stored mock audits of a framework (of every
// framework when framework is ""), newest first, at most limit (all when
// 0), without their requests.
func (db *DB) FindMockAudits(ctx context.Context, framework string, limit int) ([]*vigil.MockAuditSummary, error) {
	q, args := `SELECT id, framework, seed, sample, score, at, ran_by, areas, requests FROM mock_audits`, []any{}
	if framework != "" {
		q, args = q+` WHERE framework = ?`, append(args, framework)
	}
	rows, err := db.query(ctx, q+` ORDER BY id DESC`+limitClause(0, limit), args...)
	if err != nil {
		return nil, dbErr("reading mock audits", err)
	}
	defer rows.Close()
	out := []*vigil.MockAuditSummary{}
	for rows.Next() {
		var s vigil.MockAuditSummary
		var at, areas string
		if err := rows.Scan(&s.ID, &s.Framework, &s.Seed, &s.Sample, &s.Score, &at, &s.RanBy, &areas, &s.Requests); err != nil {
			return nil, dbErr("reading mock audits", err)
		}
		s.At = parseTime(at)
		if err := json.Unmarshal([]byte(areas), &s.Areas); err != nil {
			return nil, dbErr("reading mock audits", err)
		}
		out = append(out, &s)
	}
	return out, dbErr("reading mock audits", rows.Err())
}

// FindMockAudit returns a stored mock audit with its requests, or
// ENOTFOUND.
func (db *DB) FindMockAudit(ctx context.Context, id int64) (*vigil.MockAudit, error) {
	var data string
	err := db.queryRow(ctx, `SELECT data FROM mock_audits WHERE id = ?`, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "no mock audit %d", id)
	} else if err != nil {
		return nil, dbErr("reading a mock audit", err)
	}
	a := &vigil.MockAudit{}
	if err := json.Unmarshal([]byte(data), a); err != nil {
		return nil, dbErr("reading a mock audit", err)
	}
	a.ID = id // the document was written before its row had an id
	return a, nil
}

const planColumns = `id, item_key, kind, framework, control, device_id, devices, title, detail, owner, owner_set, due, due_set, priority, status, evidence, opened_at, closed_at`

func scanPlanItem(s scanner) (*vigil.PlanItem, error) {
	var it vigil.PlanItem
	var kind, priority, status, evidence, due, opened, closed string
	var ownerSet, dueSet int
	if err := s.Scan(&it.ID, &it.Key, &kind, &it.Control.Framework, &it.Control.Control, &it.DeviceID, &it.Devices, &it.Title, &it.Detail,
		&it.Owner, &ownerSet, &due, &dueSet, &priority, &status, &evidence, &opened, &closed); err != nil {
		return nil, err
	}
	it.Kind, it.Priority, it.Status = vigil.PlanKind(kind), vigil.Priority(priority), vigil.PlanStatus(status)
	it.OwnerSet, it.DueSet = ownerSet != 0, dueSet != 0
	it.Due, it.Opened, it.Closed = parseTime(due), parseTime(opened), parseTime(closed)
	if err := json.Unmarshal([]byte(evidence), &it.Evidence); err != nil {
		return nil, err
	}
	return &it, nil
}

// FindPlanItems returns the plan items the filter selects, open ones first,
// then by due date and priority.
func (db *DB) FindPlanItems(ctx context.Context, f vigil.PlanFilter) ([]*vigil.PlanItem, error) {
	var where []string
	var args []any
	if f.Status != "" {
		where, args = append(where, `status = ?`), append(args, string(f.Status))
	}
	if f.Owner != "" {
		where, args = append(where, `owner = ?`), append(args, f.Owner)
	}
	if f.Kind != "" {
		where, args = append(where, `kind = ?`), append(args, string(f.Kind))
	}
	if f.Framework != "" {
		where, args = append(where, `framework = ?`), append(args, f.Framework)
	}
	if f.DeviceID != 0 {
		where, args = append(where, `device_id = ?`), append(args, f.DeviceID)
	}
	q := `SELECT ` + planColumns + ` FROM plan_items`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	q += ` ORDER BY CASE status WHEN 'open' THEN 0 ELSE 1 END, due, CASE priority WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, id`
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, dbErr("reading the plan", err)
	}
	return collectPlan(rows)
}

// FindPlanItem returns one plan item, or ENOTFOUND.
func (db *DB) FindPlanItem(ctx context.Context, id int64) (*vigil.PlanItem, error) {
	it, err := scanPlanItem(db.queryRow(ctx, `SELECT `+planColumns+` FROM plan_items WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "no plan item %d", id)
	}
	return it, dbErr("reading a plan item", err)
}

// PlanItems returns every plan item, open or closed, inside the
// transaction: what a sync compares the gaps with.
func (tx *Tx) PlanItems(ctx context.Context) ([]*vigil.PlanItem, error) {
	rows, err := tx.query(ctx, `SELECT `+planColumns+` FROM plan_items ORDER BY id`)
	if err != nil {
		return nil, dbErr("reading the plan", err)
	}
	return collectPlan(rows)
}

func collectPlan(rows *sql.Rows) ([]*vigil.PlanItem, error) {
	defer rows.Close()
	out := []*vigil.PlanItem{}
	for rows.Next() {
		it, err := scanPlanItem(rows)
		if err != nil {
			return nil, dbErr("reading the plan", err)
		}
		out = append(out, it)
	}
	return out, dbErr("reading the plan", rows.Err())
}

// PlanHistory returns every change of a plan item, oldest first.
func (db *DB) PlanHistory(ctx context.Context, id int64) ([]vigil.PlanEvent, error) {
	rows, err := db.query(ctx, `SELECT item_id, at, actor, change, detail FROM plan_events WHERE item_id = ? ORDER BY id`, id)
	if err != nil {
		return nil, dbErr("reading a plan item's history", err)
	}
	defer rows.Close()
	out := []vigil.PlanEvent{}
	for rows.Next() {
		var e vigil.PlanEvent
		var at string
		if err := rows.Scan(&e.ItemID, &at, &e.By, &e.Change, &e.Detail); err != nil {
			return nil, dbErr("reading a plan item's history", err)
		}
		e.At = parseTime(at)
		out = append(out, e)
	}
	return out, dbErr("reading a plan item's history", rows.Err())
}

// SavePlanItem inserts a plan item (ID 0) or rewrites it, records the
// change in its history and audits it. change is opened, reopened,
// updated or closed.
func (tx *Tx) SavePlanItem(ctx context.Context, actor *vigil.User, it *vigil.PlanItem, change string) error {
	if err := it.Validate(); err != nil {
		return err
	}
	ev, err := json.Marshal(it.Evidence)
	if err != nil {
		return dbErr("saving a plan item", err)
	}
	args := []any{it.Key, string(it.Kind), it.Control.Framework, it.Control.Control, it.DeviceID, it.Devices, it.Title, it.Detail,
		it.Owner, boolInt(it.OwnerSet), fmtTime(it.Due), boolInt(it.DueSet), string(it.Priority), string(it.Status), string(ev),
		fmtTime(it.Opened), fmtTime(it.Closed), tx.nowText()}
	if it.ID == 0 {
		err = tx.queryRow(ctx, `INSERT INTO plan_items (item_key, kind, framework, control, device_id, devices, title, detail, owner, owner_set, due, due_set, priority, status, evidence, opened_at, closed_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, args...).Scan(&it.ID)
	} else {
		_, err = tx.exec(ctx, `UPDATE plan_items SET item_key = ?, kind = ?, framework = ?, control = ?, device_id = ?, devices = ?, title = ?, detail = ?, owner = ?, owner_set = ?,
			due = ?, due_set = ?, priority = ?, status = ?, evidence = ?, opened_at = ?, closed_at = ?, updated_at = ? WHERE id = ?`, append(args, it.ID)...)
	}
	if err != nil {
		return dbErr("saving a plan item", err)
	}
	return tx.planEvent(ctx, actor, it, change, string(it.Kind))
}

// SetPlanOwner gives a plan item an owner by hand, which later syncs keep.
func (tx *Tx) SetPlanOwner(ctx context.Context, actor *vigil.User, id int64, owner string) (*vigil.PlanItem, error) {
	owner = strings.TrimSpace(owner)
	if owner == "" {
		return nil, vigil.Errorf(vigil.EINVALID, "an owner is required")
	}
	it, err := tx.planItem(ctx, id)
	if err != nil {
		return nil, err
	}
	it.Owner, it.OwnerSet = owner, true
	if _, err := tx.exec(ctx, `UPDATE plan_items SET owner = ?, owner_set = 1, updated_at = ? WHERE id = ?`, owner, tx.nowText(), id); err != nil {
		return nil, dbErr("setting a plan item's owner", err)
	}
	return it, tx.planEvent(ctx, actor, it, "owner", owner)
}

// SetPlanDue gives a plan item a due date by hand, which later syncs keep.
func (tx *Tx) SetPlanDue(ctx context.Context, actor *vigil.User, id int64, t time.Time) (*vigil.PlanItem, error) {
	if t.IsZero() {
		return nil, vigil.Errorf(vigil.EINVALID, "a due date is required")
	}
	it, err := tx.planItem(ctx, id)
	if err != nil {
		return nil, err
	}
	it.Due, it.DueSet = t, true
	if _, err := tx.exec(ctx, `UPDATE plan_items SET due = ?, due_set = 1, updated_at = ? WHERE id = ?`, fmtTime(t), tx.nowText(), id); err != nil {
		return nil, dbErr("setting a plan item's due date", err)
	}
	return it, tx.planEvent(ctx, actor, it, "due", t.Format("2006-01-02"))
}

func (tx *Tx) planItem(ctx context.Context, id int64) (*vigil.PlanItem, error) {
	it, err := scanPlanItem(tx.queryRow(ctx, `SELECT `+planColumns+` FROM plan_items WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "no plan item %d", id)
	}
	return it, dbErr("reading a plan item", err)
}

// planEvent records a change of an item in its history and the audit trail.
func (tx *Tx) planEvent(ctx context.Context, actor *vigil.User, it *vigil.PlanItem, change, detail string) error {
	if _, err := tx.exec(ctx, `INSERT INTO plan_events (item_id, at, actor, change, detail) VALUES (?, ?, ?, ?, ?)`,
		it.ID, tx.nowText(), actorName(actor), change, detail); err != nil {
		return dbErr("recording a plan change", err)
	}
	return dbErr("recording a plan change", tx.audit(ctx, actor, "plan."+change, "plan_item", it.ID, map[string]any{
		"key": it.Key, "status": it.Status, "owner": it.Owner, "due": fmtTime(it.Due), "priority": it.Priority}))
}
