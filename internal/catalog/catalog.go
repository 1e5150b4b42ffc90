package catalog

import (
	"fmt"
	"slices"
	"sync"

	"github.com/vigil-health/vigil"
)

// Catalog is a set of frameworks and the crosswalks between them. Its methods
// are safe for concurrent use. Frameworks and controls it returns are copies.
type Catalog struct {
	mu         sync.RWMutex
	frameworks []*entry
	byID       map[string]*entry
	crosswalks []*Crosswalk
	// links holds every crosswalk link in both directions.
	links map[vigil.ControlRef][]vigil.ControlRef
}

// entry is one framework with its indexes.
type entry struct {
	fw    *vigil.Framework
	order int            // position among the catalog's frameworks
	pos   map[string]int // control id -> index in fw.Controls
	alias map[string]string
}

// Load returns a new Catalog holding the built-in frameworks and crosswalks,
// read from the embedded data files. An error means the embedded data is
// broken, which the package's tests prevent.
func Load() (*Catalog, error) {
	c := New()
	for _, id := range builtinFrameworks() {
		fw, err := readFramework(id)
		if err != nil {
			return nil, fmt.Errorf("catalog: load: %w", err)
		}
		if err := c.add(fw); err != nil {
			return nil, fmt.Errorf("catalog: load %s: %w", id, err)
		}
	}
	cws, err := readCrosswalks()
	if err != nil {
		return nil, fmt.Errorf("catalog: load: %w", err)
	}
	for _, cw := range cws {
		if err := c.AddCrosswalk(cw); err != nil {
			return nil, fmt.Errorf("catalog: load: %w", err)
		}
	}
	return c, nil
}

// New returns an empty Catalog.
func New() *Catalog {
	return &Catalog{byID: map[string]*entry{}, links: map[vigil.ControlRef][]vigil.ControlRef{}}
}

// Add adds a framework, such as one read by ParseOSCAL. It fails with
// vigil.EINVALID if the framework does not validate or two of its controls
// share an id or alias, and with vigil.ECONFLICT if the catalog already holds
// a framework with its id. The catalog keeps a copy.
func (c *Catalog) Add(fw *vigil.Framework) error {
	if err := fw.Validate(); err != nil {
		return err
	}
	return c.add(cloneFramework(fw))
}

func (c *Catalog) add(fw *vigil.Framework) error {
	e := &entry{fw: fw, pos: make(map[string]int, len(fw.Controls)), alias: map[string]string{}}
	for i, ctl := range fw.Controls {
		e.pos[ctl.ID] = i
	}
	for _, ctl := range fw.Controls {
		for _, a := range ctl.Aliases {
			if _, ok := e.pos[a]; ok {
				return vigil.Errorf(vigil.EINVALID, "framework %s: alias %q of %q is a control id", fw.ID, a, ctl.ID)
			} else if prev, ok := e.alias[a]; ok {
				return vigil.Errorf(vigil.EINVALID, "framework %s: alias %q names both %q and %q", fw.ID, a, prev, ctl.ID)
			}
			e.alias[a] = ctl.ID
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.byID[fw.ID]; ok {
		return vigil.Errorf(vigil.ECONFLICT, "framework %s already exists", fw.ID)
	}
	e.order = len(c.frameworks)
	c.frameworks = append(c.frameworks, e)
	c.byID[fw.ID] = e
	return nil
}

// Frameworks returns every framework, built-in ones first in a fixed order,
// then added ones in the order they were added.
func (c *Catalog) Frameworks() []*vigil.Framework {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]*vigil.Framework, 0, len(c.frameworks))
	for _, e := range c.frameworks {
		out = append(out, cloneFramework(e.fw))
	}
	return out
}

// Framework returns the framework with the id, or a vigil.ENOTFOUND error.
func (c *Catalog) Framework(id string) (*vigil.Framework, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.byID[id]
	if !ok {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "framework %q not found", id)
	}
	return cloneFramework(e.fw), nil
}

// Control returns the control a reference names, or a vigil.ENOTFOUND error.
// A reference may use an alias of the id, such as NIST's "164.310(a)" for
// HIPAA's "164.310(a)(1)"; the control returned carries its own id.
func (c *Catalog) Control(ref vigil.ControlRef) (vigil.Control, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, i, ok := c.lookup(ref)
	if !ok {
		return vigil.Control{}, vigil.Errorf(vigil.ENOTFOUND, "control %s not found", ref)
	}
	return cloneControl(e.fw.Controls[i]), nil
}

// Resolve returns the canonical reference for ref (its alias resolved), and
// whether the control exists.
func (c *Catalog) Resolve(ref vigil.ControlRef) (vigil.ControlRef, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, i, ok := c.lookup(ref)
	if !ok {
		return ref, false
	}
	return e.fw.Controls[i].Ref(), true
}

// lookup finds a control by id or alias. The caller holds c.mu.
func (c *Catalog) lookup(ref vigil.ControlRef) (*entry, int, bool) {
	e, ok := c.byID[ref.Framework]
	if !ok {
		return nil, 0, false
	}
	id := ref.Control
	if canon, ok := e.alias[id]; ok {
		id = canon
	}
	i, ok := e.pos[id]
	return e, i, ok
}

// Children returns the controls whose parent is ref, in catalog order.
func (c *Catalog) Children(ref vigil.ControlRef) []vigil.Control {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, i, ok := c.lookup(ref)
	if !ok {
		return nil
	}
	var out []vigil.Control
	for _, ctl := range e.fw.Controls {
		if ctl.Parent == e.fw.Controls[i].ID {
			out = append(out, cloneControl(ctl))
		}
	}
	return out
}

func cloneFramework(fw *vigil.Framework) *vigil.Framework {
	cp := *fw
	cp.Controls = make([]vigil.Control, len(fw.Controls))
	for i, ctl := range fw.Controls {
		cp.Controls[i] = cloneControl(ctl)
	}
	return &cp
}

func cloneControl(c vigil.Control) vigil.Control {
	c.Aliases = slices.Clone(c.Aliases)
	return c
}

// Clone returns a catalog with the same frameworks and crosswalks, to which
// more can be added without changing c.
func (c *Catalog) Clone() *Catalog {
	c.mu.RLock()
	defer c.mu.RUnlock()
	n := &Catalog{
		frameworks: append([]*entry(nil), c.frameworks...),
		byID:       make(map[string]*entry, len(c.byID)),
		crosswalks: append([]*Crosswalk(nil), c.crosswalks...),
		links:      make(map[vigil.ControlRef][]vigil.ControlRef, len(c.links)),
	}
	for k, e := range c.byID {
		n.byID[k] = e
	}
	for k, l := range c.links {
		n.links[k] = append([]vigil.ControlRef(nil), l...)
	}
	return n
}
