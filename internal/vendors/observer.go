package vendors

import (
	"context"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// Notify makes o the observer told after every change to the register
// that commits (the compliance service re-evaluates); it returns s. The
// binary wires it once, before use.
func (s *Service) Notify(o vigil.Observer) *Service {
	s.observer = o
	return s
}

// update runs fn in one transaction and, once it has committed, tells the
// observer.
func (s *Service) update(ctx context.Context, actor *vigil.User, fn func(tx *store.Tx) error) error {
	if err := s.db.Update(ctx, fn); err != nil {
		return err
	}
	return vigil.TellChanged(ctx, s.observer, actor, "the change was saved")
}
