package account_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/account"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// A database from before migration 0014 migrates: its tokens keep working
// until DefaultTokenTTL after their creation, then expire.
func TestTokensFromBeforeExpiryMigrate(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, engine)
			db, err := store.Open(ctx, store.Config{DSN: dsn})
			if err != nil {
				t.Fatal(err)
			}
			acct := account.New(db, true)
			u := &vigil.User{Name: "ci", Role: vigil.RoleIT}
			if err := acct.CreateUser(ctx, nil, u, "a long enough password"); err != nil {
				t.Fatal(err)
			}
			fresh, _, err := acct.CreateAPIToken(ctx, u, "fresh")
			if err != nil {
				t.Fatal(err)
			}
			old, _, err := acct.CreateAPIToken(ctx, u, "old")
			if err != nil {
				t.Fatal(err)
			}
			db.Close()
			// Undo 0014 as if the database were older, with one token made
			// 100 days ago.
			driver := map[string]string{"sqlite": "sqlite", "postgres": "pgx"}[engine]
			raw, err := sql.Open(driver, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer raw.Close()
			hundredDaysAgo := time.Now().UTC().AddDate(0, 0, -100).Format("2006-01-02T15:04:05.000000000Z")
			for _, q := range []string{
				`DROP INDEX api_tokens_user`,
				`ALTER TABLE api_tokens DROP COLUMN expires_at`,
				`ALTER TABLE api_tokens DROP COLUMN revoked_at`,
				`ALTER TABLE api_tokens DROP COLUMN read_only`,
				`DELETE FROM schema_migrations WHERE name = '0014_accounts'`,
				`UPDATE api_tokens SET created_at = '` + hundredDaysAgo + `' WHERE name = 'old'`,
			} {
				if _, err := raw.Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			db, err = store.Open(ctx, store.Config{DSN: dsn})
			if err != nil {
				t.Fatalf("migrating: %v", err)
			}
			defer db.Close()
			if got, err := db.FindUserByAPIToken(ctx, fresh); err != nil || got.Name != "ci" {
				t.Errorf("a recent token after migrating: %v, %v", got, err)
			}
			if _, err := db.FindUserByAPIToken(ctx, old); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
				t.Errorf("a 100-day-old token after migrating: %v, want expired", err)
			}
			ts, err := db.FindAPITokens(ctx, u.ID)
			if err != nil || len(ts) != 2 || ts[0].ExpiresAt.IsZero() {
				t.Errorf("tokens after migrating: %+v, %v", ts, err)
			}
		})
	}
}
