package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil/internal/account"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/totp"
)

// vigil user mfa reset removes a second factor set up on the account page,
// audited with the command line's actor; a user without one is told so.
func TestUserMFAReset(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "v.db")
	if code, out, stderr := run(t, nil, "user", "add", "alice", "--role", "admin", "--password", "a long enough password", "--db", db); code != 0 {
		t.Fatalf("user add: %d %s %s", code, out, stderr)
	}
	// Alice sets up a second factor, as on her account page; the store is
	// opened with the audit key the command made, which seals it.
	key, err := os.ReadFile(filepath.Join(dir, auditKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	d, err := store.Open(ctx, store.Config{DSN: db, AuditKey: []byte(strings.TrimSpace(string(key)))})
	if err != nil {
		t.Fatal(err)
	}
	acct := account.New(d, true)
	alice, err := acct.FindUser(ctx, "alice")
	if err != nil {
		t.Fatal(err)
	}
	enr, err := acct.BeginTOTP(ctx, alice)
	if err != nil {
		t.Fatal(err)
	}
	secret, _ := totp.ParseSecret(enr.Secret)
	if err := acct.ConfirmTOTP(ctx, alice, totp.Code(secret, time.Now())); err != nil {
		t.Fatal(err)
	}
	d.Close()

	if code, out, stderr := run(t, nil, "user", "mfa", "reset", "alice", "--db", db); code != 0 || !strings.Contains(out, "reset the second factor of alice") {
		t.Fatalf("user mfa reset: %d %q %s", code, out, stderr)
	}
	if code, out, _ := run(t, nil, "user", "mfa", "reset", "alice", "--db", db); code != 0 || !strings.Contains(out, "has no second factor") {
		t.Errorf("a second reset: %d %q", code, out)
	}
	if code, _, stderr := run(t, nil, "user", "mfa", "reset", "nobody", "--db", db); code != 1 || !strings.Contains(stderr, "no user") {
		t.Errorf("resetting an unknown user: %d %s", code, stderr)
	}
	if code, _, _ := run(t, nil, "user", "mfa", "reset", "--db", db); code != 2 {
		t.Errorf("no name: exit %d, want 2", code)
	}
	if got := auditActors(t, db, "user.mfa.reset"); len(got) != 1 || !strings.HasPrefix(got[0], "cli:") {
		t.Errorf("user.mfa.reset actors = %q", got)
	}
	if code, out, _ := run(t, nil, "user", "list", "--format", "json", "--db", db); code != 0 || !strings.Contains(out, `"mfa": false`) || !strings.Contains(out, `"kind": "local"`) {
		t.Errorf("user list: %s", out)
	}
}

// serve's single sign-on flags are checked before it serves: a partial
// configuration, a bad role map, a secret file others may read.
func TestServeSSOFlagsChecked(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "v.db")
	secret := filepath.Join(dir, "oidc.secret")
	if err := os.WriteFile(secret, []byte("s3cret\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	good := []string{"serve", "--db", db, "--addr", "127.0.0.1:0", "--oidc-issuer", "https://sso.example.org/realms/h", "--oidc-client-id", "vigil",
		"--oidc-redirect-url", "https://vigil.example.org/login/oidc/callback"}
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"serve", "--db", db, "--oidc-client-id", "vigil"}, "--oidc-issuer is missing"},
		{append(good[:len(good):len(good)], "--oidc-role-map", "admins=root"), "unknown role"},
		{append(good[:len(good):len(good)], "--oidc-role-map", ""), "role map is empty"},
		{append(good[:len(good):len(good)], "--oidc-role-map", "admins=admin", "--oidc-client-secret-file", secret), "chmod 600"},
		{append(good[:len(good):len(good)], "--oidc-role-map", "admins=admin", "--oidc-redirect-url", "https://vigil.example.org/"), "/login/oidc/callback"},
	} {
		code, _, stderr := run(t, nil, tc.args...)
		if code == 0 || !strings.Contains(stderr, tc.says) {
			t.Errorf("%v: exit %d, %s; want it to say %q", tc.args, code, stderr, tc.says)
		}
	}
}
