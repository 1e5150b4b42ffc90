package store_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

var testAuditKey = []byte("0123456789abcdef0123456789abcdef")

// keyedTrail opens a store with an audit key and a head log, writes four
// events and returns the store and a raw connection to the same database.
func keyedTrail(t *testing.T, engine string) (*store.DB, *sql.DB) {
	t.Helper()
	ctx := context.Background()
	dsn := storetest.DSN(t, engine)
	db, err := store.Open(ctx, store.Config{DSN: dsn, AuditKey: testAuditKey, HeadLog: filepath.Join(t.TempDir(), "head.log")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for _, n := range []string{"a", "b", "c", "d"} {
		if err := db.CreateUser(ctx, nil, &vigil.User{Name: n, Role: vigil.RoleIT}, testHash); err != nil {
			t.Fatal(err)
		}
	}
	if r, err := db.VerifyAudit(ctx); err != nil || r.Break != nil || r.Checked != 4 || r.KeyedFrom != 1 || r.Anchors == 0 {
		t.Fatalf("clean keyed chain: %+v %v", r, err)
	}
	return db, rawDB(t, engine, dsn)
}

// dropGuards drops the database's guards, as a superuser may.
func dropGuards(t *testing.T, engine string, raw *sql.DB) {
	t.Helper()
	qs := []string{`DROP TRIGGER audit_events_no_update`, `DROP TRIGGER audit_events_no_delete`, `DROP TRIGGER audit_head_forward_only`}
	if engine == "postgres" {
		qs = []string{`DROP TRIGGER audit_events_no_update ON audit_events`, `DROP TRIGGER audit_events_no_truncate ON audit_events`, `DROP TRIGGER audit_head_forward_only ON audit_head`}
	}
	for _, q := range qs {
		if _, err := raw.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

func mustExec(t *testing.T, engine string, raw *sql.DB, q string, args ...any) {
	t.Helper()
	if engine == "postgres" {
		for i := 1; strings.Contains(q, "?"); i++ {
			q = strings.Replace(q, "?", "$"+string(rune('0'+i)), 1)
		}
	}
	if _, err := raw.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func wantBreak(t *testing.T, db *store.DB, seq int64, reason string) {
	t.Helper()
	r, err := db.VerifyAudit(context.Background())
	if err != nil || r.Break == nil || r.Break.Seq != seq || !strings.Contains(r.Break.Reason, reason) {
		t.Fatalf("verify after tampering: %+v, %v; want a break at %d naming %q", r, err, seq, reason)
	}
}

// Finding 6, first attack: edit an event and re-chain every later one with
// SHA-256, as anyone with the database but not the key can.
func TestAuditKeyDetectsRechain(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			db, raw := keyedTrail(t, engine)
			dropGuards(t, engine, raw)
			evs, err := db.FindAuditEvents(ctx, vigil.AuditFilter{})
			if err != nil {
				t.Fatal(err)
			}
			prev := evs[len(evs)-1].Hash         // event 1's, kept
			for i := len(evs) - 2; i >= 0; i-- { // from event 2, oldest first
				e := evs[i]
				if e.Seq == 2 {
					e.Detail = `{"name":"b","role":"admin"}`
				}
				e.PrevHash = prev
				e.Hash = e.ComputeHash()
				prev = e.Hash
				mustExec(t, engine, raw, `UPDATE audit_events SET detail = ?, prev_hash = ?, hash = ? WHERE seq = ?`, e.Detail, e.PrevHash, e.Hash, e.Seq)
			}
			mustExec(t, engine, raw, `UPDATE audit_head SET hash = ? WHERE id = 1`, prev)
			wantBreak(t, db, 2, "keyed link")
		})
	}
}

// Finding 6, second attack: delete the newest events and rewind the head
// to the last one kept; the chain left is whole, the head log is not.
func TestAuditHeadLogDetectsRewind(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			db, raw := keyedTrail(t, engine)
			var hash string
			if err := raw.QueryRow(`SELECT hash FROM audit_events WHERE seq = 2`).Scan(&hash); err != nil {
				t.Fatal(err)
			}
			if _, err := raw.Exec(`UPDATE audit_head SET seq = 2`); err == nil {
				t.Fatal("the database let the audit head move back")
			}
			dropGuards(t, engine, raw)
			mustExec(t, engine, raw, `DELETE FROM audit_events WHERE seq > 2`)
			mustExec(t, engine, raw, `UPDATE audit_head SET seq = 2, hash = ? WHERE id = 1`, hash)
			wantBreak(t, db, 3, "the head log anchored event 4")
		})
	}
}

// Finding 6, third attack: empty the table (TRUNCATE on PostgreSQL, where
// row triggers do not fire) and reset the head to the genesis.
func TestAuditHeadLogDetectsTruncate(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			db, raw := keyedTrail(t, engine)
			empty := `DELETE FROM audit_events`
			if engine == "postgres" {
				empty = `TRUNCATE audit_events`
			}
			if _, err := raw.Exec(empty); err == nil {
				t.Fatalf("the database allowed %s", empty)
			}
			dropGuards(t, engine, raw)
			mustExec(t, engine, raw, empty)
			mustExec(t, engine, raw, `UPDATE audit_head SET seq = 0, hash = ? WHERE id = 1`, vigil.GenesisHash)
			wantBreak(t, db, 1, "the head log anchored event 4")
		})
	}
}

// A trail written before the key keeps its old links, verified by the old
// rule; events after the key are keyed; a keyed trail cannot be written or
// verified without the key, nor verified with another.
func TestAuditKeyMigratesAnUnkeyedTrail(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, engine)
			open := func(key []byte) *store.DB {
				db, err := store.Open(ctx, store.Config{DSN: dsn, AuditKey: key, HeadLog: filepath.Join(filepath.Dir(t.TempDir()), "head.log")})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				return db
			}
			old := open(nil)
			for _, n := range []string{"a", "b"} {
				if err := old.CreateUser(ctx, nil, &vigil.User{Name: n, Role: vigil.RoleIT}, testHash); err != nil {
					t.Fatal(err)
				}
			}
			keyed := open(testAuditKey)
			for _, n := range []string{"c", "d"} {
				if err := keyed.CreateUser(ctx, nil, &vigil.User{Name: n, Role: vigil.RoleIT}, testHash); err != nil {
					t.Fatal(err)
				}
			}
			if r, err := keyed.VerifyAudit(ctx); err != nil || r.Break != nil || r.Checked != 4 || r.KeyedFrom != 3 {
				t.Fatalf("verify the migrated trail: %+v %v", r, err)
			}
			evs, err := keyed.FindAuditEvents(ctx, vigil.AuditFilter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range evs {
				if keyedLink := e.Seq >= 3; (e.ComputeMAC(testAuditKey) == e.Hash) != keyedLink || (e.ComputeHash() == e.Hash) == keyedLink {
					t.Errorf("event %d: keyed link %v, but its hash is %s", e.Seq, keyedLink, e.Hash)
				}
			}
			if err := old.CreateUser(ctx, nil, &vigil.User{Name: "e", Role: vigil.RoleIT}, testHash); vigil.ErrorCode(err) != vigil.EUNAVAILABLE {
				t.Errorf("a write without the key to a keyed trail: %v", err)
			}
			if _, err := old.VerifyAudit(ctx); vigil.ErrorCode(err) != vigil.EINVALID {
				t.Errorf("verifying a keyed trail without the key: %v", err)
			}
			other := open([]byte("another key, long enough for it"))
			if r, err := other.VerifyAudit(ctx); err != nil || r.Break == nil || !strings.Contains(r.Break.Reason, "not the key given") {
				t.Errorf("verifying with another key: %+v %v", r, err)
			}
		})
	}
}
