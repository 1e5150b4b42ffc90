package account_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/account"
	"github.com/vigil-health/vigil/internal/password"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// Finding 8: a sign-in as an unknown user costs what one with a wrong
// password costs: it verifies the password against an argon2id hash with
// the real parameters, as for a user who exists. The test watches which
// hashes are verified rather than timing them, which on a loaded machine
// says nothing.
func TestSignInTimingHidesUnknownUsers(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	ctx := context.Background()
	acct := account.New(db, false)
	if err := acct.CreateUser(ctx, nil, &vigil.User{Name: "alice", Role: vigil.RoleIT}, "a long enough password"); err != nil {
		t.Fatal(err)
	}
	var checked []string
	acct.SetCheck(func(pw, hash string) error {
		checked = append(checked, hash)
		return password.Check(pw, hash)
	})
	for _, name := range []string{"alice", "nobody"} {
		if _, err := acct.Authenticate(ctx, name, "wrong password!!"); vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
			t.Fatalf("Authenticate(%s) = %v", name, err)
		}
	}
	if len(checked) != 2 {
		t.Fatalf("%d hashes verified for a wrong password and an unknown user, want one each", len(checked))
	}
	params := func(h string) string { // "$argon2id$v=19$m=...,t=...,p=..."
		parts := strings.Split(h, "$")
		if len(parts) < 4 {
			return h
		}
		return strings.Join(parts[:4], "$")
	}
	want := params(checked[0])
	if !strings.HasPrefix(want, "$argon2id$") || params(checked[1]) != want {
		t.Errorf("the unknown user's sign-in verified %q, the known user's %q: the cost differs", params(checked[1]), want)
	}
	p := password.Default
	if !strings.Contains(want, fmt.Sprintf("m=%d,t=%d,p=%d", p.Memory, p.Time, p.Threads)) {
		t.Errorf("sign-in verified a hash of %q, not the default parameters %+v", want, p)
	}
}
