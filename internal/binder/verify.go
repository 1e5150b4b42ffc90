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
	"io"
	"sort"
	"strings"
)

// Report is what Verify found in a binder.
type Report struct {
	// Files is how many files the manifest lists.
	Files int
	// SignatureValid is true when the manifest's signature checks with the
	// key used (the one given, else the one inside the binder).
	SignatureValid bool
	// KeyFromArchive is true when no key was given and the signature was
	// checked with signing-key.pub from the binder itself: it proves the
	// files match the manifest, not who signed it. Compare KeyFingerprint
	// with the installation's key known out of band.
	KeyFromArchive bool
	// KeyMismatch is true when a key was given and the binder carries a
	// different one.
	KeyMismatch bool
	// KeyFingerprint is the SHA-256 of the signing key's PEM file.
	KeyFingerprint string
	// AuditHead is the audit trail's head the manifest records.
	AuditHead string
	// Changed, Missing and Extra name the files whose content differs from
	// the manifest, that the manifest lists but the binder lacks, and that
	// the binder holds but the manifest does not list.
	Changed, Missing, Extra []string
	// Problems says what else is wrong: no manifest, a bad signature, a
	// line of the manifest that does not parse.
	Problems []string
}

// OK reports whether the binder is intact and its signature valid.
func (r *Report) OK() bool {
	return r.SignatureValid && !r.KeyMismatch && len(r.Changed) == 0 && len(r.Missing) == 0 && len(r.Extra) == 0 && len(r.Problems) == 0
}

// Verify checks the binder at path: the manifest's signature, with pub or,
// when pub is nil, with the key inside the binder (Report.KeyFromArchive),
// and every file's SHA-256 against the manifest. It names every file that
// changed, is missing or is extra. The error is for a file that cannot be
// read as a ZIP archive at all; what is wrong inside is in the report.
func Verify(path string, pub ed25519.PublicKey) (*Report, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return nil, fmt.Errorf("binder: %s: %w", path, err)
	}
	defer zr.Close()
	rep := &Report{}
	files := map[string][]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = append(files[f.Name], f)
	}
	manifest, err := readEntry(files, FileManifest)
	if err != nil {
		rep.Problems = append(rep.Problems, "no readable "+FileManifest+": "+err.Error())
	}
	sig, err := readEntry(files, FileSignature)
	if err != nil {
		rep.Problems = append(rep.Problems, "no readable "+FileSignature+": "+err.Error())
	}
	inside, err := readPublicKey(files)
	if err != nil {
		rep.Problems = append(rep.Problems, err.Error())
	}
	key := pub
	if key == nil {
		key, rep.KeyFromArchive = inside, true
	} else if inside != nil && !inside.Equal(pub) {
		rep.KeyMismatch = true
		rep.Problems = append(rep.Problems, "the binder's "+FilePublicKey+" is not the key given")
	}
	if key != nil {
		rep.KeyFingerprint = Fingerprint(key)
	}
	if manifest != nil && sig != nil && key != nil {
		rep.SignatureValid = ed25519.Verify(key, manifest, sig)
		if !rep.SignatureValid {
			rep.Problems = append(rep.Problems, "the manifest's signature does not verify: the manifest was changed or signed by another key")
		}
	}
	if manifest == nil {
		return rep, nil
	}
	want, head, bad := parseManifest(manifest)
	rep.AuditHead, rep.Files = head, len(want)
	for _, l := range bad {
		rep.Problems = append(rep.Problems, "manifest line does not parse: "+l)
	}
	for name, sum := range want {
		fs := files[name]
		switch {
		case len(fs) == 0:
			rep.Missing = append(rep.Missing, name)
		case len(fs) > 1:
			rep.Changed = append(rep.Changed, name) // a second copy under the same name
		default:
			got, err := hashEntry(fs[0])
			if err != nil || got != sum {
				rep.Changed = append(rep.Changed, name)
			}
		}
	}
	for name, fs := range files {
		if _, listed := want[name]; listed || strings.HasSuffix(name, "/") && len(fs) == 1 && fs[0].FileInfo().IsDir() {
			continue
		}
		if name == FileManifest || name == FileSignature {
			if len(fs) > 1 {
				rep.Extra = append(rep.Extra, name)
			}
			continue
		}
		rep.Extra = append(rep.Extra, name)
	}
	sort.Strings(rep.Changed)
	sort.Strings(rep.Missing)
	sort.Strings(rep.Extra)
	return rep, nil
}

// readEntry reads a small file of the archive that must be there once.
func readEntry(files map[string][]*zip.File, name string) ([]byte, error) {
	fs := files[name]
	if len(fs) != 1 {
		return nil, fmt.Errorf("%d copies", len(fs))
	}
	r, err := fs[0].Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(io.LimitReader(r, 256<<20))
}

func readPublicKey(files map[string][]*zip.File) (ed25519.PublicKey, error) {
	data, err := readEntry(files, FilePublicKey)
	if err != nil {
		return nil, fmt.Errorf("no readable %s: %v", FilePublicKey, err)
	}
	return ParsePublicKey(data)
}

// ParsePublicKey reads an Ed25519 public key in PEM ("PUBLIC KEY",
// SubjectPublicKeyInfo), the form of signing-key.pub.
func ParsePublicKey(data []byte) (ed25519.PublicKey, error) {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PUBLIC KEY" {
		return nil, fmt.Errorf("not a PEM public key")
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	pub, ok := k.(ed25519.PublicKey)
	if !ok {
		return nil, fmt.Errorf("not an Ed25519 public key")
	}
	return pub, nil
}

// hashEntry returns the hex SHA-256 of a file of the archive; a file
// whose stored checksum fails to match is an error.
func hashEntry(f *zip.File) (string, error) {
	r, err := f.Open()
	if err != nil {
		return "", err
	}
	defer r.Close()
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// parseManifest reads "<hex>  <path>" lines (and sha256sum's binary-mode
// "<hex> *<path>"), the audit head from its comment, and returns the
// lines it could not read.
func parseManifest(data []byte) (sums map[string]string, auditHead string, bad []string) {
	sums = map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if h, ok := strings.CutPrefix(line, "# audit-head:"); ok {
			auditHead = strings.TrimSpace(h)
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		sum, name, ok := strings.Cut(line, " ")
		if ok && (strings.HasPrefix(name, " ") || strings.HasPrefix(name, "*")) {
			name = name[1:]
		}
		if _, err := hex.DecodeString(sum); !ok || err != nil || len(sum) != 64 || name == "" {
			bad = append(bad, line)
			continue
		}
		if _, dup := sums[name]; dup {
			bad = append(bad, line)
			continue
		}
		sums[name] = strings.ToLower(sum)
	}
	return sums, auditHead, bad
}
