package vendors

import (
	"context"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

// Observer is told, after a change to the register commits, that the
// controls' evidence changed: the compliance service re-evaluates them.
type Observer interface {
	Changed(ctx context.Context, actor *vigil.User) error
}

// Notify makes o the observer told after every change that commits; it
// returns s. The binary wires it once, before use.
func (s *Service) Notify(o Observer) *Service {
	s.observer = o
	return s
}

// changed tells the observer; a failure is reported after the change has
// committed, so it says so.
func (s *Service) changed(ctx context.Context, actor *vigil.User) error {
	if s.observer == nil {
		return nil
	}
	if err := s.observer.Changed(ctx, actor); err != nil {
		return vigil.WrapError(vigil.ErrorCode(err), "the change was saved, but re-evaluating the controls failed: "+vigil.ErrorMessage(err), err)
	}
	return nil
}

// update runs fn in one transaction and, once it has committed, tells the
// observer.
func (s *Service) update(ctx context.Context, actor *vigil.User, fn func(tx *store.Tx) error) error {
	if err := s.db.Update(ctx, fn); err != nil {
		return err
	}
	return s.changed(ctx, actor)
}
