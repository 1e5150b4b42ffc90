package feeds

import (
	"slices"

	vigil "github.com/vigil-health/vigil"
)

// Corpus merges batches from many feeds into one vulnerability per id:
// scores from every source side by side, KEV and the newest EPSS attached,
// applicability from NVD, CVE 5 and OSV combined. It is not safe for
// concurrent use.
type Corpus struct {
	Vulns      map[string]*vigil.Vulnerability
	Advisories []*vigil.Advisory
	VEX        []vigil.VEXStatement
	kev        map[string]*vigil.KEVEntry
	epss       map[string]vigil.EPSS
}

// NewCorpus returns an empty corpus.
func NewCorpus() *Corpus {
	return &Corpus{Vulns: map[string]*vigil.Vulnerability{}, kev: map[string]*vigil.KEVEntry{}, epss: map[string]vigil.EPSS{}}
}

// Add merges a batch into the corpus.
func (c *Corpus) Add(b *Batch) {
	for _, v := range b.Vulnerabilities {
		c.merge(v)
	}
	c.Advisories = append(c.Advisories, b.Advisories...)
	c.VEX = append(c.VEX, b.VEX...)
	for _, k := range b.KEV {
		c.kev[k.CVE] = k
		if v := c.Vulns[k.CVE]; v != nil {
			v.KEV = k
		}
	}
	for id, e := range LatestEPSS(b.EPSS) {
		if old, ok := c.epss[id]; ok && old.Date.After(e.Date) {
			continue
		}
		c.epss[id] = e
		if v := c.Vulns[id]; v != nil {
			e := e
			v.EPSS = &e
		}
	}
}

func (c *Corpus) merge(v *vigil.Vulnerability) {
	old, ok := c.Vulns[v.ID]
	if !ok {
		cp := *v
		if k := c.kev[v.ID]; k != nil {
			cp.KEV = k
		}
		if e, ok := c.epss[v.ID]; ok {
			cp.EPSS = &e
		}
		c.Vulns[v.ID] = &cp
		return
	}
	for _, a := range v.Aliases {
		if !contains(old.Aliases, a) {
			old.Aliases = append(old.Aliases, a)
		}
	}
	if old.Published.IsZero() || !v.Published.IsZero() && v.Published.Before(old.Published) {
		old.Published = v.Published
	}
	if v.Modified.After(old.Modified) {
		old.Modified = v.Modified
	}
	// NVD's English description is the reference text; others fill gaps.
	if old.Description == "" || slices.Contains(v.Sources, "nvd") && v.Description != "" {
		old.Description = v.Description
	}
	for _, w := range v.CWEs {
		if !contains(old.CWEs, w) {
			old.CWEs = append(old.CWEs, w)
		}
	}
	for _, s := range v.Scores {
		if !slices.ContainsFunc(old.Scores, func(o vigil.Score) bool {
			return o.Source == s.Source && o.Version == s.Version && o.Vector == s.Vector
		}) {
			old.Scores = append(old.Scores, s)
		}
	}
	if len(v.Configurations) > 0 {
		old.Configurations = v.Configurations // a newer NVD record replaces the older configurations
	}
	old.Affected = append(old.Affected, v.Affected...)
	for _, r := range v.References {
		if !contains(old.References, r) {
			old.References = append(old.References, r)
		}
	}
	for _, x := range v.Exploits {
		if !contains(old.Exploits, x) {
			old.Exploits = append(old.Exploits, x)
		}
	}
	for _, s := range v.Sources {
		if !contains(old.Sources, s) {
			old.Sources = append(old.Sources, s)
		}
	}
	if v.KEV != nil && old.KEV == nil {
		old.KEV = v.KEV
	}
}

// List returns the merged vulnerabilities sorted by id.
func (c *Corpus) List() []*vigil.Vulnerability {
	out := make([]*vigil.Vulnerability, 0, len(c.Vulns))
	for _, v := range c.Vulns {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b *vigil.Vulnerability) int {
		switch {
		case a.ID < b.ID:
			return -1
		case a.ID > b.ID:
			return 1
		}
		return 0
	})
	return out
}
