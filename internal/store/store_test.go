package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

func TestParseDSN(t *testing.T) {
	for _, tc := range []struct{ in, engine, conn, errPart string }{
		{in: "vigil.db", engine: "sqlite", conn: "vigil.db"},
		{in: "sqlite:/tmp/x.db", engine: "sqlite", conn: "/tmp/x.db"},
		{in: "sqlite:", errPart: "needs a file path"},
		{in: "postgres://u@localhost:5432/db", engine: "postgres", conn: "postgres://u@localhost:5432/db"},
		{in: "postgres://", errPart: "malformed PostgreSQL URL"},
		{in: "mysql://x", errPart: `unsupported scheme "mysql"`},
		{in: "", errPart: "empty"},
	} {
		e, c, err := store.ParseDSN(tc.in)
		if tc.errPart != "" {
			if err == nil || !strings.Contains(err.Error(), tc.errPart) {
				t.Errorf("ParseDSN(%q) error = %v, want one containing %q", tc.in, err, tc.errPart)
			}
			continue
		}
		if err != nil || e != tc.engine || c != tc.conn {
			t.Errorf("ParseDSN(%q) = %q, %q, %v; want %q, %q", tc.in, e, c, err, tc.engine, tc.conn)
		}
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		got, err := db.AppliedMigrations(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"0001_init", "0002_audit_append_only"}, got[:2]); diff != "" {
			t.Errorf("migrations (-want +got):\n%s", diff)
		}
	})
}

func TestUsersSessionsTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		u := &vigil.User{Name: "alice", Role: vigil.RoleCompliance}
		if err := db.CreateUser(ctx, nil, u, "short"); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Fatalf("short password: %v", err)
		}
		if err := db.CreateUser(ctx, nil, u, "a long enough password"); err != nil {
			t.Fatal(err)
		}
		if err := db.CreateUser(ctx, nil, &vigil.User{Name: "alice", Role: vigil.RoleIT}, "a long enough password"); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Fatalf("duplicate user: %v", err)
		}
		if _, err := db.Authenticate(ctx, "alice", "wrong password!!"); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Fatalf("wrong password: %v", err)
		}
		if _, err := db.Authenticate(ctx, "nobody", "a long enough password"); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Fatalf("unknown user: %v", err)
		}
		got, err := db.Authenticate(ctx, "alice", "a long enough password")
		if err != nil || got.ID != u.ID || got.Role != vigil.RoleCompliance {
			t.Fatalf("Authenticate = %+v, %v", got, err)
		}
		tok, s, err := db.CreateSession(ctx, got, 3600e9)
		if err != nil || s.CSRFToken == "" {
			t.Fatal(err)
		}
		s2, err := db.FindSession(ctx, tok)
		if err != nil || s2.User.Name != "alice" || s2.CSRFToken != s.CSRFToken {
			t.Fatalf("FindSession = %+v, %v", s2, err)
		}
		if err := db.DeleteSession(ctx, tok); err != nil {
			t.Fatal(err)
		}
		if _, err := db.FindSession(ctx, tok); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Fatalf("deleted session still valid: %v", err)
		}
		secret, _, err := db.CreateAPIToken(ctx, got, "ci")
		if err != nil {
			t.Fatal(err)
		}
		if u2, err := db.FindUserByAPIToken(ctx, secret); err != nil || u2.Name != "alice" {
			t.Fatalf("FindUserByAPIToken = %v, %v", u2, err)
		}
		if _, err := db.FindUserByAPIToken(ctx, secret+"x"); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Fatalf("bad token: %v", err)
		}
	})
}
