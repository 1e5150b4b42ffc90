package catalog

import (
	"cmp"
	"slices"

	"github.com/vigil-health/vigil"
)

// Crosswalk links controls of one framework to controls of another.
type Crosswalk struct {
	// Name is the data file's name, such as "hipaa-csf2.yaml".
	Name string
	// From and To are framework ids.
	From, To string
	// Version is the revision of the crosswalk file.
	Version string
	// Basis is how most links were made: "derived" from a published
	// mapping, or "editorial" (Vigil's own reading).
	Basis string
	// Source cites the documents the links come from.
	Source string
	// Derivation says how the links were made, in full.
	Derivation string
	// Links are the links, one per source control.
	Links []Link
}

// Link maps one control to the controls it relates to.
type Link struct {
	// From is a control id of the crosswalk's From framework.
	From string
	// To are control ids of the crosswalk's To framework.
	To []string
	// Via are the published ids a derived link was computed from, such as
	// the CSF 1.1 subcategories NIST maps a HIPAA standard to.
	Via []string
	// Basis is "derived" or "editorial".
	Basis string
}

// Bases of a crosswalk link.
const (
	BasisDerived   = "derived"
	BasisEditorial = "editorial"
)

// AddCrosswalk adds a crosswalk. Every control it names must exist in the
// catalog (by id or alias); it fails with vigil.EINVALID naming the first
// that does not.
func (c *Catalog) AddCrosswalk(cw *Crosswalk) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	type pair struct{ from, to vigil.ControlRef }
	var pairs []pair
	for _, l := range cw.Links {
		switch l.Basis {
		case BasisDerived, BasisEditorial:
		default:
			return vigil.Errorf(vigil.EINVALID, "crosswalk %s: link from %s: basis %q is neither derived nor editorial", cw.Name, l.From, l.Basis)
		}
		from, err := c.resolveLocked(cw, vigil.ControlRef{Framework: cw.From, Control: l.From})
		if err != nil {
			return err
		}
		for _, t := range l.To {
			to, err := c.resolveLocked(cw, vigil.ControlRef{Framework: cw.To, Control: t})
			if err != nil {
				return err
			}
			pairs = append(pairs, pair{from, to})
		}
	}
	for _, p := range pairs {
		c.links[p.from] = appendUnique(c.links[p.from], p.to)
		c.links[p.to] = appendUnique(c.links[p.to], p.from)
	}
	c.crosswalks = append(c.crosswalks, cw)
	return nil
}

func (c *Catalog) resolveLocked(cw *Crosswalk, ref vigil.ControlRef) (vigil.ControlRef, error) {
	e, i, ok := c.lookup(ref)
	if !ok {
		return ref, vigil.Errorf(vigil.EINVALID, "crosswalk %s: control %s does not exist", cw.Name, ref)
	}
	return e.fw.Controls[i].Ref(), nil
}

func appendUnique(refs []vigil.ControlRef, r vigil.ControlRef) []vigil.ControlRef {
	if slices.Contains(refs, r) {
		return refs
	}
	return append(refs, r)
}

// Crosswalks returns copies of the crosswalks the catalog holds.
func (c *Catalog) Crosswalks() []*Crosswalk {
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := make([]*Crosswalk, len(c.crosswalks))
	for i, cw := range c.crosswalks {
		cp := *cw
		cp.Links = make([]Link, len(cw.Links))
		for j, l := range cw.Links {
			cp.Links[j] = Link{From: l.From, To: slices.Clone(l.To), Via: slices.Clone(l.Via), Basis: l.Basis}
		}
		out[i] = &cp
	}
	return out
}

// Crosswalk returns the controls of other frameworks that the control ref
// relates to, in both directions of every crosswalk: for a HIPAA standard the
// CSF 2.0 subcategories it maps to, for a CSF subcategory the HIPAA standards,
// HICP practices and HPH goals that map to it.
//
// A control also carries the links of its ancestors, because publishers map
// at the level of the parent: NIST maps HIPAA standards, not implementation
// specifications, so a verdict on "164.308(a)(1)(ii)(A)" shows the
// subcategories of "164.308(a)(1)(i)". The result is sorted by framework
// (catalog order) and then by the control's place in its framework; it is
// empty for an unknown control.
func (c *Catalog) Crosswalk(ref vigil.ControlRef) []vigil.ControlRef {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, i, ok := c.lookup(ref)
	if !ok {
		return nil
	}
	self := e.fw.Controls[i].Ref()
	var out []vigil.ControlRef
	for depth := 0; depth <= len(e.fw.Controls); depth++ {
		for _, r := range c.links[e.fw.Controls[i].Ref()] {
			if r != self {
				out = appendUnique(out, r)
			}
		}
		parent := e.fw.Controls[i].Parent
		if parent == "" {
			break
		}
		if i, ok = e.pos[parent]; !ok {
			break
		}
	}
	slices.SortFunc(out, func(a, b vigil.ControlRef) int {
		ea, eb := c.byID[a.Framework], c.byID[b.Framework]
		if n := cmp.Compare(ea.order, eb.order); n != 0 {
			return n
		}
		return cmp.Compare(ea.pos[a.Control], eb.pos[b.Control])
	})
	return out
}
