package main

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/binder"
)

// binderVerify checks a binder without the database: the manifest's
// signature, with the key given by --key or else the one inside the
// binder (which it says), and every file's hash. It exits 1 naming every
// changed, missing or extra file.
func binderVerify(_ context.Context, m *Main, args []string) error {
	fs := m.flagSet("binder verify")
	keyFile := fs.String("key", "", "the installation's public key (signing-key.pub), known out of band; without it the key inside the binder is used")
	pos, err := parseInterspersed(func(a []string) error { return parse(fs, a) }, fs.Args, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("usage: vigil binder verify FILE.zip [--key signing-key.pub]")
	}
	var pub ed25519.PublicKey
	if *keyFile != "" {
		data, err := os.ReadFile(*keyFile)
		if err != nil {
			return vigil.Errorf(vigil.EINVALID, "--key: %v", err)
		}
		if pub, err = binder.ParsePublicKey(data); err != nil {
			return vigil.Errorf(vigil.EINVALID, "--key %s: %v", *keyFile, err)
		}
	}
	rep, err := binder.Verify(pos[0], pub)
	if err != nil {
		return vigil.Errorf(vigil.EINVALID, "%s is not a readable binder: %v", pos[0], err)
	}
	w := m.Stdout
	switch {
	case rep.SignatureValid && rep.KeyFromArchive:
		fmt.Fprintf(w, "signature: valid, made with the key inside the binder (SHA-256 of signing-key.pub %s); compare it with the installation's key known out of band, or pass --key\n", rep.KeyFingerprint)
	case rep.SignatureValid:
		fmt.Fprintf(w, "signature: valid, made with the key given (%s)\n", rep.KeyFingerprint)
	default:
		fmt.Fprintln(w, "signature: INVALID")
	}
	if rep.AuditHead != "" {
		fmt.Fprintf(w, "audit trail head: %s\n", rep.AuditHead)
	}
	fmt.Fprintf(w, "files: %d listed in the manifest\n", rep.Files)
	for _, l := range []struct {
		what  string
		names []string
	}{{"changed", rep.Changed}, {"missing", rep.Missing}, {"extra", rep.Extra}} {
		for _, n := range l.names {
			fmt.Fprintf(w, "%s: %s\n", l.what, n)
		}
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(w, "problem: %s\n", p)
	}
	if rep.OK() {
		fmt.Fprintf(w, "%s: OK\n", pos[0])
		return nil
	}
	var parts []string
	for _, l := range []struct {
		n    int
		what string
	}{{len(rep.Changed), "changed"}, {len(rep.Missing), "missing"}, {len(rep.Extra), "extra"}} {
		if l.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", l.n, l.what))
		}
	}
	if !rep.SignatureValid {
		parts = append(parts, "the signature does not verify")
	} else if len(rep.Problems) > 0 {
		parts = append(parts, fmt.Sprintf("%d problems", len(rep.Problems)))
	}
	return vigil.Errorf(vigil.ECONFLICT, "%s FAILED verification: %s", pos[0], strings.Join(parts, ", "))
}
