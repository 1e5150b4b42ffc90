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
