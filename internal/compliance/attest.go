package compliance

import (
	"context"
	"io"
	"path/filepath"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/catalog"
	"github.com/vigil-health/vigil/internal/store"
)

// Attest records a person's answer for a control, replacing the one in
// force, after checking that the control exists.
func (s *Service) Attest(ctx context.Context, actor *vigil.User, a *vigil.Attestation) error {
	if err := a.Validate(); err != nil {
		return err
	}
	cat, err := s.Catalog(ctx)
	if err != nil {
		return err
	}
	ref, ok := cat.Resolve(a.Control)
	if !ok {
		return vigil.Errorf(vigil.ENOTFOUND, "no control %s", a.Control)
	}
	a.Control = ref
	if err := s.db.Update(ctx, func(tx *store.Tx) error { return tx.AddAttestation(ctx, actor, a) }); err != nil {
		return err
	}
	return s.reevaluate(ctx, actor, "the attestation was saved")
}

// ImportFramework loads an OSCAL 1.x catalog as a framework, so that checks
// and attestations can serve it too. id names the framework; "" takes the
// file's base name, lower-cased. A framework of that id imported before is
// replaced; a built-in one cannot be. The file is read under l (zero
// fields: the defaults; see catalog.ParseOSCAL).
func (s *Service) ImportFramework(ctx context.Context, actor *vigil.User, name, id string, r io.Reader, l bound.Limits) (*vigil.Framework, error) {
	fw, err := catalog.ParseOSCAL(name, r, l)
	if err != nil {
		return nil, err
	}
	if id == "" {
		id = strings.ToLower(strings.TrimSuffix(filepath.Base(name), filepath.Ext(name)))
	}
	if id != fw.ID {
		fw.ID = id
		for i := range fw.Controls {
			fw.Controls[i].Framework = id
		}
	}
	if err := fw.Validate(); err != nil {
		return nil, err
	}
	builtin, err := catalog.Load()
	if err != nil {
		return nil, vigil.WrapError(vigil.EINTERNAL, "loading the control catalogs", err)
	}
	if _, err := builtin.Framework(fw.ID); err == nil {
		return nil, vigil.Errorf(vigil.ECONFLICT, "%q is a built-in framework; import the catalog under another id", fw.ID)
	}
	err = s.db.Update(ctx, func(tx *store.Tx) error { return tx.SaveFramework(ctx, actor, fw) })
	if err != nil {
		return nil, err
	}
	return fw, nil
}
