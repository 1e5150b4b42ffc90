package inventory

import (
	"context"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// The review of what reconciliation found: acknowledging discrepancies and
// settling identity conflicts, one at a time or many with one note.

// maxBatch is the most discrepancies or conflicts one call settles: a
// page of the longest list.
const maxBatch = 1000

// AckDiscrepancies records that actor reviewed every discrepancy of keys
// (their stable keys, StoredDiscrepancy.Key) for the one reason note, in
// one transaction: each acknowledgement is audited, and a key that names
// no current discrepancy, or an empty note, changes nothing. It returns
// how many discrepancies were acknowledged.
func (s *Service) AckDiscrepancies(ctx context.Context, actor *vigil.User, keys []string, note string) (int, error) {
	note = strings.TrimSpace(note)
	if note == "" {
		return 0, vigil.Errorf(vigil.EINVALID, "an acknowledgement needs a note saying why")
	}
	keys = distinct(keys)
	switch {
	case len(keys) == 0:
		return 0, vigil.Errorf(vigil.EINVALID, "choose at least one discrepancy to acknowledge")
	case len(keys) > maxBatch:
		return 0, vigil.Errorf(vigil.EINVALID, "at most %d discrepancies are acknowledged at once", maxBatch)
	}
	err := s.db.Update(ctx, func(tx *store.Tx) error {
		return tx.AckDiscrepancies(ctx, actor, keys, note)
	})
	if err != nil {
		return 0, err
	}
	return len(keys), nil
}

// RecordPair names two records of the identity-conflict queue by their
// stable keys (QueuedConflict.KeyA and KeyB).
type RecordPair struct {
	A string `json:"a"`
	B string `json:"b"`
}

// DecideIdentity records a person's decision that the records with stable
// keys a and b are (same) or are not the same device, and re-resolves the
// inventory in the same transaction; see DecideIdentities. It returns the
// number of live devices.
func (s *Service) DecideIdentity(ctx context.Context, actor *vigil.User, a, b string, same bool, note string) (int, error) {
	return s.DecideIdentities(ctx, actor, []RecordPair{{a, b}}, same, note)
}

// DecideIdentities records one decision for every pair, with one note:
// the two records of each are (same) or are not the same device. Saying
// they are the same merges devices whatever their identifiers say, so it
// needs a note saying why. The decisions, each audited, and one
// re-resolution of the inventory commit together, and are replayed on every
// later import. It returns the number of live devices.
func (s *Service) DecideIdentities(ctx context.Context, actor *vigil.User, pairs []RecordPair, same bool, note string) (int, error) {
	note = strings.TrimSpace(note)
	if same && note == "" {
		return 0, vigil.Errorf(vigil.EINVALID, "deciding that two records are the same device needs a note saying why")
	}
	seen := map[RecordPair]bool{}
	var todo []RecordPair
	for _, p := range pairs {
		if p.A == "" || p.B == "" || p.A == p.B {
			return 0, vigil.Errorf(vigil.EINVALID, "a decision names two different record keys")
		}
		k := p
		if k.B < k.A {
			k.A, k.B = k.B, k.A
		}
		if !seen[k] {
			seen[k] = true
			todo = append(todo, p)
		}
	}
	switch {
	case len(todo) == 0:
		return 0, vigil.Errorf(vigil.EINVALID, "choose at least one conflict to decide")
	case len(todo) > maxBatch:
		return 0, vigil.Errorf(vigil.EINVALID, "at most %d conflicts are decided at once", maxBatch)
	}
	var n int
	err := s.db.Update(ctx, func(tx *store.Tx) error {
		for _, p := range todo {
			if err := tx.AddIdentityDecision(ctx, actor, vigil.IdentityDecision{A: p.A, B: p.B, Same: same, Note: note}); err != nil {
				return err
			}
		}
		var err error
		n, err = s.resolve(ctx, tx, actor, nil)
		return err
	})
	return n, err
}

// distinct returns keys without blanks and repeats, in their order.
func distinct(keys []string) []string {
	seen := make(map[string]bool, len(keys))
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		if k = strings.TrimSpace(k); k != "" && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}
