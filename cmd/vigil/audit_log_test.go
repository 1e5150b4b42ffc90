package main

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Finding 6 through the CLI: the key file is created 0600 beside the
// database, and deleting the trail's tail and rewinding its head, which
// leaves a whole chain, is caught by the head log.
func TestAuditLogVerifyCatchesRewoundHead(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "vigil.db")
	if code, out, stderr := run(t, nil, "user", "add", "carol", "--role", "auditor", "--db", dbPath); code != 0 {
		t.Fatalf("user add: %d %s %s", code, out, stderr)
	}
	if code, out, stderr := run(t, nil, "user", "add", "dave", "--role", "it", "--db", dbPath); code != 0 {
		t.Fatalf("user add: %d %s %s", code, out, stderr)
	}
	st, err := os.Stat(filepath.Join(dir, "vigil-audit.key"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("the audit key file: %v, %v; want mode 600", st, err)
	}
	code, out, _ := run(t, nil, "audit-log", "verify", "--db", dbPath)
	if code != 0 || !strings.Contains(out, "HMAC-SHA256") {
		t.Fatalf("verify on a clean trail: exit %d, %s", code, out)
	}
	rewindTrail(t, dbPath)
	code, _, stderr := run(t, nil, "audit-log", "verify", "--db", dbPath)
	oneErrorLine(t, code, stderr, "the head log anchored event")
	// Without the key the trail cannot be verified at all.
	code, _, stderr = run(t, []string{"VIGIL_AUDIT_KEY_FILE=" + filepath.Join(dir, "missing.key")}, "audit-log", "verify", "--db", dbPath)
	oneErrorLine(t, code, stderr, "does not exist")
}

// rewindTrail deletes every event of the SQLite trail at dbPath but the
// first and rewinds the head to it, as a superuser may: the chain left is
// whole, only the anchors tell.
func rewindTrail(t *testing.T, dbPath string) {
	t.Helper()
	raw, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var hash string
	if err := raw.QueryRow(`SELECT hash FROM audit_events WHERE seq = 1`).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TRIGGER audit_events_no_delete`, `DROP TRIGGER audit_head_forward_only`,
		`DELETE FROM audit_events WHERE seq > 1`, `UPDATE audit_head SET seq = 1, hash = '` + hash + `'`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
}
