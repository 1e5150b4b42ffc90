// Package inventory holds the inventory's use cases: importing sources,
// recording discovery runs, settling identity conflicts, setting fields by
// hand, and explaining where a device's values came from. Each use case runs
// the pure engines (internal/reconcile, internal/classify) and the store
// inside one store transaction, so a change and its audit events, its
// reconciliation and its re-matching commit together or not at all.
package inventory

import (
	"context"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/classify"
	"github.com/vigil-health/vigil/internal/store"
)

// Matcher re-matches the live inventory against the vulnerability data
// inside a transaction; internal/exposure provides it.
type Matcher interface {
	Rematch(ctx context.Context, tx *store.Tx, actor *vigil.User) (int, error)
}

// Service is the inventory's use cases over one store.
type Service struct {
	db       *store.DB
	cls      *classify.Classifier
	matcher  Matcher
	observer vigil.Observer
}

// New returns the inventory service. cls types the devices; matcher, when
// not nil, re-matches vulnerabilities whenever devices appear, go, or change
// maker, model or firmware.
func New(db *store.DB, cls *classify.Classifier, matcher Matcher) *Service {
	return &Service{db: db, cls: cls, matcher: matcher}
}

// Notify makes o the observer told after every import and discovery run
// that commits; it returns s. The binary wires it once, before use.
func (s *Service) Notify(o vigil.Observer) *Service {
	s.observer = o
	return s
}

// changed tells the observer; a failure is reported after the change has
// committed, so it says so.
func (s *Service) changed(ctx context.Context, actor *vigil.User) error {
	return vigil.TellChanged(ctx, s.observer, actor, "the change was saved")
}

var _ vigil.ImportService = (*Service)(nil)

// FindSources lists the sources, for vigil.ImportService.
func (s *Service) FindSources(ctx context.Context) ([]*vigil.Source, error) {
	return s.db.FindSources(ctx)
}
