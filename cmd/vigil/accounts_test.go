package main

import (
	"context"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// auditActors returns the actors of the trail's events with the action.
func auditActors(t *testing.T, dsn, action string) []string {
	t.Helper()
	db, err := store.Open(context.Background(), store.Config{DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	evs, err := db.FindAuditEvents(context.Background(), vigil.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range evs {
		if e.Action == action {
			out = append(out, e.Actor)
		}
	}
	return out
}

// Finding 12: the CLI actor comes from the real user id, not $USER.
func TestCLIActorIsTheRealUser(t *testing.T) {
	who := "uid:" + strconv.Itoa(os.Getuid())
	if u, err := user.LookupId(strconv.Itoa(os.Getuid())); err == nil {
		who = u.Username
	}
	db := filepath.Join(t.TempDir(), "v.db")
	env := []string{"USER=admin-impostor", "LOGNAME=admin-impostor"}
	if code, out, stderr := run(t, env, "user", "add", "carol", "--role", "auditor", "--db", db); code != 0 {
		t.Fatalf("user add: %d %s %s", code, out, stderr)
	}
	if code, out, stderr := run(t, env, "user", "add", "dave", "--role", "auditor", "--db", db, "--actor", "Bob Smith"); code != 0 {
		t.Fatalf("user add --actor: %d %s %s", code, out, stderr)
	}
	if code, out, stderr := run(t, append(env, "VIGIL_ACTOR=erin"), "user", "add", "frank", "--role", "auditor", "--db", db); code != 0 {
		t.Fatalf("user add with VIGIL_ACTOR: %d %s %s", code, out, stderr)
	}
	got := strings.Join(auditActors(t, db, "user.create"), "\n")
	want := strings.Join([]string{"cli:" + who + " (as erin)", "cli:" + who + " (as Bob Smith)", "cli:" + who}, "\n")
	if got != want {
		t.Errorf("actors = %q, want %q", got, want)
	}
	if code, _, stderr := run(t, env, "user", "add", "gina", "--role", "auditor", "--db", db, "--actor", "x\x01(y)"); code != 2 {
		t.Errorf("a control character in --actor: exit %d, want 2: %s", code, stderr)
	}
}

// Issue 15 and finding 7: users and tokens on the command line, the first
// token of a script without a browser.
func TestUserAndTokenCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	ok := func(args ...string) string {
		t.Helper()
		code, out, stderr := run(t, nil, append(args, "--db", db)...)
		if code != 0 {
			t.Fatalf("vigil %s: exit %d: %s", strings.Join(args, " "), code, stderr)
		}
		return out
	}
	fails := func(want string, args ...string) {
		t.Helper()
		code, _, stderr := run(t, nil, append(args, "--db", db)...)
		if code == 0 || !strings.Contains(stderr, want) {
			t.Errorf("vigil %s: exit %d, stderr %q, want %q", strings.Join(args, " "), code, stderr, want)
		}
	}
	ok("user", "add", "alice", "--role", "admin", "--password", "correct horse battery")
	ok("user", "add", "bob", "--role", "auditor")
	fails("clinical-engineering", "user", "add", "carol", "--role", "wizard")
	secret := strings.TrimSpace(ok("token", "create", "--user", "bob", "--name", "laptop", "--expires", "30d"))
	if !strings.HasPrefix(secret, "vgl_") {
		t.Fatalf("token create printed %q", secret)
	}
	list := ok("token", "list")
	if !strings.Contains(list, "laptop") || !strings.Contains(list, "read-only") || !strings.Contains(list, "active") {
		t.Errorf("token list:\n%s", list)
	}
	ok("token", "revoke", "1")
	if list := ok("token", "list", "--user", "bob"); !strings.Contains(list, "revoked") {
		t.Errorf("token list after revoking:\n%s", list)
	}
	fails("no token 99", "token", "revoke", "99")
	fails("at most 366 days", "token", "create", "--user", "bob", "--expires", "400d")
	fails("last enabled admin", "user", "disable", "alice")
	ok("user", "role", "bob", "compliance")
	ok("user", "disable", "bob")
	if out := ok("user", "list"); !strings.Contains(out, "bob    compliance  disabled") {
		t.Errorf("user list:\n%s", out)
	}
	ok("user", "enable", "bob")
	if out := ok("user", "passwd", "bob"); !strings.Contains(out, "password: ") {
		t.Errorf("user passwd printed no password: %s", out)
	}
	for _, action := range []string{"token.create", "token.revoke", "user.role", "user.disable", "user.enable", "user.password"} {
		if actors := auditActors(t, db, action); len(actors) != 1 || !strings.HasPrefix(actors[0], "cli:") {
			t.Errorf("%s audited as %q", action, actors)
		}
	}
}
