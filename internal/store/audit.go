package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	vigil "github.com/vigil-health/vigil"
)

// audit appends one event to the chain inside tx. detail is marshalled to
// JSON; it must never hold PHI.
func (tx *Tx) audit(ctx context.Context, actor *vigil.User, action, objectType string, objectID any, detail any) error {
	d := "{}"
	if raw, ok := detail.(rawJSON); ok {
		d = string(raw)
	} else if detail != nil {
		b, err := json.Marshal(detail)
		if err != nil {
			return fmt.Errorf("audit detail: %w", err)
		}
		d = string(b)
	}
	if tx.head == nil {
		h := &auditHead{}
		if err := tx.queryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`+tx.db.dialect.forUpdate()).Scan(&h.seq, &h.hash); err != nil {
			return fmt.Errorf("audit head: %w", err)
		}
		tx.head = h
	}
	seq, prev := tx.head.seq, tx.head.hash
	name := vigil.SystemUser.Name
	if actor != nil {
		name = actor.Name
	}
	e := &vigil.AuditEvent{
		Seq: seq + 1, At: tx.now, Actor: name, Action: action, ObjectType: objectType,
		ObjectID: objectIDString(objectID), Detail: d, PrevHash: prev,
	}
	e.Hash = e.ComputeHash()
	if err := tx.bulkFor("audit_events", "seq", "at"+nowColumn, "actor", "action", "object_type", "object_id", "detail", "prev_hash", "hash").add(ctx, tx,
		e.Seq, e.Actor, e.Action, e.ObjectType, e.ObjectID, e.Detail, e.PrevHash, e.Hash); err != nil {
		return fmt.Errorf("audit insert: %w", err)
	}
	tx.head.seq, tx.head.hash, tx.head.dirty = e.Seq, e.Hash, true
	return nil
}

// rawJSON is an audit detail already encoded, for events written by the
// hundred thousand.
type rawJSON string

// labelDetail is the detail {"label": label}.
func labelDetail(label string) rawJSON {
	return rawJSON(append(appendJSONString(append(make([]byte, 0, len(label)+12), `{"label":`...), label), '}'))
}

func objectIDString(id any) string {
	switch v := id.(type) {
	case string:
		return v
	case int64:
		return strconv.FormatInt(v, 10)
	}
	return fmt.Sprint(id)
}

// auditHead is the newest link of the chain as the transaction sees it.
// The row was locked when first read; it is written once, at commit.
type auditHead struct {
	seq   int64
	hash  string
	dirty bool
}

func (tx *Tx) flushAuditHead(ctx context.Context) error {
	if tx.head == nil || !tx.head.dirty {
		return nil
	}
	if _, err := tx.exec(ctx, `UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1`, tx.head.seq, tx.head.hash); err != nil {
		return dbErr("writing the audit head", err)
	}
	tx.head.dirty = false
	return nil
}

// FindAuditEvents returns events newest first.
func (db *DB) FindAuditEvents(ctx context.Context, f vigil.AuditFilter) ([]*vigil.AuditEvent, error) {
	q := `SELECT seq, at, actor, action, object_type, object_id, detail, prev_hash, hash FROM audit_events WHERE 1=1`
	var args []any
	if f.ObjectType != "" {
		q += ` AND object_type = ?`
		args = append(args, f.ObjectType)
	}
	if f.ObjectID != "" {
		q += ` AND object_id = ?`
		args = append(args, f.ObjectID)
	}
	q += ` ORDER BY seq DESC` + limitClause(f.Offset, f.Limit)
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, dbErr("reading the audit trail", err)
	}
	defer rows.Close()
	var out []*vigil.AuditEvent
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, dbErr("reading the audit trail", err)
		}
		out = append(out, e)
	}
	return out, dbErr("reading the audit trail", rows.Err())
}

type scanner interface{ Scan(...any) error }

func scanAudit(s scanner) (*vigil.AuditEvent, error) {
	var e vigil.AuditEvent
	var at string
	if err := s.Scan(&e.Seq, &at, &e.Actor, &e.Action, &e.ObjectType, &e.ObjectID, &e.Detail, &e.PrevHash, &e.Hash); err != nil {
		return nil, err
	}
	e.At = parseTime(at)
	return &e, nil
}

// VerifyAuditLog walks the whole chain in order and returns the first event
// whose link does not hold: a recomputed hash that differs (an edited row), a
// previous-hash that is not the hash before it or a gap in the sequence (a
// deleted row), or a head that does not match the newest event (deleted tail).
func (db *DB) VerifyAuditLog(ctx context.Context) (int, *vigil.AuditBreak, error) {
	rows, err := db.query(ctx, `SELECT seq, at, actor, action, object_type, object_id, detail, prev_hash, hash FROM audit_events ORDER BY seq`)
	if err != nil {
		return 0, nil, dbErr("verifying the audit trail", err)
	}
	defer rows.Close()
	prev, want, n := vigil.GenesisHash, int64(1), 0
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return n, nil, dbErr("verifying the audit trail", err)
		}
		n++
		switch {
		case e.Seq != want:
			return n, &vigil.AuditBreak{Seq: want, Reason: "event " + strconv.FormatInt(want, 10) + " is missing (next present is " + strconv.FormatInt(e.Seq, 10) + ")"}, nil
		case e.PrevHash != prev:
			return n, &vigil.AuditBreak{Seq: e.Seq, Reason: "previous-hash does not match the event before it"}, nil
		case e.ComputeHash() != e.Hash:
			return n, &vigil.AuditBreak{Seq: e.Seq, Reason: "content does not match its hash (the row was edited)"}, nil
		}
		prev, want = e.Hash, want+1
	}
	if err := rows.Err(); err != nil {
		return n, nil, dbErr("verifying the audit trail", err)
	}
	var headSeq int64
	var headHash string
	if err := db.queryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return n, nil, dbErr("verifying the audit trail", err)
	}
	if headSeq != want-1 || headHash != prev {
		return n, &vigil.AuditBreak{Seq: want, Reason: fmt.Sprintf("the chain ends at event %d but its head records event %d (events were deleted)", want-1, headSeq)}, nil
	}
	return n, nil, nil
}

// AuditHead returns the newest link of the audit chain: its sequence number
// and hash, which a binder records so that an auditor can tie it to the
// trail.
func (db *DB) AuditHead(ctx context.Context) (int64, string, error) {
	var seq int64
	var hash string
	err := db.queryRow(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&seq, &hash)
	return seq, hash, dbErr("reading the audit head", err)
}

func limitClause(offset, limit int) string {
	if limit <= 0 {
		return ""
	}
	return fmt.Sprintf(" LIMIT %d OFFSET %d", limit, max(offset, 0))
}
