package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	vigil "github.com/vigil-health/vigil"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migration is one numbered schema change. A file NAME.sql applies to both
// engines; NAME.sqlite.sql and NAME.postgres.sql to one engine only.
type migration struct {
	name string
	sql  string
}

func (db *DB) migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var ms []migration
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "migrations/"), ".sql")
		if i := strings.IndexByte(base, '.'); i >= 0 {
			if base[i+1:] != db.dialect.name() {
				continue
			}
			base = base[:i]
		}
		b, err := migrationFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{name: base, sql: strings.ReplaceAll(string(b), "{{id}}", db.dialect.idColumn())})
	}
	return ms, nil
}

// Migrate applies every migration not yet recorded, each in its own
// transaction, and records it.
func (db *DB) Migrate(ctx context.Context) error {
	if _, err := db.writer.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`); err != nil {
		return vigil.WrapError(vigil.EUNAVAILABLE, "cannot create the migrations table", err)
	}
	ms, err := db.migrations()
	if err != nil {
		return vigil.WrapError(vigil.EINTERNAL, "reading embedded migrations", err)
	}
	for _, m := range ms {
		err := db.inTx(ctx, func(tx *Tx) error {
			if db.dialect.name() == "postgres" {
				// Serialise concurrent starts of several Vigil processes.
				if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7311)`); err != nil {
					return err
				}
			}
			var n int
			if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE name = ?`, m.name).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			_, err := tx.exec(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`, m.name, tx.nowText())
			return err
		})
		if err != nil {
			return vigil.WrapError(vigil.EINTERNAL, "applying migration "+m.name, err)
		}
	}
	return nil
}

// AppliedMigrations lists the names of the applied migrations in order.
func (db *DB) AppliedMigrations(ctx context.Context) ([]string, error) {
	rows, err := db.query(ctx, `SELECT name FROM schema_migrations ORDER BY name`)
	if err != nil {
		return nil, dbErr("listing migrations", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, dbErr("listing migrations", err)
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// SchemaVersion names the newest migration this build carries: the schema
// a database is at once Open has applied its migrations.
func SchemaVersion() string {
	names, _ := fs.Glob(migrationFS, "migrations/*.sql")
	latest := ""
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "migrations/"), ".sql")
		if i := strings.IndexByte(base, '.'); i >= 0 {
			base = base[:i]
		}
		latest = max(latest, base)
	}
	return latest
}
