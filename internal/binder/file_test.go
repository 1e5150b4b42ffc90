package binder_test

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-health/vigil/internal/binder"
)

// childEnv, when set, makes the test binary the child of
// TestWriteFileKilled: it exports a binder to the path it names, with an
// evidence file that never ends, and is killed while it does.
const childEnv = "VIGIL_BINDER_KILL_CHILD"

func TestMain(m *testing.M) {
	if path := os.Getenv(childEnv); path != "" {
		exportForever(path)
		os.Exit(3) // not reached: the parent kills the child
	}
	os.Exit(m.Run())
}

// endless yields a megabyte of evidence, then blocks.
type endless struct{ sent int }

func (e *endless) Read(p []byte) (int, error) {
	if e.sent >= 1<<20 {
		select {} // the export hangs here until it is killed
	}
	n := min(len(p), 1<<20-e.sent)
	clear(p[:n])
	e.sent += n
	return n, nil
}

func (e *endless) Close() error { return nil }

func exportForever(path string) {
	in, err := buildSample()
	if err != nil {
		os.Stderr.WriteString(err.Error())
		os.Exit(2)
	}
	in.Evidence[0].Meta.SHA256 = ""
	in.Evidence[0].Open = func() (io.ReadCloser, error) { return &endless{}, nil }
	// Evidence is written last, so by now everything else is in the
	// temporary file.
	if err := binder.WriteFile(path, in, testKey()); err != nil {
		os.Stderr.WriteString(err.Error())
		os.Exit(2)
	}
}

// TestWriteFileKilled kills a real export with SIGKILL halfway: nothing
// is left under the final name, only the temporary file.
func TestWriteFileKilled(t *testing.T) {
	dir := t.TempDir()
	final := filepath.Join(dir, "binder.zip")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+final)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the child has written well into its temporary file.
	deadline := time.Now().Add(30 * time.Second)
	var tmp string
	for tmp == "" {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("the child wrote no temporary file; stderr: %s", stderr.String())
		}
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if info, err := e.Info(); err == nil && strings.HasPrefix(e.Name(), ".binder.zip.tmp-") && info.Size() > 512<<10 {
				tmp = e.Name()
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the child was not killed by SIGKILL: %v; stderr: %s", err, stderr.String())
	}
	if _, err := os.Stat(final); !os.IsNotExist(err) {
		t.Fatalf("after the kill, %s exists (stat: %v)", final, err)
	}
	if _, err := os.Stat(filepath.Join(dir, tmp)); err != nil {
		t.Errorf("the temporary file is gone: %v", err)
	}
	// A later export succeeds beside the leftover and verifies.
	if err := binder.WriteFile(final, sampleInput(t), testKey()); err != nil {
		t.Fatal(err)
	}
	if rep, err := binder.Verify(final, nil); err != nil || !rep.OK() {
		t.Fatalf("verify after the kill: %+v, %v", rep, err)
	}
}

func TestWriteFileReplaces(t *testing.T) {
	path := filepath.Join(t.TempDir(), "binder.zip")
	os.WriteFile(path, []byte("an old binder"), 0o644)
	if err := binder.WriteFile(path, sampleInput(t), testKey()); err != nil {
		t.Fatal(err)
	}
	if rep, err := binder.Verify(path, nil); err != nil || !rep.OK() {
		t.Fatalf("verify: %+v, %v", rep, err)
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Errorf("the directory holds %d files, want the binder only", len(ents))
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "signing.key")
	k1, err := binder.LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", st.Mode().Perm())
	}
	k2, err := binder.LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if !k1.Equal(k2) {
		t.Error("the second call made a new key")
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Errorf("the directory holds %d files, want the key only", len(ents))
	}
	os.Chmod(path, 0o644)
	if _, err := binder.LoadOrCreateKey(path); err == nil || !strings.Contains(err.Error(), "0600") {
		t.Errorf("a key others may read: err = %v", err)
	}
	os.Chmod(path, 0o600)
	os.WriteFile(path, []byte("junk"), 0o600)
	if _, err := binder.LoadOrCreateKey(path); err == nil {
		t.Error("a junk key file loaded")
	}
}
