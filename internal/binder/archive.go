package binder

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"hash"
	"io"
	"sort"
	"strings"
	"time"
)

// archive writes the ZIP and hashes every file as it goes, for the
// manifest.
type archive struct {
	buf     *bufio.Writer
	zw      *zip.Writer
	at      time.Time
	entries []manifestEntry
	cur     *hashingWriter
	curName string
}

type manifestEntry struct {
	path, sum string
}

type hashingWriter struct {
	w io.Writer
	h hash.Hash
}

func (hw *hashingWriter) Write(p []byte) (int, error) {
	hw.h.Write(p)
	return hw.w.Write(p)
}

func newArchive(w io.Writer, at time.Time) *archive {
	buf := bufio.NewWriterSize(w, 1<<20)
	return &archive{buf: buf, zw: zip.NewWriter(buf), at: at.UTC()}
}

// create starts the file name; the previous one is done. Files already
// compressed (PDF, images, office documents, archives) are stored as they
// are, the rest deflated.
func (a *archive) create(name string) (io.Writer, error) {
	a.done()
	method := zip.Deflate
	if storedAsIs(name) {
		method = zip.Store
	}
	w, err := a.zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: a.at})
	if err != nil {
		return nil, err
	}
	a.cur, a.curName = &hashingWriter{w: w, h: sha256.New()}, name
	return a.cur, nil
}

// done records the current file's digest.
func (a *archive) done() {
	if a.cur != nil {
		a.entries = append(a.entries, manifestEntry{a.curName, hex.EncodeToString(a.cur.h.Sum(nil))})
		a.cur = nil
	}
}

// file writes a whole file from memory.
func (a *archive) file(name string, data []byte) error {
	w, err := a.create(name)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// finish adds the public key, the manifest and its signature, and closes
// the archive.
func (a *archive) finish(key ed25519.PrivateKey, auditHead string, header []string) error {
	pub, err := PublicKeyPEM(key.Public().(ed25519.PublicKey))
	if err != nil {
		return err
	}
	if err := a.file(FilePublicKey, pub); err != nil {
		return err
	}
	a.done()
	manifest := formatManifest(header, auditHead, a.entries)
	if err := a.file(FileManifest, manifest); err != nil {
		return err
	}
	if err := a.file(FileSignature, ed25519.Sign(key, manifest)); err != nil {
		return err
	}
	a.done()
	if err := a.zw.Close(); err != nil {
		return err
	}
	return a.buf.Flush()
}

// formatManifest writes what `sha256sum -c` reads: "<hex>  <path>" a line,
// sorted by path, after comment lines ("#"), which sha256sum skips. The
// audit trail's head is one of them.
func formatManifest(header []string, auditHead string, entries []manifestEntry) []byte {
	sort.Slice(entries, func(i, j int) bool { return entries[i].path < entries[j].path })
	var b bytes.Buffer
	for _, h := range header {
		b.WriteString("# " + oneLine(h) + "\n")
	}
	b.WriteString("# audit-head: " + oneLine(auditHead) + "\n")
	for _, e := range entries {
		fmt.Fprintf(&b, "%s  %s\n", e.sum, e.path)
	}
	return b.Bytes()
}

// PublicKeyPEM returns the key as a PEM "PUBLIC KEY" (SubjectPublicKeyInfo),
// the form of signing-key.pub and the form openssl reads: what the
// installation hands an auditor out of band.
func PublicKeyPEM(pub ed25519.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// Fingerprint returns the SHA-256 of the key's signing-key.pub file, in
// hex: what `sha256sum signing-key.pub` prints, to compare with the key
// known out of band.
func Fingerprint(pub ed25519.PublicKey) string {
	p, err := PublicKeyPEM(pub)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(p)
	return hex.EncodeToString(sum[:])
}

// storedAsIs reports whether a file is compressed already.
func storedAsIs(name string) bool {
	i := strings.LastIndexByte(name, '.')
	if i < 0 {
		return false
	}
	switch strings.ToLower(name[i+1:]) {
	case "pdf", "png", "jpg", "jpeg", "gif", "webp", "zip", "gz", "tgz", "bz2", "xz", "zst", "7z",
		"xlsx", "docx", "pptx", "odt", "ods", "mp4", "mov", "pcapng.gz", "heic":
		return true
	}
	return false
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
