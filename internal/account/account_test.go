package account_test

import (
	"context"
	"testing"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/account"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// accounts returns the account service with a cheap password hash.
func accounts(db *store.DB) *account.Service { return account.New(db, true) }

func TestUsersSessionsTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		u := &vigil.User{Name: "alice", Role: vigil.RoleCompliance}
		if err := accounts(db).CreateUser(ctx, nil, u, "short"); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Fatalf("short password: %v", err)
		}
		if err := accounts(db).CreateUser(ctx, nil, u, "a long enough password"); err != nil {
			t.Fatal(err)
		}
		if err := accounts(db).CreateUser(ctx, nil, &vigil.User{Name: "alice", Role: vigil.RoleIT}, "a long enough password"); vigil.ErrorCode(err) != vigil.ECONFLICT {
			t.Fatalf("duplicate user: %v", err)
		}
		if _, err := accounts(db).Authenticate(ctx, "alice", "wrong password!!"); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Fatalf("wrong password: %v", err)
		}
		if _, err := accounts(db).Authenticate(ctx, "nobody", "a long enough password"); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Fatalf("unknown user: %v", err)
		}
		got, err := accounts(db).Authenticate(ctx, "alice", "a long enough password")
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
