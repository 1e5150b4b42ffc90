package binder_test

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-health/vigil/internal/binder"
)

func TestVerifyIntact(t *testing.T) {
	path := writeSample(t, sampleInput(t))
	pub := testKey().Public().(ed25519.PublicKey)
	rep, err := binder.Verify(path, pub)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.KeyFromArchive || rep.AuditHead != strings.Repeat("ab", 32) || rep.Files < 10 {
		t.Errorf("report = %+v, want an intact binder", rep)
	}
	if rep.KeyFingerprint != binder.Fingerprint(pub) {
		t.Errorf("fingerprint %s, want %s", rep.KeyFingerprint, binder.Fingerprint(pub))
	}
	rep, err = binder.Verify(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || !rep.KeyFromArchive {
		t.Errorf("with the key inside: report = %+v", rep)
	}
	_, other, _ := ed25519.GenerateKey(nil)
	rep, err = binder.Verify(path, other.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || rep.SignatureValid || !rep.KeyMismatch {
		t.Errorf("with another key: report = %+v, want a mismatch", rep)
	}
}

// rewrite copies a binder entry by entry, letting edit change, drop (nil)
// or add entries.
func rewrite(t *testing.T, path string, edit func(name string, data []byte) []byte, add map[string]string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "changed.zip")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for name, data := range entriesInOrder(t, path) {
		data = edit(name, data)
		if data == nil {
			continue
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
	}
	for name, data := range add {
		w, _ := zw.Create(name)
		io.WriteString(w, data)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	return out
}

func entriesInOrder(t *testing.T, path string) func(func(string, []byte) bool) {
	files := entries(t, path)
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	zr.Close()
	return func(yield func(string, []byte) bool) {
		for _, n := range names {
			if !yield(n, files[n]) {
				return
			}
		}
	}
}

// TestVerifyNamesChanges changes one byte of one file, drops one and adds
// one: Verify names each, and the signature still holds.
func TestVerifyNamesChanges(t *testing.T) {
	path := writeSample(t, sampleInput(t))
	changed := rewrite(t, path, func(name string, data []byte) []byte {
		switch name {
		case "evidence/2/inventory.csv":
			data = bytes.Clone(data)
			data[10] ^= 1
		case "plan.html":
			return nil
		}
		return data
	}, map[string]string{"evidence/9/planted.pdf": "%PDF"})
	rep, err := binder.Verify(changed, testKey().Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	want := &binder.Report{Files: rep.Files, SignatureValid: true, KeyFingerprint: rep.KeyFingerprint, AuditHead: strings.Repeat("ab", 32),
		Changed: []string{"evidence/2/inventory.csv"}, Missing: []string{"plan.html"}, Extra: []string{"evidence/9/planted.pdf"}}
	if diff := cmp.Diff(want, rep); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	if rep.OK() {
		t.Error("OK() on a changed binder")
	}
}

// TestVerifyRawByteFlip flips one byte of the archive file itself, inside
// a stored entry's data: the entry no longer reads back and is named.
func TestVerifyRawByteFlip(t *testing.T) {
	path := writeSample(t, sampleInput(t))
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	var off int64
	for _, f := range zr.File {
		if f.Name == "summary.pdf" {
			off, _ = f.DataOffset()
		}
	}
	zr.Close()
	data, _ := os.ReadFile(path)
	data[off+100] ^= 0x20
	os.WriteFile(path, data, 0o644)
	rep, err := binder.Verify(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"summary.pdf"}, rep.Changed); diff != "" || rep.OK() {
		t.Errorf("changed (-want +got):\n%s\nreport %+v", diff, rep)
	}
}

// TestVerifyForgedManifest: a file changed and the manifest changed to
// match it no longer carries a valid signature.
func TestVerifyForgedManifest(t *testing.T) {
	path := writeSample(t, sampleInput(t))
	files := entries(t, path)
	oldSum := sha256Hex(files["evidence/2/inventory.csv"])
	newData := []byte("asset_tag,serial\nCE000001,SN-FORGED\n")
	forged := rewrite(t, path, func(name string, data []byte) []byte {
		switch name {
		case "evidence/2/inventory.csv":
			return newData
		case "MANIFEST.sha256":
			return []byte(strings.Replace(string(data), oldSum, sha256Hex(newData), 1))
		}
		return data
	}, nil)
	rep, err := binder.Verify(forged, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.SignatureValid || rep.OK() || len(rep.Changed) != 0 {
		t.Errorf("report = %+v, want an invalid signature and no changed file", rep)
	}
}

func TestVerifyNotAZip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.zip")
	os.WriteFile(path, []byte("hello"), 0o644)
	if _, err := binder.Verify(path, nil); err == nil {
		t.Error("no error for a file that is not a ZIP archive")
	}
}

// unpack extracts a binder into a new directory.
func unpack(t *testing.T, path string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range entries(t, path) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestSha256sum runs coreutils' sha256sum -c on an unpacked binder: the
// manifest is in exactly the format it reads.
func TestSha256sum(t *testing.T) {
	if _, err := exec.LookPath("sha256sum"); err != nil {
		t.Skip("sha256sum is not installed")
	}
	dir := unpack(t, writeSample(t, sampleInput(t)))
	cmd := exec.Command("sha256sum", "--strict", "-c", "MANIFEST.sha256")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("sha256sum -c: %v\n%s%s", err, out, stderr.String())
	}
	if n := strings.Count(string(out), ": OK\n"); n < 10 {
		t.Errorf("sha256sum checked %d files:\n%s", n, out)
	}
	os.WriteFile(filepath.Join(dir, "evidence", "2", "inventory.csv"), []byte("changed"), 0o644)
	cmd = exec.Command("sha256sum", "-c", "--quiet", "MANIFEST.sha256")
	cmd.Dir = dir
	out, err = cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "evidence/2/inventory.csv: FAILED") {
		t.Errorf("sha256sum -c on a changed file: %v\n%s", err, out)
	}
}

// TestOpenSSLVerifiesSignature checks the signature the way docs/binder.md
// tells an auditor to.
func TestOpenSSLVerifiesSignature(t *testing.T) {
	if _, err := exec.LookPath("openssl"); err != nil {
		t.Skip("openssl is not installed")
	}
	dir := unpack(t, writeSample(t, sampleInput(t)))
	cmd := exec.Command("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "signing-key.pub", "-rawin",
		"-in", "MANIFEST.sha256", "-sigfile", "MANIFEST.sha256.sig")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil || !strings.Contains(string(out), "Signature Verified Successfully") {
		t.Errorf("openssl: %v\n%s", err, out)
	}
}
