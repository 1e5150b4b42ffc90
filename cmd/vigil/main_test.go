package main

import (
	"bytes"
	"context"
	"database/sql"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil/internal/store/storetest"
)

// vigilBin is the real binary, built once for the end-to-end tests.
var vigilBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "vigil-e2e")
	if err != nil {
		panic(err)
	}
	vigilBin = filepath.Join(dir, "vigil")
	if out, err := exec.Command("go", "build", "-o", vigilBin, ".").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// run executes the binary and returns its exit code, stdout and stderr.
func run(t *testing.T, env []string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(vigilBin, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, out.String(), errb.String()
}

func TestDemoOnceBothStores(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			code, out, stderr := run(t, nil, "demo", "--once", "--dir", dir, "--devices", "150", "--db", storetest.DSN(t, engine))
			if code != 0 {
				t.Fatalf("demo --once exit %d\n%s\n%s", code, out, stderr)
			}
			if !strings.Contains(out, "inventory ("+engine+"):") || !strings.Contains(out, "devices") {
				t.Errorf("summary lacks device counts:\n%s", out)
			}
			// The binder holds the automatic evidence on either store (on
			// PostgreSQL the files go to DIR/evidence).
			if m := regexp.MustCompile(`(\d+) evidence files`).FindStringSubmatch(out); m == nil || m[1] == "0" {
				t.Errorf("the demo binder holds no evidence files:\n%s", out)
			}
			for _, f := range []string{"cmms_clinical_engineering.csv", "it_cmdb.xlsx", "nmap_scan.xml"} {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					t.Errorf("demo did not write %s", f)
				}
			}
		})
	}
}

func TestDemoDefaultDatabaseInDir(t *testing.T) {
	dir := t.TempDir()
	if code, out, stderr := run(t, nil, "demo", "--once", "--dir", dir, "--devices", "60"); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "vigil.db")); err != nil {
		t.Fatalf("the demo's database is not DIR/vigil.db: %v", err)
	}
	// Running it again is idempotent: nothing added the second time.
	code, out, _ := run(t, nil, "demo", "--once", "--dir", dir, "--devices", "60")
	if code != 0 || !strings.Contains(out, "0 added, 0 changed, 0 removed") {
		t.Fatalf("second demo run: exit %d\n%s", code, out)
	}
}

// oneErrorLine checks a failure is one clear line without a stack trace
// (after the demo's progress, if any).
func oneErrorLine(t *testing.T, code int, stderr, want string) {
	t.Helper()
	if code == 0 {
		t.Fatalf("exit 0, want failure")
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if !strings.HasPrefix(l, "vigil demo: ") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 || !strings.HasPrefix(lines[0], "vigil: ") || !strings.Contains(lines[0], want) {
		t.Fatalf("stderr = %q, want one line containing %q", stderr, want)
	}
	if strings.Contains(stderr, "goroutine") || strings.Contains(stderr, "panic") {
		t.Fatalf("stack trace in stderr: %s", stderr)
	}
}

func TestBadDatabaseSettings(t *testing.T) {
	code, _, stderr := run(t, nil, "migrate", "--db", "mysql://nope")
	oneErrorLine(t, code, stderr, "unsupported scheme")
	code, _, stderr = run(t, nil, "migrate", "--db", "postgres://")
	oneErrorLine(t, code, stderr, "malformed PostgreSQL URL")
	code, _, stderr = run(t, nil, "migrate", "--db", "postgres://vigil@127.0.0.1:1/vigil?sslmode=disable&connect_timeout=2")
	oneErrorLine(t, code, stderr, "cannot reach PostgreSQL at 127.0.0.1:1")
	code, _, stderr = run(t, []string{"VIGIL_DB=sqlite:" + filepath.Join(t.TempDir(), "missing", "v.db")}, "migrate")
	oneErrorLine(t, code, stderr, "does not exist")
}

func TestReadOnlyDataDirectory(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "ro")
	os.Mkdir(dir, 0o755)
	if os.Geteuid() == 0 {
		// Root ignores permission bits: use a read-only mount instead.
		if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "ro", "tmpfs", dir).CombinedOutput(); err != nil {
			t.Skipf("cannot mount a read-only file system here: %s", out)
		}
		defer exec.Command("umount", dir).Run()
	} else {
		os.Chmod(dir, 0o555)
	}
	code, _, stderr := run(t, nil, "demo", "--once", "--dir", dir)
	oneErrorLine(t, code, stderr, "cannot write")
	code, _, stderr = run(t, nil, "migrate", "--db", filepath.Join(dir, "v.db"))
	oneErrorLine(t, code, stderr, "cannot write the database")
}

func TestAuditLogVerifyNamesEditedRow(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "vigil.db")
	if code, out, stderr := run(t, nil, "demo", "--once", "--dir", dir, "--devices", "40"); code != 0 {
		t.Fatalf("demo: %d %s %s", code, out, stderr)
	}
	code, out, _ := run(t, nil, "audit-log", "verify", "--db", dbPath)
	if code != 0 || !strings.Contains(out, "intact") {
		t.Fatalf("verify on a clean trail: exit %d, %s", code, out)
	}
	raw, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TRIGGER audit_events_no_update`, `UPDATE audit_events SET actor = 'mallory' WHERE seq = 7`} {
		if _, err := raw.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	code, _, stderr := run(t, nil, "audit-log", "verify", "--db", dbPath)
	oneErrorLine(t, code, stderr, "broken at event 7")
}

func TestUserAdd(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	code, out, stderr := run(t, nil, "user", "add", "carol", "--role", "auditor", "--db", db)
	if code != 0 || !strings.Contains(out, "password: ") {
		t.Fatalf("user add: exit %d\n%s%s", code, out, stderr)
	}
	code, _, stderr = run(t, nil, "user", "add", "dave", "--role", "superuser", "--db", db)
	oneErrorLine(t, code, stderr, `unknown role "superuser"`)
	code, _, _ = run(t, nil, "user", "add", "--db", db)
	if code != 2 {
		t.Errorf("user add without a name: exit %d, want 2", code)
	}
}

func TestServeInProcess(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	var out, errb bytes.Buffer
	m := &Main{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, Ready: func(a string) { ready <- a }}
	done := make(chan int, 1)
	go func() {
		done <- m.Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "v.db")})
	}()
	var addr string
	select {
	case addr = <-ready:
	case code := <-done:
		t.Fatalf("serve exited %d: %s", code, errb.String())
	case <-time.After(20 * time.Second):
		t.Fatal("server did not start")
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for path, want := range map[string]int{"/healthz": 200, "/devices": 303, "/api/v1/devices": 401, "/login": 200, "/static/style.css": 200} {
		resp, err := c.Get("http://" + addr + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s = %d, want %d", path, resp.StatusCode, want)
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("serve exit %d after shutdown: %s", code, errb.String())
	}
}
