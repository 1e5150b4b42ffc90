package main

import (
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestEvidenceAddKilled kills a real `vigil evidence add` with SIGKILL
// while it stores a large file, then checks that no evidence was recorded,
// no file stands under a final content address, and the repository
// verifies.
func TestEvidenceAddKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 2 GiB sparse file")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "vigil.db")
	env := []string{"VIGIL_DB=" + db}
	if code, out, stderr := run(t, env, "migrate"); code != 0 {
		t.Fatalf("migrate: exit %d\n%s%s", code, out, stderr)
	}
	big := filepath.Join(dir, "big.bin")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(2 << 30); err != nil { // sparse: costs no disk, takes seconds to hash
		t.Fatal(err)
	}
	f.Close()
	cmd := exec.Command(vigilBin, "evidence", "add", big, "--title", "Large export", "--control", "hipaa:164.308(a)(1)(ii)(A)")
	cmd.Env = append(os.Environ(), env...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill it once it has started writing the blob.
	evDir := filepath.Join(dir, "evidence")
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if entries, _ := os.ReadDir(filepath.Join(evDir, ".incoming")); len(entries) > 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	if ee, ok := err.(*exec.ExitError); !ok || ee.Success() {
		t.Fatalf("the add finished before it was killed (%v): make the file larger", err)
	}
	// No file under a final content address (ab/cd/<hash>).
	filepath.WalkDir(evDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.Contains(p, ".incoming") {
			t.Errorf("a file stands under a final name after the kill: %s", p)
		}
		return nil
	})
	if code, out, stderr := run(t, env, "evidence", "list", "--format", "json"); code != 0 || strings.Contains(out, "Large export") {
		t.Errorf("evidence list after the kill: exit %d\n%s%s", code, out, stderr)
	}
	if code, out, stderr := run(t, env, "evidence", "verify"); code != 0 {
		t.Errorf("evidence verify after the kill: exit %d\n%s%s", code, out, stderr)
	}
	if code, out, stderr := run(t, env, "audit-log", "verify"); code != 0 {
		t.Errorf("audit-log verify after the kill: exit %d\n%s%s", code, out, stderr)
	}
}
