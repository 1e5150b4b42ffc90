// Package blob is a content-addressed file store: every file is kept under
// the SHA-256 of its content, fanned out by the hash's first two bytes
// (ab/cd/abcd...), so identical content is stored once and a file's name is
// the proof of what it holds. Writes are atomic and durable: the content goes
// to a temporary file in the store's own directory tree, is synced, renamed
// to its final name and its directory synced, so that no reader and no crash
// ever leaves a partial file under a final name. Standard library only.
package blob

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ErrNotFound is returned for a key the store does not hold.
var ErrNotFound = errors.New("blob: not found")

// ChangedError reports a file whose content no longer hashes to its key.
type ChangedError struct {
	Key string // the key, the hash it was stored under
	Got string // the hash of the content now
}

func (e *ChangedError) Error() string {
	return fmt.Sprintf("blob %s: content changed (it now hashes to %s)", e.Key, e.Got)
}

// incoming is the directory of temporary files, inside the store so that a
// rename to the final name never crosses a file system.
const incoming = ".incoming"

// staleAfter is how old a temporary file must be before Open removes it: a
// write a killed process left behind, never one in progress.
const staleAfter = 24 * time.Hour

// Store is a content-addressed directory of files.
type Store struct {
	dir string
}

// Open returns the store rooted at dir, creating the directory when needed,
// and removes temporary files older than a day (left by killed writers).
func Open(dir string) (*Store, error) {
	if dir == "" {
		return nil, errors.New("blob: no directory")
	}
	if err := os.MkdirAll(filepath.Join(dir, incoming), 0o750); err != nil {
		return nil, fmt.Errorf("blob: creating %s: %w", dir, err)
	}
	s := &Store{dir: dir}
	s.removeStale(time.Now().Add(-staleAfter))
	return s, nil
}

// Dir returns the store's root directory.
func (s *Store) Dir() string { return s.dir }

// ValidKey reports whether key is a lower-case hex SHA-256.
func ValidKey(key string) bool {
	if len(key) != sha256.Size*2 {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// Path returns the final file name of key.
func (s *Store) Path(key string) string {
	return filepath.Join(s.dir, key[0:2], key[2:4], key)
}

// Put stores the content of r and returns its key and size. Content already
// held is not written again. ctx stops a long write between chunks; a write
// that fails or is stopped leaves nothing under a final name.
func (s *Store) Put(ctx context.Context, r io.Reader) (key string, size int64, err error) {
	tmp, err := os.CreateTemp(filepath.Join(s.dir, incoming), "put-*")
	if err != nil {
		return "", 0, fmt.Errorf("blob: creating a temporary file: %w", err)
	}
	defer func() {
		if tmp != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	size, err = copyCtx(ctx, io.MultiWriter(tmp, h), r)
	if err != nil {
		return "", size, fmt.Errorf("blob: writing: %w", err)
	}
	key = hex.EncodeToString(h.Sum(nil))
	final := s.Path(key)
	if _, err := os.Stat(final); err == nil {
		return key, size, nil // held already; the deferred cleanup drops the copy
	}
	if err := tmp.Chmod(0o440); err != nil {
		return "", size, fmt.Errorf("blob: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return "", size, fmt.Errorf("blob: syncing: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", size, fmt.Errorf("blob: closing: %w", err)
	}
	if err := s.mkdirs(key); err != nil {
		return "", size, err
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return "", size, fmt.Errorf("blob: renaming into place: %w", err)
	}
	tmp = nil
	// The rename is durable once the directory holding the new name is.
	if err := syncDir(filepath.Dir(final)); err != nil {
		return "", size, err
	}
	return key, size, nil
}

// mkdirs creates the fan-out directories of key, syncing each parent whose
// entries changed so that the new directories survive a crash.
func (s *Store) mkdirs(key string) error {
	parent := s.dir
	for _, part := range []string{key[0:2], key[2:4]} {
		d := filepath.Join(parent, part)
		err := os.Mkdir(d, 0o750)
		switch {
		case err == nil:
			if err := syncDir(parent); err != nil {
				return err
			}
		case !errors.Is(err, fs.ErrExist):
			return fmt.Errorf("blob: creating %s: %w", d, err)
		}
		parent = d
	}
	return nil
}

// Open opens key's file for reading.
func (s *Store) Open(key string) (*os.File, error) {
	if !ValidKey(key) {
		return nil, ErrNotFound
	}
	f, err := os.Open(s.Path(key))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotFound
	}
	return f, err
}

// Has reports whether key's file exists (without reading it).
func (s *Store) Has(key string) bool {
	if !ValidKey(key) {
		return false
	}
	_, err := os.Stat(s.Path(key))
	return err == nil
}

// Verify hashes key's file again: ErrNotFound when it is missing, a
// *ChangedError when its content no longer matches its key.
func (s *Store) Verify(key string) error {
	f, err := s.Open(key)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return fmt.Errorf("blob %s: reading: %w", key, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != key {
		return &ChangedError{Key: key, Got: got}
	}
	return nil
}

// Remove deletes key's file; removing a missing one is not an error.
func (s *Store) Remove(key string) error {
	if !ValidKey(key) {
		return ErrNotFound
	}
	err := os.Remove(s.Path(key))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("blob: removing %s: %w", key, err)
	}
	return syncDir(filepath.Dir(s.Path(key)))
}

// removeStale deletes temporary files last written before cutoff.
func (s *Store) removeStale(cutoff time.Time) {
	ents, err := os.ReadDir(filepath.Join(s.dir, incoming))
	if err != nil {
		return
	}
	for _, e := range ents {
		if info, err := e.Info(); err == nil && strings.HasPrefix(e.Name(), "put-") && info.ModTime().Before(cutoff) {
			os.Remove(filepath.Join(s.dir, incoming, e.Name()))
		}
	}
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("blob: syncing %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("blob: syncing %s: %w", dir, err)
	}
	return nil
}

// copyCtx copies r to w in chunks, stopping when ctx ends.
func copyCtx(ctx context.Context, w io.Writer, r io.Reader) (int64, error) {
	buf := make([]byte, 256<<10)
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		m, err := r.Read(buf)
		if m > 0 {
			if _, werr := w.Write(buf[:m]); werr != nil {
				return n, werr
			}
			n += int64(m)
		}
		if errors.Is(err, io.EOF) {
			return n, nil
		} else if err != nil {
			return n, err
		}
	}
}
