// Package store keeps Vigil's state in SQLite (modernc.org/sqlite, no cgo;
// the embedded default) or PostgreSQL (pgx). Both engines share one schema
// and one set of portable SQL; the few differences live in dialect.go. Every
// exported method that changes state is one transaction, and writes its
// audit events inside that transaction.
package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver
)

// DB is an open store. Writes go through one connection on SQLite (its
// single-writer model) and through the pool on PostgreSQL; reads use a pool.
type DB struct {
	dialect dialect
	writer  *sql.DB
	reader  *sql.DB
	ckpt    *checkpointer // SQLite only: checkpoints the WAL after commits
	audit   *auditKeyring // the audit key and head log
	// Now returns the current time; tests replace it.
	Now func() time.Time
}

// Config says which store to open.
type Config struct {
	// DSN is a file path, "sqlite:PATH", or a postgres:// or postgresql:// URL.
	DSN string
	// AuditKey links the audit trail by HMAC-SHA256; it is kept outside the
	// database (cmd/vigil reads it from a key file or the environment).
	// Without it a trail not yet keyed stays on plain SHA-256 and a keyed
	// trail cannot be written.
	AuditKey []byte
	// HeadLog is the append-only file the audit head is anchored in after
	// each commit that writes audit events; "" keeps none.
	HeadLog string
	// AnchorCopy, when set, receives each anchor written to the head log
	// as well, one write of its JSON per anchor: a copy kept off this
	// machine (cmd/vigil sends it to syslog), which whoever can rewrite
	// the database and the head log cannot reach. A failed write is
	// reported as a failed head log append is.
	AnchorCopy io.Writer
}

// ParseDSN splits a --db value into an engine name and the driver's DSN.
func ParseDSN(dsn string) (engine, conn string, err error) {
	switch {
	case dsn == "":
		return "", "", vigil.Errorf(vigil.EINVALID, "--db is empty")
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		u, err := url.Parse(dsn)
		if err != nil || u.Host == "" {
			return "", "", vigil.Errorf(vigil.EINVALID, "--db: malformed PostgreSQL URL (want postgres://user@host:port/database)")
		}
		return "postgres", dsn, nil
	case strings.HasPrefix(dsn, "sqlite:"):
		p := strings.TrimPrefix(dsn, "sqlite:")
		p = strings.TrimPrefix(p, "//")
		if p == "" {
			return "", "", vigil.Errorf(vigil.EINVALID, "--db: sqlite: needs a file path")
		}
		return "sqlite", p, nil
	case strings.Contains(dsn, "://"):
		scheme, _, _ := strings.Cut(dsn, "://")
		return "", "", vigil.Errorf(vigil.EINVALID, "--db: unsupported scheme %q (use a file path, sqlite:PATH or postgres://...)", scheme)
	}
	return "sqlite", dsn, nil
}

// Open opens the store and applies pending migrations.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	engine, conn, err := ParseDSN(cfg.DSN)
	if err != nil {
		return nil, err
	}
	keys, err := newAuditKeyring(cfg)
	if err != nil {
		return nil, err
	}
	db := &DB{Now: func() time.Time { return time.Now().UTC() }, audit: keys}
	switch engine {
	case "sqlite":
		err = db.openSQLite(ctx, conn)
	case "postgres":
		err = db.openPostgres(ctx, conn)
	}
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func (db *DB) openSQLite(ctx context.Context, path string) error {
	db.dialect = sqliteDialect{}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return vigil.Errorf(vigil.EUNAVAILABLE, "database directory %s does not exist", dir)
	}
	// Pragmas in a deliberate order: busy_timeout before anything that may
	// need a lock, then WAL, then the rest. They apply per connection.
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(ON)", "temp_store(MEMORY)", "cache_size(-32000)", "wal_autocheckpoint(0)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	dsn := "file:" + path + "?" + q.Encode()
	w, err := sql.Open("sqlite", dsn)
	if err != nil {
		return vigil.WrapError(vigil.EUNAVAILABLE, "cannot open the SQLite database", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return sqliteOpenError(path, err)
	}
	// Prove the file is writable now, not at the first import.
	if _, err := w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS vigil_probe (x INTEGER); DROP TABLE vigil_probe`); err != nil {
		w.Close()
		return sqliteOpenError(path, err)
	}
	rq := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "foreign_keys(ON)", "query_only(ON)", "cache_size(-32000)"} {
		rq.Add("_pragma", p)
	}
	r, err := sql.Open("sqlite", "file:"+path+"?"+rq.Encode())
	if err != nil {
		w.Close()
		return vigil.WrapError(vigil.EUNAVAILABLE, "cannot open the SQLite database", err)
	}
	r.SetMaxOpenConns(4)
	ck, err := openCheckpointer(ctx, path)
	if err != nil {
		r.Close()
		w.Close()
		return sqliteOpenError(path, err)
	}
	db.writer, db.reader, db.ckpt = w, r, ck
	return nil
}

func sqliteOpenError(path string, err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "readonly") || strings.Contains(msg, "read-only") || strings.Contains(msg, "unable to open") || strings.Contains(msg, "permission"):
		return vigil.WrapError(vigil.EUNAVAILABLE, fmt.Sprintf("cannot write the database %s: is its directory writable?", path), err)
	case strings.Contains(msg, "not a database"):
		return vigil.WrapError(vigil.EUNAVAILABLE, fmt.Sprintf("%s is not a SQLite database", path), err)
	}
	return vigil.WrapError(vigil.EUNAVAILABLE, fmt.Sprintf("cannot open the database %s", path), err)
}

func (db *DB) openPostgres(ctx context.Context, dsn string) error {
	db.dialect = postgresDialect{}
	p, err := sql.Open("pgx", dsn)
	if err != nil {
		return vigil.WrapError(vigil.EUNAVAILABLE, "cannot open the PostgreSQL database", err)
	}
	p.SetMaxOpenConns(8)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := p.PingContext(pctx); err != nil {
		p.Close()
		u, _ := url.Parse(dsn)
		return vigil.WrapError(vigil.EUNAVAILABLE, fmt.Sprintf("cannot reach PostgreSQL at %s", u.Host), err)
	}
	// Reads get a pool of their own, so that writes holding connections
	// (an import, its row writer) never leave a page waiting for one.
	r, err := sql.Open("pgx", dsn)
	if err != nil {
		p.Close()
		return vigil.WrapError(vigil.EUNAVAILABLE, "cannot open the PostgreSQL database", err)
	}
	r.SetMaxOpenConns(16)
	r.SetMaxIdleConns(16)
	db.writer, db.reader = p, r
	return nil
}

// Engine returns "sqlite" or "postgres".
func (db *DB) Engine() string { return db.dialect.name() }

// Close closes the connections.
func (db *DB) Close() error {
	var errs []error
	if db.ckpt != nil {
		errs = append(errs, db.ckpt.close())
	}
	if db.reader != nil && db.reader != db.writer {
		errs = append(errs, db.reader.Close())
	}
	if db.writer != nil {
		errs = append(errs, db.writer.Close())
	}
	return errors.Join(errs...)
}

// Ping checks the database answers; /healthz uses it.
func (db *DB) Ping(ctx context.Context) error { return db.reader.PingContext(ctx) }

// Tx is a write transaction with one timestamp for everything it writes.
// It prepares each statement once and keeps the audit chain's head in
// memory until commit, since an import runs the same few statements
// hundreds of thousands of times.
type Tx struct {
	*sql.Tx
	db    *DB
	now   time.Time
	stmts map[string]*sql.Stmt
	head  *auditHead // nil until the first audit event
	mac   hash.Hash  // the audit key's HMAC, reused for every event

	bulks     map[string]*bulk // buffered multi-row inserts, flushed before commit
	bulkOrder []string
	w         *rowWriter // executes the bulks' batches; nil until the first
	nowStr    string     // now as stored, formatted once
	keyBuf    []byte     // bulkFor's scratch
	digestBuf []byte     // stateDigest's buffer
	sites     *siteCache // hospitals and places created or read, on first use
	setDevice *sql.Stmt  // SetRecordDevice's statement, prepared on first use

	inventoryLocked bool // PostgreSQL: the inventory lock is held (lockInventory)
}

// BeginTx starts a write transaction.
func (db *DB) BeginTx(ctx context.Context) (*Tx, error) {
	tx, err := db.writer.BeginTx(ctx, nil)
	if err != nil {
		return nil, vigil.WrapError(vigil.EUNAVAILABLE, "the database is unavailable", err)
	}
	return &Tx{Tx: tx, db: db, now: db.Now().UTC(), stmts: map[string]*sql.Stmt{}}, nil
}

// nowText is the transaction's time as stored.
func (tx *Tx) nowText() string {
	if tx.nowStr == "" {
		tx.nowStr = fmtTime(tx.now)
	}
	return tx.nowStr
}

// stmt returns the transaction's prepared statement for q.
func (tx *Tx) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st := tx.stmts[q]; st != nil {
		return st, nil
	}
	st, err := tx.PrepareContext(ctx, tx.db.dialect.rebind(q))
	if err != nil {
		return nil, err
	}
	tx.stmts[q] = st
	return st, nil
}

// exec runs a statement with ? placeholders rebound for the dialect, after
// every batch already handed to the row writer.
func (tx *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if err := tx.drain(); err != nil {
		return nil, err
	}
	st, err := tx.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

func (tx *Tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if err := tx.drain(); err != nil {
		return nil, err
	}
	st, err := tx.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

func (tx *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	st, err := tx.stmt(ctx, q)
	if derr := tx.drain(); derr != nil || err != nil {
		// database/sql reports the error from the Row's Scan.
		return tx.QueryRowContext(ctx, tx.db.dialect.rebind(q), args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// commit writes the audit head and commits.
func (tx *Tx) commit(ctx context.Context) error {
	if err := tx.flushBulks(ctx); err != nil {
		return err
	}
	if err := tx.flushAuditHead(ctx); err != nil {
		return err
	}
	tx.closeStmts()
	return tx.Commit()
}

func (tx *Tx) closeStmts() {
	tx.closeBulks()
	if tx.setDevice != nil {
		tx.setDevice.Close()
		tx.setDevice = nil
	}
	for _, st := range tx.stmts {
		st.Close()
	}
	tx.stmts = map[string]*sql.Stmt{}
}

// query runs a read on the reader pool.
func (db *DB) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return db.reader.QueryContext(ctx, db.dialect.rebind(q), args...)
}

func (db *DB) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	return db.reader.QueryRowContext(ctx, db.dialect.rebind(q), args...)
}

// Update runs fn in one write transaction and commits it, or rolls
// everything back when fn or the commit fails. Use cases that change several
// tables (an import with its reconciliation, re-matching and audit events)
// run inside one Update. On PostgreSQL a transaction aborted as a
// serialization failure or a deadlock runs fn again, at most a few times:
// fn's effects outside the transaction must bear repeating.
func (db *DB) Update(ctx context.Context, fn func(tx *Tx) error) error { return db.inTx(ctx, fn) }

// View runs fn in a read-only transaction on the reader pool: one
// consistent view of several tables that never waits for a write (on
// SQLite the writer is one connection that an import holds for its whole
// length). fn may use the Tx's reading methods; a write fails.
func (db *DB) View(ctx context.Context, fn func(tx *Tx) error) error {
	rtx, err := db.reader.BeginTx(ctx, db.dialect.snapshot())
	if err != nil {
		return vigil.WrapError(vigil.EUNAVAILABLE, "the database is unavailable", err)
	}
	tx := &Tx{Tx: rtx, db: db, now: db.Now().UTC(), stmts: map[string]*sql.Stmt{}}
	defer func() {
		tx.closeStmts()
		rtx.Rollback()
	}()
	return fn(tx)
}

// Now is the transaction's time: every row it writes carries it.
func (tx *Tx) Now() time.Time { return tx.now }

// Audit writes an audit event inside the transaction: who (actor, or the
// system when nil), what (action on objectType objectID) and detail, which
// is marshalled to JSON and must never hold PHI.
func (tx *Tx) Audit(ctx context.Context, actor *vigil.User, action, objectType string, objectID, detail any) error {
	return dbErr("recording an audit event", tx.audit(ctx, actor, action, objectType, objectID, detail))
}

// inTx runs fn in a write transaction and commits it, or rolls back on
// error. A transaction PostgreSQL aborts as a serialization failure or a
// deadlock runs again, a few times, so fn must have no effect outside the
// transaction that cannot be repeated; what still conflicts is ECONFLICT.
func (db *DB) inTx(ctx context.Context, fn func(tx *Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := db.tryTx(ctx, fn)
		if err == nil || !retryable(err) || attempt == maxTxAttempts {
			return conflict(err)
		}
		if backoff(ctx, attempt) != nil {
			return conflict(err)
		}
	}
}

func (db *DB) tryTx(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := db.BeginTx(ctx)
	if err != nil {
		return err
	}
	defer func() {
		tx.closeStmts()
		tx.Rollback()
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.commit(ctx); err != nil {
		return vigil.WrapError(vigil.EUNAVAILABLE, "could not commit the change", err)
	}
	if db.ckpt != nil {
		db.ckpt.committed()
	}
	if tx.head != nil && tx.head.moved {
		// Committed already: a head log that cannot be written is reported
		// by verification, not to the writer.
		db.appendAnchor(tx.head)
	}
	return nil
}

// Times are stored as fixed-width UTC text so that they sort and compare the
// same way on both engines.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, _ := time.Parse(timeLayout, s)
	return t
}

func nullTime(s sql.NullString) *time.Time {
	if !s.Valid || s.String == "" {
		return nil
	}
	t := parseTime(s.String)
	return &t
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// dbErr wraps a database error as an internal error for the operation.
func dbErr(op string, err error) error {
	if err == nil {
		return nil
	}
	var ve *vigil.Error
	if errors.As(err, &ve) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return vigil.WrapError(vigil.EUNAVAILABLE, op+": interrupted", err)
	}
	return vigil.WrapError(vigil.EINTERNAL, op+" failed", err)
}

// collectJSON decodes every row of a one-column query of JSON documents,
// as query returned it, into a list.
func collectJSON[T any](rows *sql.Rows, err error) ([]*T, error) {
	if err != nil {
		return nil, err
	}
	var out []*T
	err = scanJSON(rows, func(v *T) error {
		out = append(out, v)
		return nil
	})
	return out, err
}

// scanJSON decodes every row of a one-column query of JSON documents into a
// new T and hands it to fn, stopping at fn's first error; it closes rows.
func scanJSON[T any](rows *sql.Rows, fn func(*T) error) error {
	defer rows.Close()
	for rows.Next() {
		var data string
		if err := rows.Scan(&data); err != nil {
			return err
		}
		v := new(T)
		if err := json.Unmarshal([]byte(data), v); err != nil {
			return err
		}
		if err := fn(v); err != nil {
			return err
		}
	}
	return rows.Err()
}

// The store implements the domain's read services.
var (
	_ vigil.DeviceService = (*DB)(nil)
	_ vigil.SiteService   = (*DB)(nil)
	_ vigil.AuditService  = (*DB)(nil)
)
