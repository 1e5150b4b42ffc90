package store_test

import (
	"context"
	"database/sql"
	"testing"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// testHash stands for a password hash: the store keeps whatever hash it is
// given (internal/account makes real ones).
const testHash = "$argon2id$v=19$m=1024,t=1,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

func rawDB(t *testing.T, engine, dsn string) *sql.DB {
	driver, conn, _ := store.ParseDSN(dsn)
	if driver == "postgres" {
		driver = "pgx"
	}
	db, err := sql.Open(driver, conn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestAuditChainDetectsTampering(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, engine)
			db, err := store.Open(ctx, store.Config{DSN: dsn})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			for _, n := range []string{"a", "b", "c", "d"} {
				if err := db.CreateUser(ctx, nil, &vigil.User{Name: n, Role: vigil.RoleIT}, testHash); err != nil {
					t.Fatal(err)
				}
			}
			if n, brk, err := db.VerifyAuditLog(ctx); err != nil || brk != nil || n != 4 {
				t.Fatalf("clean chain: %d %+v %v", n, brk, err)
			}
			raw := rawDB(t, engine, dsn)
			if _, err := raw.Exec(`UPDATE audit_events SET actor = 'mallory' WHERE seq = 2`); err == nil {
				t.Fatal("the database allowed an audit row to be edited")
			}
			// A superuser can drop the guard; the chain still catches it.
			drop := `DROP TRIGGER audit_events_no_update`
			if engine == "postgres" {
				drop += ` ON audit_events`
			}
			if _, err := raw.Exec(drop); err != nil {
				t.Fatal(err)
			}
			if _, err := raw.Exec(`UPDATE audit_events SET detail = '{"name":"z","role":"admin"}' WHERE seq = 3`); err != nil {
				t.Fatal(err)
			}
			_, brk, err := db.VerifyAuditLog(ctx)
			if err != nil || brk == nil || brk.Seq != 3 {
				t.Fatalf("edited row 3: break = %+v, %v", brk, err)
			}
		})
	}
}
