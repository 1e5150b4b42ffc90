package store

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sort"
	"strconv"
	"sync"

	vigil "github.com/vigil-health/vigil"
)

// MinAuditKey is the shortest audit key Open accepts, in bytes.
const MinAuditKey = 16

// auditKeyring is the audit key the store links events with, and where it
// anchors the chain's head outside the database.
type auditKeyring struct {
	key     []byte    // nil: the trail is written unkeyed (only before it has a key)
	id      string    // names the key without revealing it
	headLog string    // the append-only head log; "" for none
	copy    io.Writer // receives each anchor too (syslog); nil for none

	mu        sync.Mutex // serialises appends to the head log
	anchorErr error      // the last failed append, reported by verification
}

func newAuditKeyring(cfg Config) (*auditKeyring, error) {
	k := &auditKeyring{headLog: cfg.HeadLog, copy: cfg.AnchorCopy}
	if len(cfg.AuditKey) == 0 {
		return k, nil
	}
	if len(cfg.AuditKey) < MinAuditKey {
		return nil, vigil.Errorf(vigil.EINVALID, "the audit key is %d bytes; it needs at least %d", len(cfg.AuditKey), MinAuditKey)
	}
	k.key = append([]byte(nil), cfg.AuditKey...)
	k.id = hex.EncodeToString(k.mac("vigil audit key id"))[:16]
	return k, nil
}

func (k *auditKeyring) mac(s string) []byte {
	m := hmac.New(sha256.New, k.key)
	m.Write([]byte(s))
	return m.Sum(nil)
}

// anchor is one line of the head log: the head of the chain as committed
// at a time, signed by the key when there is one.
type anchor struct {
	At        string `json:"at"`
	Seq       int64  `json:"seq"`
	Hash      string `json:"hash"`
	KeyedFrom int64  `json:"keyed_from"`
	MAC       string `json:"mac,omitempty"`

	from string // where it was read: "the head log", or a copy's name
}

func (k *auditKeyring) anchorMAC(a anchor) string {
	return hex.EncodeToString(k.mac("anchor\x00" + a.At + "\x00" + strconv.FormatInt(a.Seq, 10) + "\x00" + a.Hash + "\x00" + strconv.FormatInt(a.KeyedFrom, 10)))
}

// appendAnchor appends the head to the head log. The file is opened for
// appending only, created 0600; one short write per line keeps lines whole
// when several processes share it.
func (db *DB) appendAnchor(h *auditHead) error {
	k := db.audit
	if k.headLog == "" || h == nil || h.seq == 0 {
		return nil
	}
	a := anchor{At: fmtTime(db.Now()), Seq: h.seq, Hash: h.hash, KeyedFrom: h.keyedFrom}
	if k.key != nil {
		a.MAC = k.anchorMAC(a)
	}
	line, _ := json.Marshal(a)
	k.mu.Lock()
	defer k.mu.Unlock()
	f, err := os.OpenFile(k.headLog, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err == nil {
		_, err = f.Write(append(line, '\n'))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		k.anchorErr = err
		return vigil.WrapError(vigil.EUNAVAILABLE, "cannot append to the audit head log "+k.headLog, err)
	}
	if k.copy != nil {
		if _, err := k.copy.Write(line); err != nil {
			k.anchorErr = fmt.Errorf("the copy of the head log: %w", err)
			return vigil.WrapError(vigil.EUNAVAILABLE, "cannot send the audit head to its copy (syslog)", err)
		}
	}
	return nil
}

// AnchorFile is a copy of the head log's anchors kept elsewhere, such as
// the lines syslog received (AnchorCopy), that VerifyAudit compares the
// trail with too. Name is used in messages.
type AnchorFile struct {
	Name string
	R    io.Reader
}

// maxAnchorLine bounds a line of an anchor copy: an anchor is about 250
// bytes, a syslog line around it a few hundred more.
const maxAnchorLine = 64 << 10

// readCopy reads the anchors of a copy into bySeq. A copy is a file of
// lines with an anchor's JSON from the first '{' (what syslog stored,
// after its own prefix). Lines that hold no anchor, and, when the trail
// has a key, anchors the key did not sign, are skipped and counted: a
// shared syslog holds other programs' lines and other databases' anchors,
// and whoever can write to it cannot sign an anchor without the key.
func (k *auditKeyring) readCopy(c AnchorFile, bySeq map[int64]anchor) (skipped int, brk *vigil.AuditBreak, err error) {
	sc := bufio.NewScanner(c.R)
	sc.Buffer(make([]byte, 0, 4096), maxAnchorLine)
	for line := 1; sc.Scan(); line++ {
		b := sc.Bytes()
		i := bytes.IndexByte(b, '{')
		var a anchor
		if i < 0 || json.Unmarshal(b[i:], &a) != nil || a.Seq <= 0 || a.Hash == "" {
			skipped++
			continue
		}
		if k.key != nil && (a.MAC == "" || !hmac.Equal([]byte(a.MAC), []byte(k.anchorMAC(a)))) {
			skipped++
			continue
		}
		if prev, ok := bySeq[a.Seq]; ok && (prev.Hash != a.Hash || prev.KeyedFrom != a.KeyedFrom) {
			return skipped, &vigil.AuditBreak{Seq: a.Seq, Reason: fmt.Sprintf("line %d of %s anchors event %d with another link than the head log or another line", line, c.Name, a.Seq)}, nil
		}
		a.from = c.Name
		bySeq[a.Seq] = a
	}
	if err := sc.Err(); err != nil {
		return skipped, nil, vigil.WrapError(vigil.EINVALID, "cannot read the anchor copy "+c.Name, err)
	}
	return skipped, nil, nil
}

// readAnchors returns the anchors of the head log and of its copies by
// sequence, one per sequence number, and how many lines of the copies it
// skipped; or a break for a head log line the key did not sign, or two
// anchors of one event with different links.
func (k *auditKeyring) readAnchors(copies []AnchorFile) ([]anchor, int, *vigil.AuditBreak, error) {
	bySeq := map[int64]anchor{}
	if brk, err := k.readHeadLog(bySeq); brk != nil || err != nil {
		return nil, 0, brk, err
	}
	skipped := 0
	for _, c := range copies {
		n, brk, err := k.readCopy(c, bySeq)
		if brk != nil || err != nil {
			return nil, 0, brk, err
		}
		skipped += n
	}
	out := make([]anchor, 0, len(bySeq))
	for _, a := range bySeq {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out, skipped, nil, nil
}

// readHeadLog reads the head log's anchors into bySeq, or a break for a
// line the key did not sign.
func (k *auditKeyring) readHeadLog(bySeq map[int64]anchor) (*vigil.AuditBreak, error) {
	if k.headLog == "" {
		return nil, nil
	}
	f, err := os.Open(k.headLog)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, vigil.WrapError(vigil.EUNAVAILABLE, "cannot read the audit head log "+k.headLog, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		var a anchor
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			return &vigil.AuditBreak{Reason: fmt.Sprintf("line %d of the head log %s is not an anchor", line, k.headLog)}, nil
		}
		if k.key != nil && a.MAC != "" && !hmac.Equal([]byte(a.MAC), []byte(k.anchorMAC(a))) {
			return &vigil.AuditBreak{Seq: a.Seq, Reason: fmt.Sprintf("line %d of the head log %s is not signed by the audit key", line, k.headLog)}, nil
		}
		if prev, ok := bySeq[a.Seq]; ok && (prev.Hash != a.Hash || prev.KeyedFrom != a.KeyedFrom) {
			return &vigil.AuditBreak{Seq: a.Seq, Reason: fmt.Sprintf("the head log %s anchors event %d twice with different links", k.headLog, a.Seq)}, nil
		}
		a.from = "the head log"
		bySeq[a.Seq] = a
	}
	if err := sc.Err(); err != nil {
		return nil, vigil.WrapError(vigil.EUNAVAILABLE, "cannot read the audit head log "+k.headLog, err)
	}
	return nil, nil
}

// AuditReport is what verifying the audit trail found.
type AuditReport struct {
	Checked   int               // events read
	KeyedFrom int64             // the first event linked by the key; 0: none
	Anchors   int               // anchors compared, of the head log and its copies
	Skipped   int               // lines of the copies that held no anchor of this trail
	HeadLog   string            // the head log's path; "" when none is kept
	Break     *vigil.AuditBreak // the first break; nil when intact
	// AnchorErr is the last failure to append to the head log, if any.
	AnchorErr error
}

// AnchorAuditHead appends the current head to the head log, as verifying an
// intact trail does.
func (db *DB) AnchorAuditHead(ctx context.Context) error {
	h := &auditHead{}
	if err := db.queryRow(ctx, `SELECT seq, hash, keyed_from FROM audit_head WHERE id = 1`).Scan(&h.seq, &h.hash, &h.keyedFrom); err != nil {
		return dbErr("reading the audit head", err)
	}
	return db.appendAnchor(h)
}
