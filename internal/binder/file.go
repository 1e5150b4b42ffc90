package binder

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/vigil-health/vigil/internal/atomicfile"
)

// WriteFile writes the binder to path atomically: into a temporary file
// beside it, synced, then renamed over path, and the directory synced. A
// crash or a kill leaves either the previous file or the whole new one
// under path, never part of one; at worst a temporary ".path.tmp-*" file
// stays behind.
func WriteFile(path string, in *Input, key ed25519.PrivateKey) error {
	if err := atomicfile.Write(path, 0o644, func(f *os.File) error { return Write(f, in, key) }); err != nil {
		return fmt.Errorf("binder: %w", err)
	}
	return nil
}

// LoadOrCreateKey returns the installation's signing key from path (a PEM
// "PRIVATE KEY", PKCS #8), creating it on first use: written with mode
// 0600 to a temporary file, synced, and linked to path so that two
// processes starting at once end up with the same key. A key file that
// others may read is refused.
func LoadOrCreateKey(path string) (ed25519.PrivateKey, error) {
	if key, err := loadKey(path); err == nil || !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("binder: signing key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("binder: signing key: %w", err)
	}
	data := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("binder: signing key: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, fmt.Errorf("binder: signing key: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return nil, fmt.Errorf("binder: signing key: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, fmt.Errorf("binder: signing key: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, fmt.Errorf("binder: signing key: %w", err)
	}
	// Link, unlike rename, never replaces a key another process made
	// meanwhile; then that key is the installation's.
	if err := os.Link(tmp, path); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("binder: signing key: %w", err)
	}
	if err := atomicfile.SyncDir(dir); err != nil {
		return nil, err
	}
	return loadKey(path)
}

// loadKey reads a PEM PKCS #8 Ed25519 private key, refusing a file that
// group or others may read.
func loadKey(path string) (ed25519.PrivateKey, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("binder: signing key: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("binder: signing key %s may be read by others (mode %v); it must be 0600", path, st.Mode().Perm())
	}
	data, err := io.ReadAll(io.LimitReader(f, 64<<10))
	if err != nil {
		return nil, fmt.Errorf("binder: signing key %s: %w", path, err)
	}
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("binder: signing key %s is not a PEM private key", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("binder: signing key %s: %w", path, err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("binder: signing key %s is not an Ed25519 key", path)
	}
	return priv, nil
}
