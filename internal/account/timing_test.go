package account_test

import (
	"context"
	"slices"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/account"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// Finding 8: a sign-in as an unknown user takes as long as one with a
// wrong password, with the real argon2id parameters.
func TestSignInTimingHidesUnknownUsers(t *testing.T) {
	if testing.Short() {
		t.Skip("hashes with the real parameters")
	}
	db := storetest.Open(t, "sqlite")
	ctx := context.Background()
	acct := account.New(db, false)
	if err := acct.CreateUser(ctx, nil, &vigil.User{Name: "alice", Role: vigil.RoleIT}, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	median := func(name string) time.Duration {
		var ds []time.Duration
		for range 5 {
			start := time.Now()
			if _, err := acct.Authenticate(ctx, name, "wrong password!!"); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
				t.Fatalf("Authenticate(%s) = %v", name, err)
			}
			ds = append(ds, time.Since(start))
		}
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	known, unknown := median("alice"), median("nobody")
	if unknown < known/2 || unknown > known*2 {
		t.Errorf("a wrong password takes %v, an unknown user %v: the difference tells which names exist", known, unknown)
	}
}
