package binder

import (
	"encoding/hex"
	"fmt"
	"io"
	"strings"
)

// writeEvidence copies every evidence file under evidence/ID/, checking
// each against the digest the repository recorded: a binder never carries
// a file that differs from its record.
func writeEvidence(a *archive, b *book) error {
	for i := range b.in.Evidence {
		if err := copyEvidence(a, &b.in.Evidence[i]); err != nil {
			return err
		}
	}
	return nil
}

func copyEvidence(a *archive, e *EvidenceFile) (err error) {
	r, err := e.Open()
	if err != nil {
		return fmt.Errorf("evidence %s: %w", e.Meta.ID, err)
	}
	defer func() {
		if cerr := r.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("evidence %s: %w", e.Meta.ID, cerr)
		}
	}()
	w, err := a.create(evidencePath(&e.Meta))
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, r); err != nil {
		return fmt.Errorf("evidence %s: %w", e.Meta.ID, err)
	}
	if want := strings.ToLower(e.Meta.SHA256); want != "" {
		// The archive hashes what it writes, for the manifest.
		if got := hex.EncodeToString(a.cur.h.Sum(nil)); got != want {
			return fmt.Errorf("evidence %s (%s): its content has SHA-256 %s, the repository recorded %s", e.Meta.ID, e.Meta.FileName, got, want)
		}
	}
	return nil
}
