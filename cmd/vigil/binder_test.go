package main

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/binder"
)

// smallBinder writes a binder of one control and one evidence file, and
// the installation's public key beside it.
func smallBinder(t *testing.T) (zipPath, pubPath string) {
	t.Helper()
	dir := t.TempDir()
	key, err := binder.LoadOrCreateKey(filepath.Join(dir, "signing.key"))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	in := &binder.Input{
		Framework:  vigil.Framework{ID: "hipaa", Title: "HIPAA Security Rule", Controls: []vigil.Control{{Framework: "hipaa", ID: "164.308(a)(1)(ii)(A)", Title: "Risk analysis", Kind: vigil.KindImplementation}}},
		Evaluation: vigil.Evaluation{Framework: "hipaa", At: at, Controls: []vigil.ControlEvaluation{{ID: "164.308(a)(1)(ii)(A)", Title: "Risk analysis", Verdict: vigil.VerdictMet}}},
		At:         at, Hospital: "Test Hospital", AuditHead: "00ff",
		Evidence: []binder.EvidenceFile{{Meta: binder.EvidenceMeta{ID: "1", Title: "Risk analysis", Controls: []string{"164.308(a)(1)(ii)(A)"}, FileName: "ra.txt"},
			Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("risk analysis\n")), nil }}},
	}
	zipPath = filepath.Join(dir, "binder.zip")
	if err := binder.WriteFile(zipPath, in, key); err != nil {
		t.Fatal(err)
	}
	pem, err := binder.PublicKeyPEM(key.Public().(ed25519.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	pubPath = filepath.Join(dir, "signing-key.pub")
	if err := os.WriteFile(pubPath, pem, 0o644); err != nil {
		t.Fatal(err)
	}
	return zipPath, pubPath
}

func TestBinderVerify(t *testing.T) {
	path, pub := smallBinder(t)
	code, out, stderr := run(t, nil, "binder", "verify", path)
	if code != 0 || !strings.Contains(out, "key inside the binder") || !strings.Contains(out, path+": OK") {
		t.Fatalf("verify: exit %d\n%s%s", code, out, stderr)
	}
	code, out, stderr = run(t, nil, "binder", "verify", "--key", pub, path)
	if code != 0 || !strings.Contains(out, "made with the key given") {
		t.Fatalf("verify --key: exit %d\n%s%s", code, out, stderr)
	}

	// Change one byte of the evidence file inside the binder.
	changed := filepath.Join(t.TempDir(), "changed.zip")
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.Create(changed)
	zw := zip.NewWriter(f)
	for _, e := range zr.File {
		r, _ := e.Open()
		data, _ := io.ReadAll(r)
		r.Close()
		if e.Name == "evidence/1/ra.txt" {
			data[0] ^= 1
		}
		w, _ := zw.Create(e.Name)
		w.Write(data)
	}
	zw.Close()
	f.Close()
	zr.Close()
	code, out, stderr = run(t, nil, "binder", "verify", "--key", pub, changed)
	if code != 1 || !strings.Contains(out, "changed: evidence/1/ra.txt\n") || !strings.Contains(stderr, "FAILED verification: 1 changed") {
		t.Fatalf("verify a changed binder: exit %d\n%s%s", code, out, stderr)
	}

	_, other, _ := ed25519.GenerateKey(nil)
	otherPEM, _ := binder.PublicKeyPEM(other.Public().(ed25519.PublicKey))
	otherPath := filepath.Join(t.TempDir(), "other.pub")
	os.WriteFile(otherPath, otherPEM, 0o644)
	if code, out, stderr = run(t, nil, "binder", "verify", "--key", otherPath, path); code != 1 || !strings.Contains(out, "signature: INVALID") {
		t.Fatalf("verify with another key: exit %d\n%s%s", code, out, stderr)
	}
	if code, _, stderr = run(t, nil, "binder", "verify"); code != 2 {
		t.Fatalf("verify without a file: exit %d\n%s", code, stderr)
	}
}

func TestBinderExportFlags(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := run(t, nil, "migrate", "--db", filepath.Join(dir, "v.db")); code != 0 {
		t.Fatalf("migrate: %s", stderr)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"binder", "--out", filepath.Join(dir, "b.zip")}, 2, "--framework is required"},
		{[]string{"binder", "--framework", "hipaa"}, 2, "--out is required"},
		{[]string{"binder", "--framework", "hipaa", "--out", filepath.Join(dir, "b.pdf")}, 2, "a binder is a .zip file"},
		{[]string{"binder", "--framework", "hipaa", "--out", filepath.Join(dir, "b.zip"), "--at", "yesterday"}, 2, "--at must be a date"},
		{[]string{"binder", "--framework", "nope", "--out", filepath.Join(dir, "b.zip")}, 1, `no framework "nope"`},
		{[]string{"binder", "--framework", "hipaa", "--out", filepath.Join(dir, "b.zip"), "--at", "2026-06-30"}, 0, ""},
	} {
		code, _, stderr := run(t, []string{"VIGIL_DB=" + filepath.Join(dir, "v.db")}, c.args...)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args[1:], code, stderr, c.code, c.want)
		}
	}
}

// TestBinderExportOfTheDemo exports the demo hospital's binder (the demo
// writes one too), verifies it, and holds verify to a changed byte.
func TestBinderExportOfTheDemo(t *testing.T) {
	dir := t.TempDir()
	if code, out, stderr := run(t, nil, "demo", "--once", "--dir", dir, "--devices", "120"); code != 0 {
		t.Fatalf("demo: exit %d\n%s%s", code, out, stderr)
	}
	if code, out, stderr := run(t, nil, "binder", "verify", filepath.Join(dir, "binder-hipaa.zip")); code != 0 || !strings.Contains(out, "OK") {
		t.Fatalf("the demo's binder does not verify: exit %d\n%s%s", code, out, stderr)
	}
	zipPath := filepath.Join(dir, "csf2.zip")
	code, out, stderr := run(t, nil, "binder", "--db", filepath.Join(dir, "vigil.db"), "--framework", "csf2", "--out", zipPath, "--key", filepath.Join(dir, "signing.key"))
	if code != 0 || !strings.Contains(out, "signed with key") {
		t.Fatalf("binder: exit %d\n%s%s", code, out, stderr)
	}
	if code, out, stderr := run(t, nil, "binder", "verify", zipPath); code != 0 {
		t.Fatalf("verify: exit %d\n%s%s", code, out, stderr)
	}
	// The export is in the audit trail.
	if code, out, _ := run(t, nil, "audit-log", "verify", "--db", filepath.Join(dir, "vigil.db")); code != 0 {
		t.Fatalf("audit-log verify after the export: exit %d\n%s", code, out)
	}
	// Rewrite index.html inside the archive with one byte changed.
	r, err := zip.OpenReader(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, f := range r.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == "index.html" {
			data[len(data)/2] ^= 1
		}
		fw, err := w.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(data)
	}
	r.Close()
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "changed.zip")
	if err := os.WriteFile(bad, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr = run(t, nil, "binder", "verify", bad)
	if code != 1 || !strings.Contains(out+stderr, "index.html") {
		t.Fatalf("verify of a changed binder: exit %d\n%s%s", code, out, stderr)
	}
}
