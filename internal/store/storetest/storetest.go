// Package storetest opens fresh stores for tests: SQLite always, and
// PostgreSQL when VIGIL_TEST_POSTGRES holds a DSN. Each PostgreSQL store gets
// a schema of its own that is dropped when the test ends.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigil-health/vigil/internal/store"
)

// Engines returns the engines to test: "sqlite" and, when configured, "postgres".
func Engines() []string {
	if os.Getenv("VIGIL_TEST_POSTGRES") != "" {
		return []string{"sqlite", "postgres"}
	}
	return []string{"sqlite"}
}

// Each runs fn once per engine as a subtest with a fresh store.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(e, func(t *testing.T) { fn(t, Open(t, e)) })
	}
}

// DSN returns a --db value for a fresh, empty store of the engine.
func DSN(tb testing.TB, engine string) string {
	tb.Helper()
	switch engine {
	case "sqlite":
		return filepath.Join(tb.TempDir(), "vigil.db")
	case "postgres":
		base := os.Getenv("VIGIL_TEST_POSTGRES")
		if base == "" {
			tb.Skip("VIGIL_TEST_POSTGRES is not set")
		}
		b := make([]byte, 6)
		rand.Read(b)
		schema := "vigil_test_" + hex.EncodeToString(b)
		admin, err := sql.Open("pgx", base)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
			admin.Close()
			tb.Fatalf("creating test schema: %v", err)
		}
		tb.Cleanup(func() {
			admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			admin.Close()
		})
		u, err := url.Parse(base)
		if err != nil {
			tb.Fatal(err)
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	tb.Fatalf("unknown engine %q", engine)
	return ""
}

// AuditKey is the audit key of the stores Open returns.
var AuditKey = []byte("storetest audit key, 32 bytes..")

// Open returns a fresh, migrated store of the engine, closed when the test
// ends, with an audit key and a head log as cmd/vigil opens it.
func Open(tb testing.TB, engine string) *store.DB {
	tb.Helper()
	cfg := store.Config{DSN: DSN(tb, engine), AuditKey: AuditKey, HeadLog: filepath.Join(tb.TempDir(), "audit-head")}
	db, err := store.Open(context.Background(), cfg)
	if err != nil {
		tb.Fatalf("opening %s store: %v", engine, err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}
