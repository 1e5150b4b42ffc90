package match

import (
	"cmp"
	"context"
	"runtime"
	"slices"
	"strings"
	"sync"

	vigil "github.com/vigil-health/vigil"
)

// Target is what Vigil knows about one device for matching.
type Target struct {
	DeviceID     int64
	Manufacturer string
	Model        string
	Firmware     string
	CPEs         []string             // CPEs known for the device, e.g. from a DICOM implementation version
	Components   []vigil.Component    // the SBOM attached to its manufacturer, model and firmware
	VEX          []vigil.VEXStatement // VEX statements for that SBOM or product
}

// TargetFor returns the matching target for a device without SBOM or CPEs.
func TargetFor(d *vigil.Device) Target {
	return Target{DeviceID: d.ID, Manufacturer: d.Manufacturer, Model: d.Model, Firmware: d.Firmware}
}

// platform is one CPE-like identity of the device: explicit or derived.
type platform struct {
	key       string
	ki        *keyIndex // the index's criteria under key, nil when none
	cpe       CPE
	version   Version
	explicit  bool
	component string // SBOM component ref, when it came from one
	label     string // how the device is described in a match's reason (a constant: matches are many)
}

// Match returns every vulnerability that hits the target, one per
// vulnerability, best evidence first, ordered by vulnerability id. VEX
// statements in the target override the status ("not_affected" with its
// justification) but the match is still returned so that it shows.
func (ix *Index) Match(t Target) []vigil.VulnMatch {
	var out []vigil.VulnMatch
	var vis []int32        // vulnerability index of each entry of out
	pos := map[int32]int{} // vulnerability index → position in out
	var advisory map[int32]string
	add := func(vi int32, m vigil.VulnMatch) {
		if m.AdvisoryID != "" {
			if advisory == nil {
				advisory = map[int32]string{}
			}
			if advisory[vi] == "" {
				advisory[vi] = m.AdvisoryID
			}
		}
		i, ok := pos[vi]
		switch {
		case !ok:
			pos[vi] = len(out)
			out, vis = append(out, m), append(vis, vi)
		case m.Confidence > out[i].Confidence:
			out[i] = m
		}
	}
	plats := ix.platforms(t)
	ix.matchCPE(t, plats, add)
	ix.matchAffected(t, plats, add)
	ix.matchCSAF(t, add)

	for i := range out {
		vi := vis[i]
		out[i].DeviceID = t.DeviceID
		out[i].VulnID = ix.vulns[vi].id
		if out[i].AdvisoryID == "" {
			out[i].AdvisoryID = cmp.Or(advisory[vi], ix.advOf[vi])
		}
	}
	out = applyVEX(t, out)
	slices.SortFunc(out, func(a, b vigil.VulnMatch) int { return cmp.Compare(a.VulnID, b.VulnID) })
	return out
}

// MatchEach matches many targets on workers goroutines and calls fn with
// each target's index and matches as they are ready, so a caller can stream
// them to storage without holding a whole fleet's matches. fn is called from
// one goroutine at a time. It returns the context's error when cancelled.
func (ix *Index) MatchEach(ctx context.Context, targets []Target, workers int, fn func(i int, ms []vigil.VulnMatch)) error {
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	type result struct {
		i  int
		ms []vigil.VulnMatch
	}
	next := make(chan int)
	done := make(chan result, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				done <- result{i, ix.Match(targets[i])}
			}
		})
	}
	go func() { wg.Wait(); close(done) }()
	var err error
	go func() {
		defer close(next)
		for i := range targets {
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	for r := range done {
		fn(r.i, r.ms)
	}
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	return err
}

// MatchAll matches many targets on workers goroutines (runtime.NumCPU when
// workers <= 0) and returns the matches in target order. It stops early,
// returning the context's error, when ctx is cancelled.
func (ix *Index) MatchAll(ctx context.Context, targets []Target, workers int) ([][]vigil.VulnMatch, error) {
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	out := make([][]vigil.VulnMatch, len(targets))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				out[i] = ix.Match(targets[i])
			}
		})
	}
	var err error
feed:
	for i := range targets {
		select {
		case next <- i:
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	return out, err
}

func (ix *Index) platforms(t Target) []platform {
	var ps []platform
	for _, s := range t.CPEs {
		c, err := ParseCPE(s)
		if err != nil {
			continue
		}
		ps = append(ps, platform{key: ix.key(c.Vendor, c.Product), cpe: c, version: versionOf(c), explicit: true, label: "a CPE of the device is within the NVD criterion"})
	}
	if t.Manufacturer != "" && t.Model != "" {
		c := CPE{Part: Any, Vendor: ix.aliases.Vendor(t.Manufacturer), Product: ProductKey(t.Model), Version: Any}
		fill(&c)
		if t.Firmware != "" {
			c.Version = strings.ToLower(t.Firmware)
		}
		ps = append(ps, platform{key: ix.key(t.Manufacturer, t.Model), cpe: c, version: ParseVersion(t.Firmware), label: "the manufacturer, model and firmware are within the NVD criterion"})
	}
	for _, comp := range t.Components {
		ref := cmp.Or(comp.Ref, comp.PURL, comp.Name)
		if comp.CPE != "" {
			if c, err := ParseCPE(comp.CPE); err == nil {
				if c.Version == Any && comp.Version != "" {
					c.Version = strings.ToLower(comp.Version)
				}
				ps = append(ps, platform{key: ix.key(c.Vendor, c.Product), cpe: c, version: versionOf(c), explicit: true, component: ref, label: "an SBOM component's CPE is within the NVD criterion"})
				continue
			}
		}
		if comp.Supplier != "" && comp.Name != "" {
			c := CPE{Part: Any, Vendor: ix.aliases.Vendor(comp.Supplier), Product: ProductKey(comp.Name), Version: Any}
			fill(&c)
			if comp.Version != "" {
				c.Version = strings.ToLower(comp.Version)
			}
			ps = append(ps, platform{key: ix.key(comp.Supplier, comp.Name), cpe: c, version: ParseVersion(comp.Version), component: ref, label: "an SBOM component's supplier, name and version are within the NVD criterion"})
		}
	}
	for i := range ps {
		ps[i].ki = ix.cpe[ps[i].key]
	}
	return ps
}

func fill(c *CPE) {
	for _, p := range []*string{&c.Update, &c.Edition, &c.Language, &c.SWEdition, &c.TargetSW, &c.TargetHW, &c.Other} {
		*p = Any
	}
}

func versionOf(c CPE) Version {
	if c.Version == Any || c.Version == NA {
		return Version{}
	}
	return ParseVersion(c.Version)
}

// hit is the outcome of one criterion against the platforms.
type hit struct {
	ok       bool
	unknown  bool // matched only because the device's version is unknown
	plat     *platform
	criteria *pmatch
}

func (ix *Index) matchCPE(t Target, plats []platform, add func(int32, vigil.VulnMatch)) {
	var seen map[cfgRef]bool
	for pi := range plats {
		ki := plats[pi].ki
		if ki == nil {
			continue
		}
		ki.candidates(plats[pi].version, func(ref *keyRef) bool {
			// Check the criterion alone first: most fail on the version.
			quick := evalMatch(ref.m, plats)
			if !quick.ok || seen[ref.cfgRef] {
				return true
			}
			if seen == nil {
				seen = map[cfgRef]bool{}
			}
			seen[ref.cfgRef] = true
			cfg := &ix.vulns[ref.vuln].configs[ref.config]
			h := quick
			if cfg.and || cfg.negate || len(cfg.nodes) != 1 || cfg.nodes[0].and || cfg.nodes[0].negate || quick.unknown {
				// Only a lone OR node is decided by one criterion with a known version.
				h = evalConfig(cfg, plats)
			}
			if !h.ok || h.criteria == nil {
				return true
			}
			m := vigil.VulnMatch{Basis: vigil.BasisCPE, Status: vigil.StatusAffected, Criteria: h.criteria.criteria, FixedIn: h.criteria.fixedIn()}
			m.Confidence = 0.95
			if !h.plat.explicit {
				m.Confidence = 0.8
			}
			if h.plat.component != "" {
				m.Basis, m.Component = vigil.BasisSBOMComponent, h.plat.component
				m.Confidence -= 0.05
			}
			// Criteria and FixedIn carry the specifics; the reason stays a
			// shared constant so that millions of matches cost no text.
			m.Reason = h.plat.label
			if h.unknown {
				m.Confidence -= 0.4
				m.Reason = unknownVersion
			}
			add(ref.vuln, m)
			return true
		})
	}
}

// unknownVersion is the reason of a CPE match made without the device's version.
const unknownVersion = "the product matches the NVD criterion but the device's version is unknown"

// evalConfig evaluates an NVD configuration against the device's platforms.
// On success it returns the vulnerable criterion and platform that matched.
func evalConfig(c *pconfig, plats []platform) hit {
	var res hit
	if len(c.nodes) == 0 {
		return res
	}
	for i := range c.nodes {
		h := evalNode(&c.nodes[i], plats)
		if c.nodes[i].negate {
			h = hit{ok: !h.ok}
		}
		if c.and && !h.ok {
			return hit{}
		}
		if h.ok {
			if res.criteria == nil || (res.unknown && !h.unknown && h.criteria != nil) {
				res.criteria, res.plat, res.unknown = h.criteria, h.plat, h.unknown
			}
			res.ok = true
			if !c.and && h.criteria != nil && !h.unknown {
				break
			}
		}
	}
	if c.negate {
		return hit{ok: !res.ok}
	}
	return res
}

func evalNode(n *pnode, plats []platform) hit {
	var res hit
	for mi := range n.matches {
		h := evalMatch(&n.matches[mi], plats)
		if n.and && !h.ok {
			return hit{}
		}
		if h.ok && (res.criteria == nil || !res.criteria.vulnerable() && h.criteria.vulnerable() || res.unknown && !h.unknown) {
			res = h
		}
	}
	return res
}

func evalMatch(m *pmatch, plats []platform) hit {
	var res hit
	for pi := range plats {
		p := &plats[pi]
		if p.ki != m.ki {
			continue
		}
		if p.explicit && !partOK(m.part, p.cpe.Part) {
			continue
		}
		if !m.vulnerable() {
			// A platform criterion ("running on hardware X"): the device is X.
			return hit{ok: true, plat: p, criteria: m}
		}
		if p.explicit && m.rest != nil && !otherAttrsMatch(m.rest, p.cpe) {
			continue
		}
		if p.version.IsZero() {
			res = hit{ok: true, unknown: true, plat: p, criteria: m}
			continue
		}
		if m.ver != nil {
			if Compare(*m.ver, p.version) != 0 {
				continue
			}
		} else if m.verAttr != Any && m.verAttr != NA && !versionAttrMatches(m.verAttr, p.cpe.Version) {
			continue
		}
		if !m.inRange(p.version) {
			continue
		}
		return hit{ok: true, plat: p, criteria: m}
	}
	return res
}

func partOK(crit byte, target string) bool {
	return crit == '*' || target == Any || target != "" && target[0] == crit
}

func otherAttrsMatch(rest *[7]string, t CPE) bool {
	ta := t.attrs()
	for i, c := range rest {
		if !attrMatches(c, ta[i+4]) {
			return false
		}
	}
	return true
}
