package blob_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vigil-health/vigil/internal/blob"
)

func hashOf(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// finalFiles lists the files under their final names (outside .incoming).
func finalFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".incoming" {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPutOpenVerify(t *testing.T) {
	dir := t.TempDir()
	s, err := blob.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	content := []byte("access review, third quarter\n")
	key, size, err := s.Put(ctx, bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	if key != hashOf(content) || size != int64(len(content)) {
		t.Fatalf("Put = %s, %d; want %s, %d", key, size, hashOf(content), len(content))
	}
	if want := filepath.Join(dir, key[:2], key[2:4], key); s.Path(key) != want {
		t.Errorf("Path = %s, want %s", s.Path(key), want)
	}
	// The same content again is stored once.
	if k2, _, err := s.Put(ctx, bytes.NewReader(content)); err != nil || k2 != key {
		t.Fatalf("second Put = %s, %v", k2, err)
	}
	if files := finalFiles(t, dir); len(files) != 1 {
		t.Errorf("files after two identical puts: %v", files)
	}
	if ents, _ := os.ReadDir(filepath.Join(dir, ".incoming")); len(ents) != 0 {
		t.Errorf("temporary files left: %d", len(ents))
	}
	f, err := s.Open(key)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(f)
	f.Close()
	if !bytes.Equal(got, content) {
		t.Errorf("read %q", got)
	}
	if err := s.Verify(key); err != nil {
		t.Fatalf("Verify: %v", err)
	}

	// One changed byte is named.
	p := s.Path(key)
	os.Chmod(p, 0o640)
	changed := bytes.Clone(content)
	changed[0] ^= 1
	if err := os.WriteFile(p, changed, 0o640); err != nil {
		t.Fatal(err)
	}
	var ce *blob.ChangedError
	if err := s.Verify(key); !errors.As(err, &ce) || ce.Key != key || ce.Got != hashOf(changed) {
		t.Fatalf("Verify of a changed file = %v", err)
	}
	if err := s.Remove(key); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(key); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("Verify of a removed file = %v", err)
	}
	if _, err := s.Open("not-a-key"); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Open of a malformed key = %v", err)
	}
}

func TestPutStopped(t *testing.T) {
	dir := t.TempDir()
	s, err := blob.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &slowReader{n: 8 << 20, each: func(int64) { cancel() }}
	if _, _, err := s.Put(ctx, r); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put after cancel = %v", err)
	}
	if files := finalFiles(t, dir); len(files) != 0 {
		t.Errorf("a stopped write left %v", files)
	}
	if ents, _ := os.ReadDir(filepath.Join(dir, ".incoming")); len(ents) != 0 {
		t.Errorf("a stopped write left %d temporary files", len(ents))
	}
}

// A reader polling the final names while writes are in progress only ever
// opens complete files.
func TestReaderNeverSeesPartialFile(t *testing.T) {
	dir := t.TempDir()
	s, err := blob.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	contents := make([][]byte, n)
	keys := make([]string, n)
	for i := range contents {
		contents[i] = bytes.Repeat([]byte{byte('a' + i)}, 2<<20)
		keys[i] = hashOf(contents[i])
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	var seen, bad int
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-done:
				return
			default:
			}
			for _, k := range keys {
				f, err := s.Open(k)
				if err != nil {
					continue
				}
				h := sha256.New()
				io.Copy(h, f)
				f.Close()
				seen++
				if hex.EncodeToString(h.Sum(nil)) != k {
					bad++
				}
			}
		}
	}()
	for i := range contents {
		// Small chunks so that each write takes many steps.
		r := &chunkReader{r: bytes.NewReader(contents[i]), chunk: 32 << 10}
		if _, _, err := s.Put(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	wg.Wait()
	if bad > 0 {
		t.Fatalf("a reader opened %d partial files (of %d opened)", bad, seen)
	}
	for _, k := range keys {
		if err := s.Verify(k); err != nil {
			t.Error(err)
		}
	}
}

// childEnv makes the test binary a slow writer that the parent kills.
const childEnv = "VIGIL_BLOB_TEST_CHILD"

// childSize is what the child writes: large enough to be mid-write when killed.
const childSize = 64 << 20

// TestKilledWriterLeavesNoFile runs a real child process that writes a large
// blob slowly, kills it with SIGKILL mid-write, and checks that nothing is
// under the final name and that the store still works.
func TestKilledWriterLeavesNoFile(t *testing.T) {
	if dir := os.Getenv(childEnv); dir != "" {
		runChild(dir)
		return
	}
	if testing.Short() {
		t.Skip("runs a child process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledWriterLeavesNoFile$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the child has written part of the content.
	sc := bufio.NewScanner(out)
	started := false
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "writing") {
			started = true
			break
		}
	}
	if !started {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatal("the child never started writing")
	}
	time.Sleep(100 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, out)
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the child was not killed mid-write: %v", err)
	}

	content := childContent()
	key := hashOf(content)
	if files := finalFiles(t, dir); len(files) != 0 {
		t.Fatalf("files under final names after the kill: %v", files)
	}
	tmps, _ := os.ReadDir(filepath.Join(dir, ".incoming"))
	if len(tmps) != 1 {
		t.Errorf("want the killed write's one temporary file, got %d", len(tmps))
	}
	// The store still works: the same content is written in full.
	s, err := blob.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if k, _, err := s.Put(context.Background(), bytes.NewReader(content)); err != nil || k != key {
		t.Fatalf("Put after the kill = %s, %v", k, err)
	}
	if err := s.Verify(key); err != nil {
		t.Fatal(err)
	}
}

func childContent() []byte {
	b := make([]byte, childSize)
	for i := range b {
		b[i] = byte(i * 7)
	}
	return b
}

// runChild writes childContent slowly and announces when it has begun; it
// is killed before it finishes.
func runChild(dir string) {
	s, err := blob.Open(dir)
	if err != nil {
		os.Exit(3)
	}
	content := childContent()
	r := &chunkReader{r: bytes.NewReader(content), chunk: 256 << 10, pause: 20 * time.Millisecond, started: func() {
		os.Stdout.WriteString("writing\n")
	}}
	s.Put(context.Background(), r)
	os.Stdout.WriteString("finished\n")
	os.Exit(0)
}

// chunkReader hands out at most chunk bytes per Read, pausing between.
type chunkReader struct {
	r       io.Reader
	chunk   int
	pause   time.Duration
	started func()
	reads   int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(p) > c.chunk {
		p = p[:c.chunk]
	}
	if c.reads == 2 && c.started != nil {
		c.started()
	}
	c.reads++
	if c.pause > 0 {
		time.Sleep(c.pause)
	}
	return c.r.Read(p)
}

// slowReader yields n zero bytes, calling each after every read.
type slowReader struct {
	n    int64
	each func(int64)
}

func (s *slowReader) Read(p []byte) (int, error) {
	if s.n <= 0 {
		return 0, io.EOF
	}
	m := min(int64(len(p)), s.n)
	clear(p[:m])
	s.n -= m
	if s.each != nil {
		s.each(m)
	}
	return int(m), nil
}
