package vigil

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"strconv"
	"time"
)

// AuditEvent records one change of state: who, when, what object and what
// changed. Events are append-only and chained: each holds the link of the
// event before it (an HMAC under a key kept outside the database, or for
// events written before the trail had a key a SHA-256), so editing or
// deleting a row breaks the chain.
type AuditEvent struct {
	Seq        int64     `json:"seq"`
	At         time.Time `json:"at"`
	Actor      string    `json:"actor"`
	Action     string    `json:"action"`      // e.g. "device.create", "user.create", "import"
	ObjectType string    `json:"object_type"` // e.g. "device", "user", "source"
	ObjectID   string    `json:"object_id"`
	Detail     string    `json:"detail"` // JSON: what changed; never PHI
	PrevHash   string    `json:"prev_hash"`
	Hash       string    `json:"hash"`
}

// GenesisHash is the PrevHash of the first event.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// ComputeHash returns the SHA-256 over the event's content and PrevHash, in a
// length-prefixed encoding so that no two different events hash alike. It is
// the link of events written before the trail had a key.
func (e *AuditEvent) ComputeHash() string { return e.Link(sha256.New()) }

// ComputeMAC returns the HMAC-SHA256 under key over the same encoding as
// ComputeHash: the link of keyed events, which nobody without the key can
// recompute after editing a row.
func (e *AuditEvent) ComputeMAC(key []byte) string { return e.Link(hmac.New(sha256.New, key)) }

// Link resets h, writes the event's length-prefixed encoding to it and
// returns the sum in hex; a writer of many events reuses one h.
func (e *AuditEvent) Link(h hash.Hash) string {
	h.Reset()
	var n [20]byte
	for _, s := range []string{
		strconv.FormatInt(e.Seq, 10),
		e.At.UTC().Format(time.RFC3339Nano),
		e.Actor, e.Action, e.ObjectType, e.ObjectID, e.Detail, e.PrevHash,
	} {
		h.Write(append(strconv.AppendInt(n[:0], int64(len(s)), 10), ':'))
		h.Write([]byte(s))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// AuditBreak names the first event whose chain link does not hold.
type AuditBreak struct {
	Seq    int64  `json:"seq"`
	Reason string `json:"reason"`
}

// AuditFilter selects audit events.
type AuditFilter struct {
	ObjectType string
	ObjectID   string
	Offset     int
	Limit      int
}

// AuditService reads and verifies the audit trail. Writing happens inside
// every other service's transactions.
type AuditService interface {
	FindAuditEvents(ctx context.Context, f AuditFilter) ([]*AuditEvent, error)
	// VerifyAuditLog walks the chain and returns the first break, or nil.
	VerifyAuditLog(ctx context.Context) (checked int, brk *AuditBreak, err error)
}
