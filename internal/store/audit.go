package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"hash"
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
		h, err := tx.readAuditHead(ctx)
		if err != nil {
			return err
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
	e.Hash = tx.link(e)
	if err := tx.bulkFor("audit_events", "seq", "at"+nowColumn, "actor", "action", "object_type", "object_id", "detail", "prev_hash", "hash").add(ctx, tx,
		e.Seq, e.Actor, e.Action, e.ObjectType, e.ObjectID, e.Detail, e.PrevHash, e.Hash); err != nil {
		return fmt.Errorf("audit insert: %w", err)
	}
	tx.head.seq, tx.head.hash, tx.head.dirty = e.Seq, e.Hash, true
	return nil
}

// readAuditHead locks and reads the head. With a key, a trail not yet keyed
// becomes keyed from the next event; a trail keyed under another key, or a
// keyed trail written without a key, is refused rather than mixed.
func (tx *Tx) readAuditHead(ctx context.Context) (*auditHead, error) {
	// The inventory lock first, always: lockInventory says why.
	if err := tx.lockInventory(ctx); err != nil {
		return nil, err
	}
	h := &auditHead{}
	if err := tx.queryRow(ctx, `SELECT seq, hash, keyed_from, key_id FROM audit_head WHERE id = 1`+tx.db.dialect.forUpdate()).Scan(&h.seq, &h.hash, &h.keyedFrom, &h.keyID); err != nil {
		return nil, fmt.Errorf("audit head: %w", err)
	}
	k := tx.db.audit
	switch {
	case k.key == nil && h.keyedFrom != 0:
		return nil, vigil.Errorf(vigil.EUNAVAILABLE, "the audit trail is keyed from event %d but no audit key was given", h.keyedFrom)
	case k.key != nil && h.keyedFrom == 0:
		h.keyedFrom, h.keyID = h.seq+1, k.id
	case k.key != nil && h.keyID != k.id:
		return nil, vigil.Errorf(vigil.EUNAVAILABLE, "the audit key given is not the one the trail is written with (key %s, the trail's %s)", k.id, h.keyID)
	}
	return h, nil
}

// link returns e's chain link: an HMAC under the key from the trail's
// keyed_from on, the plain SHA-256 before it.
func (tx *Tx) link(e *vigil.AuditEvent) string {
	if tx.head.keyedFrom == 0 || e.Seq < tx.head.keyedFrom {
		return e.ComputeHash()
	}
	if tx.mac == nil {
		tx.mac = hmac.New(sha256.New, tx.db.audit.key)
	}
	return e.Link(tx.mac)
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
	seq       int64
	hash      string
	keyedFrom int64  // the first keyed event; 0 while the trail has no key
	keyID     string // names the key the trail is keyed under
	dirty     bool
	moved     bool // written at commit: anchor it after
}

func (tx *Tx) flushAuditHead(ctx context.Context) error {
	if tx.head == nil || !tx.head.dirty {
		return nil
	}
	h := tx.head
	if _, err := tx.exec(ctx, `UPDATE audit_head SET seq = ?, hash = ?, keyed_from = ?, key_id = ? WHERE id = 1`, h.seq, h.hash, h.keyedFrom, h.keyID); err != nil {
		return dbErr("writing the audit head", err)
	}
	tx.head.dirty, tx.head.moved = false, true
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

// VerifyAuditLog walks the whole chain; see VerifyAudit.
func (db *DB) VerifyAuditLog(ctx context.Context) (int, *vigil.AuditBreak, error) {
	r, err := db.VerifyAudit(ctx)
	if err != nil {
		return 0, nil, err
	}
	return r.Checked, r.Break, nil
}

// VerifyAudit walks the whole chain in order, in one snapshot, and reports
// the first event whose link does not hold: a link that differs from the
// one recomputed (an edited row; from the key's first event on, a re-chained
// one too, since the link is an HMAC under a key the database does not
// hold), a previous link that is not the one before it or a gap in the
// sequence (a deleted row), a head that does not match the newest event, or
// an anchor in the head log that the trail no longer holds (a deleted tail
// with a rewound head, a truncated table). An intact trail's head is then
// anchored.
//
// copies are anchors kept elsewhere (the syslog copy of AnchorCopy), held
// to the trail as the head log's are.
func (db *DB) VerifyAudit(ctx context.Context, copies ...AnchorFile) (*AuditReport, error) {
	k := db.audit
	r := &AuditReport{HeadLog: k.headLog}
	k.mu.Lock()
	r.AnchorErr = k.anchorErr
	k.mu.Unlock()
	rtx, err := db.reader.BeginTx(ctx, db.dialect.snapshot())
	if err != nil {
		return nil, dbErr("verifying the audit trail", err)
	}
	defer rtx.Rollback()
	var head auditHead
	if err := rtx.QueryRowContext(ctx, `SELECT seq, hash, keyed_from, key_id FROM audit_head WHERE id = 1`).Scan(&head.seq, &head.hash, &head.keyedFrom, &head.keyID); err != nil {
		return nil, dbErr("verifying the audit trail", err)
	}
	r.KeyedFrom = head.keyedFrom
	switch {
	case head.keyedFrom != 0 && k.key == nil:
		return nil, vigil.Errorf(vigil.EINVALID, "the audit trail is keyed from event %d: verifying it needs the audit key", head.keyedFrom)
	case head.keyedFrom != 0 && head.keyID != k.id:
		r.Break = &vigil.AuditBreak{Seq: head.keyedFrom, Reason: fmt.Sprintf("the trail says it is keyed under key %s, not the key given (%s): it was re-keyed, or this is the wrong key", head.keyID, k.id)}
		return r, nil
	}
	anchors, skipped, brk, err := k.readAnchors(copies)
	r.Skipped = skipped
	if err != nil || brk != nil {
		r.Break = brk
		return r, err
	}
	for _, a := range anchors {
		if a.KeyedFrom != head.keyedFrom && a.KeyedFrom != 0 {
			r.Break = &vigil.AuditBreak{Seq: a.Seq, Reason: fmt.Sprintf("the head log says the key links events from %d, the database from %d", a.KeyedFrom, head.keyedFrom)}
			return r, nil
		}
	}
	rows, err := rtx.QueryContext(ctx, `SELECT seq, at, actor, action, object_type, object_id, detail, prev_hash, hash FROM audit_events ORDER BY seq`)
	if err != nil {
		return nil, dbErr("verifying the audit trail", err)
	}
	defer rows.Close()
	var mac hash.Hash
	if k.key != nil {
		mac = hmac.New(sha256.New, k.key)
	}
	prev, want := vigil.GenesisHash, int64(1)
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, dbErr("verifying the audit trail", err)
		}
		r.Checked++
		keyed := head.keyedFrom != 0 && e.Seq >= head.keyedFrom
		switch {
		case e.Seq != want:
			r.Break = &vigil.AuditBreak{Seq: want, Reason: "event " + strconv.FormatInt(want, 10) + " is missing (next present is " + strconv.FormatInt(e.Seq, 10) + ")"}
		case e.PrevHash != prev:
			r.Break = &vigil.AuditBreak{Seq: e.Seq, Reason: "previous-hash does not match the event before it"}
		case !keyed && e.ComputeHash() != e.Hash:
			r.Break = &vigil.AuditBreak{Seq: e.Seq, Reason: "content does not match its hash (the row was edited)"}
		case keyed && !hmac.Equal([]byte(e.Link(mac)), []byte(e.Hash)):
			r.Break = &vigil.AuditBreak{Seq: e.Seq, Reason: "content does not match its keyed link (the row was edited, or the trail re-chained without the key)"}
		case len(anchors) > 0 && anchors[0].Seq == e.Seq && anchors[0].Hash != e.Hash:
			r.Break = &vigil.AuditBreak{Seq: e.Seq, Reason: "the link differs from the anchor of " + anchors[0].At + " in " + anchors[0].from + " (the trail was re-chained)"}
		}
		if r.Break != nil {
			return r, nil
		}
		if len(anchors) > 0 && anchors[0].Seq == e.Seq {
			anchors = anchors[1:]
			r.Anchors++
		}
		prev, want = e.Hash, want+1
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr("verifying the audit trail", err)
	}
	if head.seq != want-1 || head.hash != prev {
		r.Break = &vigil.AuditBreak{Seq: want, Reason: fmt.Sprintf("the chain ends at event %d but its head records event %d (events were deleted)", want-1, head.seq)}
		return r, nil
	}
	if len(anchors) > 0 {
		a := anchors[len(anchors)-1]
		r.Break = &vigil.AuditBreak{Seq: want, Reason: fmt.Sprintf("%s anchored event %d at %s but the trail ends at event %d (its tail was deleted and the head rewound)", a.from, a.Seq, a.At, want-1)}
		return r, nil
	}
	if err := db.appendAnchor(&head); err != nil {
		return nil, err
	}
	return r, nil
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
