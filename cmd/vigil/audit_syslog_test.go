package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The audit head's anchors go to syslog as well with VIGIL_AUDIT_SYSLOG,
// and a trail whose tail was deleted and head rewound, with the head log
// beside it removed, is still caught against what syslog received.
func TestAuditAnchorsToSyslog(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	received := make(chan string, 64)
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, _, err := pc.ReadFrom(buf)
			if err != nil {
				close(received)
				return
			}
			received <- string(buf[:n])
		}
	}()
	env := []string{"VIGIL_AUDIT_SYSLOG=udp://" + pc.LocalAddr().String()}
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "vigil.db")
	for _, name := range []string{"carol", "dave", "erin"} {
		if code, out, stderr := run(t, env, "user", "add", name, "--role", "it", "--db", dbPath); code != 0 {
			t.Fatalf("user add: %d %s %s", code, out, stderr)
		}
	}
	// What a collector writes: each message on its own line.
	var lines []string
	for deadline := time.After(5 * time.Second); len(lines) < 3; {
		select {
		case m := <-received:
			if !strings.Contains(m, "vigil-audit") || !strings.Contains(m, `"seq":`) || !strings.Contains(m, `"mac":`) {
				t.Fatalf("syslog message %q is not a signed anchor tagged vigil-audit", m)
			}
			lines = append(lines, strings.TrimSpace(m))
		case <-deadline:
			t.Fatalf("syslog received %d anchors, want one per command (3)", len(lines))
		}
	}
	collected := filepath.Join(dir, "collector.log")
	if err := os.WriteFile(collected, []byte("unrelated line from another host\n"+strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := run(t, nil, "audit-log", "verify", "--db", dbPath, "--anchors", collected)
	if code != 0 || !strings.Contains(out, "anchor copies: 1 lines skipped") {
		t.Fatalf("verify against the copy of a clean trail: %d %s %s", code, out, stderr)
	}

	rewindTrail(t, dbPath)
	if err := os.Remove(filepath.Join(dir, "vigil.db.audit-head")); err != nil {
		t.Fatal(err)
	}
	if code, out, _ := run(t, nil, "audit-log", "verify", "--db", dbPath); code != 0 {
		t.Fatalf("without the copy a rewound trail with its head log removed verifies (what the copy is for); got %d %s", code, out)
	}
	code, _, stderr = run(t, nil, "audit-log", "verify", "--db", dbPath, "--anchors", collected)
	oneErrorLine(t, code, stderr, collected+" anchored event")

	// A bad setting is refused before anything is written.
	code, _, stderr = run(t, []string{"VIGIL_AUDIT_SYSLOG=syslog.example:514"}, "user", "add", "frank", "--role", "it", "--db", dbPath)
	oneErrorLine(t, code, stderr, "want local, udp://HOST:PORT or tcp://HOST:PORT")
}
