// Package compliance holds the use cases of control evaluation: the device
// checks (policy as code) kept in the store with their versions, the
// attestations people give for program-level controls, the hospital's
// policy and network segments, frameworks imported from OSCAL, and the
// evaluation that decides every control of a framework at a date. It runs
// the pure engines (internal/checks, internal/evaluate, internal/catalog)
// over what the store knew at that date.
package compliance

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/catalog"
	"github.com/vigil-health/vigil/internal/checks"
	"github.com/vigil-health/vigil/internal/classify"
	"github.com/vigil-health/vigil/internal/store"
)

// Service is the compliance use cases over one store.
type Service struct {
	db       *store.DB
	cls      *classify.Classifier
	observer vigil.Observer // told after a current evaluation is stored: evidence, the plan

	mu       sync.Mutex
	programs map[string]*checks.Program // compiled check sets, by their versions
	builtin  *catalog.Catalog           // the embedded frameworks, loaded on first use
	lib      []*checks.Check            // the shipped checks, parsed on first use
	libText  map[string]string          // their files' text, by file name
}

// New returns the compliance service; cls gives each device type's FDA
// class and whether it is connected to a patient.
func New(db *store.DB, cls *classify.Classifier) *Service {
	return &Service{db: db, cls: cls, programs: map[string]*checks.Program{}}
}

// Notify makes o the observer told after every current evaluation that is
// stored; it returns s. The binary wires it once, before use.
func (s *Service) Notify(o vigil.Observer) *Service {
	s.observer = o
	return s
}

// Catalog returns the built-in frameworks with the ones imported from OSCAL
// catalogs.
func (s *Service) Catalog(ctx context.Context) (*catalog.Catalog, error) {
	cat, err := s.builtinCatalog()
	if err != nil {
		return nil, err
	}
	imported, err := s.db.FindFrameworks(ctx)
	if err != nil {
		return nil, err
	}
	for _, fw := range imported {
		if err := cat.Add(fw); err != nil {
			return nil, vigil.WrapError(vigil.EINTERNAL, "adding imported framework "+fw.ID, err)
		}
	}
	return cat, nil
}

// builtinCatalog returns a catalog of the embedded frameworks to add the
// imported ones to: a copy of the one parsed on first use, so that what a
// caller adds stays its own.
func (s *Service) builtinCatalog() (*catalog.Catalog, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.builtin == nil {
		cat, err := catalog.Load()
		if err != nil {
			return nil, vigil.WrapError(vigil.EINTERNAL, "loading the control catalogs", err)
		}
		s.builtin = cat
	}
	return s.builtin.Clone(), nil
}

// StoredPolicy returns the policy parameters as set, the defaults where
// none were set: what `vigil policy show` prints and `policy set` takes.
func (s *Service) StoredPolicy(ctx context.Context) (checks.Policy, error) {
	p := checks.DefaultPolicy()
	raw, err := s.db.Policy(ctx)
	if err != nil {
		return p, err
	}
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &p); err != nil {
			return p, vigil.WrapError(vigil.EINTERNAL, "the stored policy is not valid", err)
		}
	}
	return p, nil
}

// Policy returns the policy the checks read: the stored one, with the
// clinical segments the segment list designates added.
func (s *Service) Policy(ctx context.Context) (checks.Policy, error) {
	p, err := s.StoredPolicy(ctx)
	if err != nil {
		return p, err
	}
	segs, err := s.Segments(ctx)
	if err != nil {
		return p, err
	}
	for _, sg := range segs {
		if sg.Clinical && !contains(p.ClinicalSegments, sg.Name) {
			p.ClinicalSegments = append(p.ClinicalSegments, sg.Name)
		}
	}
	return p, nil
}

// SetPolicy replaces the policy parameters.
func (s *Service) SetPolicy(ctx context.Context, actor *vigil.User, p checks.Policy) error {
	for sev, d := range p.MaxOpenDays {
		if d < 0 {
			return vigil.Errorf(vigil.EINVALID, "max_open_days for %s is negative", sev)
		}
	}
	if p.CVSSThreshold < 0 || p.CVSSThreshold > 10 {
		return vigil.Errorf(vigil.EINVALID, "cvss_threshold must be between 0 and 10")
	}
	b, err := json.Marshal(p)
	if err != nil {
		return vigil.WrapError(vigil.EINTERNAL, "encoding the policy", err)
	}
	if err := s.db.Update(ctx, func(tx *store.Tx) error { return tx.SetPolicy(ctx, actor, b) }); err != nil {
		return err
	}
	return s.reevaluate(ctx, actor, "the policy was saved")
}

// Segments returns the network segments the hospital designated.
func (s *Service) Segments(ctx context.Context) ([]vigil.Segment, error) {
	raw, err := s.db.Segments(ctx)
	if err != nil || raw == "" {
		return []vigil.Segment{}, err
	}
	var segs []vigil.Segment
	if err := json.Unmarshal([]byte(raw), &segs); err != nil {
		return nil, vigil.WrapError(vigil.EINTERNAL, "the stored segments are not valid", err)
	}
	return segs, nil
}

// SetSegments replaces the network segments.
func (s *Service) SetSegments(ctx context.Context, actor *vigil.User, segs []vigil.Segment) error {
	// One name may stand for several subnets (the same VLAN plan at every
	// hospital), but one subnet or VLAN has one name.
	named := map[string]string{}
	for i := range segs {
		sg := &segs[i]
		if err := sg.Validate(); err != nil {
			return err
		}
		for _, k := range []string{"cidr " + sg.CIDR, fmt.Sprintf("vlan %d", sg.VLAN)} {
			if k == "cidr " || k == "vlan 0" || sg.CIDR != "" && strings.HasPrefix(k, "vlan") {
				continue // a VLAN is named once per subnet-less segment only
			}
			if prev, ok := named[k]; ok && prev != sg.Name {
				return vigil.Errorf(vigil.EINVALID, "%s is named both %q and %q", k, prev, sg.Name)
			} else if ok {
				return vigil.Errorf(vigil.EINVALID, "segment %q lists %s twice", sg.Name, k)
			}
			named[k] = sg.Name
		}
	}
	if segs == nil {
		segs = []vigil.Segment{}
	}
	b, err := json.Marshal(segs)
	if err != nil {
		return vigil.WrapError(vigil.EINTERNAL, "encoding the segments", err)
	}
	if cur, err := s.db.Segments(ctx); err != nil {
		return err
	} else if cur == string(b) {
		return nil // the same list again: nothing to record
	}
	if err := s.db.Update(ctx, func(tx *store.Tx) error { return tx.SetSegments(ctx, actor, b) }); err != nil {
		return err
	}
	return s.reevaluate(ctx, actor, "the segments were saved")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
