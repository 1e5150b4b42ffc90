package compliance

import (
	"context"
	"fmt"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/checks"
	"github.com/vigil-health/vigil/internal/store"
)

// InstallLibrary stores the checks Vigil ships: a check not stored yet gets
// its first version, and a shipped check nobody has edited gets a new
// version when Vigil ships a new text of it. Checks people wrote or edited
// are left alone. It returns how many versions it saved.
func (s *Service) InstallLibrary(ctx context.Context, actor *vigil.User) (int, error) {
	lib, text, err := s.library()
	if err != nil {
		return 0, err
	}
	stored, err := s.db.FindChecks(ctx, nil)
	if err != nil {
		return 0, err
	}
	have := map[string]*vigil.CheckVersion{}
	for _, v := range stored {
		have[v.ID] = v
	}
	n := 0
	err = s.db.Update(ctx, func(tx *store.Tx) error {
		for _, c := range lib {
			cur := have[c.ID]
			src := text[c.File]
			if cur != nil && (!cur.Builtin || cur.Source == src) {
				continue
			}
			enabled := cur == nil || cur.Enabled
			if _, err := tx.SaveCheck(ctx, actor, c.ID, src, enabled, true); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// library returns the shipped checks and their files' text, parsed on first
// use.
func (s *Service) library() ([]*checks.Check, map[string]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lib == nil {
		lib, err := checks.Library()
		if err != nil {
			return nil, nil, vigil.WrapError(vigil.EINTERNAL, "loading the shipped checks", err)
		}
		files, err := checks.LibraryFiles()
		if err != nil {
			return nil, nil, vigil.WrapError(vigil.EINTERNAL, "loading the shipped checks", err)
		}
		s.libText = map[string]string{}
		for _, f := range files {
			s.libText[f.Name] = string(f.Data)
		}
		s.lib = lib
	}
	return s.lib, s.libText, nil
}

// ParseCheck parses and compiles a check file and checks that every control
// it names exists, so that a check with a syntax or type error, or naming an
// unknown control, is refused with its file, line and reason.
func (s *Service) ParseCheck(ctx context.Context, name string, source []byte) (*checks.Check, error) {
	c, err := checks.Parse(name, source)
	if err != nil {
		return nil, vigil.WrapError(vigil.EINVALID, err.Error(), err)
	}
	if _, err := checks.Compile([]*checks.Check{c}); err != nil {
		return nil, vigil.WrapError(vigil.EINVALID, err.Error(), err)
	}
	cat, err := s.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	for _, ref := range c.Controls {
		if _, err := cat.Control(ref); err != nil {
			return nil, vigil.Errorf(vigil.EINVALID, "%s: names control %s, which no framework has", name, ref)
		}
	}
	return c, nil
}

// AddCheck stores a new check from its file, refusing a file ParseCheck
// refuses and an id a stored or shipped check has; then every framework is
// evaluated again.
func (s *Service) AddCheck(ctx context.Context, actor *vigil.User, name string, source []byte, enabled bool) (*vigil.CheckVersion, error) {
	return s.saveCheck(ctx, actor, name, source, &enabled, true)
}

// SaveCheck stores a new version of a check from its file, refusing a file
// ParseCheck refuses; then every framework is evaluated again. A check
// saved this way is the hospital's own, even when it replaces a shipped
// one.
func (s *Service) SaveCheck(ctx context.Context, actor *vigil.User, name string, source []byte, enabled bool) (*vigil.CheckVersion, error) {
	return s.saveCheck(ctx, actor, name, source, &enabled, false)
}

func (s *Service) saveCheck(ctx context.Context, actor *vigil.User, name string, source []byte, enabled *bool, mustBeNew bool) (*vigil.CheckVersion, error) {
	c, err := s.ParseCheck(ctx, name, source)
	if err != nil {
		return nil, err
	}
	// The shipped checks are stored first, so that a shipped check a
	// person changes keeps its shipped version in its history, and a new
	// check cannot take a shipped one's id.
	if _, err := s.InstallLibrary(ctx, actor); err != nil {
		return nil, err
	}
	var v *vigil.CheckVersion
	err = s.db.Update(ctx, func(tx *store.Tx) error {
		if mustBeNew {
			exists, err := tx.CheckExists(ctx, c.ID)
			if err != nil {
				return err
			}
			if exists {
				return vigil.Errorf(vigil.ECONFLICT, "a check %q exists; change it as a new version", c.ID)
			}
		}
		var err error
		v, err = tx.SaveCheck(ctx, actor, c.ID, string(source), *enabled, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	return v, s.reevaluate(ctx, actor, "the check was saved")
}

// SetCheckEnabled turns a stored check on or off, as a new version; then
// every framework is evaluated again.
func (s *Service) SetCheckEnabled(ctx context.Context, actor *vigil.User, id string, enabled bool) (*vigil.CheckVersion, error) {
	if _, err := s.InstallLibrary(ctx, actor); err != nil {
		return nil, err
	}
	cur, err := s.currentCheck(ctx, id)
	if err != nil {
		return nil, err
	}
	var v *vigil.CheckVersion
	err = s.db.Update(ctx, func(tx *store.Tx) error {
		var err error
		v, err = tx.SaveCheck(ctx, actor, id, cur.Source, enabled, cur.Builtin)
		return err
	})
	if err != nil {
		return nil, err
	}
	return v, s.reevaluate(ctx, actor, "the check was saved")
}

func (s *Service) currentCheck(ctx context.Context, id string) (*vigil.CheckVersion, error) {
	all, err := s.db.FindChecks(ctx, nil)
	if err != nil {
		return nil, err
	}
	for _, v := range all {
		if v.ID == id {
			return v, nil
		}
	}
	return nil, vigil.Errorf(vigil.ENOTFOUND, "no check %q", id)
}

// program returns the compiled enabled checks in force at asOf, compiling
// each set of versions once.
func (s *Service) program(ctx context.Context, asOf *time.Time) (*checks.Program, error) {
	versions, err := s.db.FindChecks(ctx, asOf)
	if err != nil {
		return nil, err
	}
	var key strings.Builder
	var enabled []*vigil.CheckVersion
	for _, v := range versions {
		if v.Enabled {
			enabled = append(enabled, v)
			fmt.Fprintf(&key, "%s@%d;", v.ID, v.Version)
		}
	}
	s.mu.Lock()
	p := s.programs[key.String()]
	s.mu.Unlock()
	if p != nil {
		return p, nil
	}
	cs := make([]*checks.Check, 0, len(enabled))
	for _, v := range enabled {
		c, err := checks.Parse(v.ID+".yaml", []byte(v.Source))
		if err != nil {
			return nil, vigil.WrapError(vigil.EINTERNAL, fmt.Sprintf("stored check %s version %d no longer parses", v.ID, v.Version), err)
		}
		cs = append(cs, c)
	}
	p, err = checks.Compile(cs)
	if err != nil {
		return nil, vigil.WrapError(vigil.EINTERNAL, "compiling the stored checks", err)
	}
	s.mu.Lock()
	s.programs[key.String()] = p
	s.mu.Unlock()
	return p, nil
}
