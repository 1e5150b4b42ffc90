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
	cpe       CPE
	version   Version
	explicit  bool
	component string // SBOM component ref, when it came from one
}

// Match returns every vulnerability that hits the target, one per
// vulnerability, best evidence first, ordered by vulnerability id. VEX
// statements in the target override the status ("not_affected" with its
// justification) but the match is still returned so that it shows.
func (ix *Index) Match(t Target) []vigil.VulnMatch {
	best := map[int32]vigil.VulnMatch{}
	advisory := map[int32]string{}
	add := func(vi int32, m vigil.VulnMatch) {
		if m.AdvisoryID != "" && advisory[vi] == "" {
			advisory[vi] = m.AdvisoryID
		}
		if old, ok := best[vi]; !ok || m.Confidence > old.Confidence {
			best[vi] = m
		}
	}
	plats := ix.platforms(t)
	ix.matchCPE(t, plats, add)
	ix.matchAffected(t, plats, add)
	ix.matchCSAF(t, add)

	out := make([]vigil.VulnMatch, 0, len(best))
	for vi, m := range best {
		m.DeviceID = t.DeviceID
		m.VulnID = ix.vulns[vi].id
		if m.AdvisoryID == "" {
			m.AdvisoryID = cmp.Or(advisory[vi], ix.advOf[vi])
		}
		out = append(out, m)
	}
	out = applyVEX(t, out)
	slices.SortFunc(out, func(a, b vigil.VulnMatch) int { return cmp.Compare(a.VulnID, b.VulnID) })
	return out
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
		ps = append(ps, platform{key: ix.key(c.Vendor, c.Product), cpe: c, version: versionOf(c), explicit: true})
	}
	if t.Manufacturer != "" && t.Model != "" {
		c := CPE{Part: Any, Vendor: ix.aliases.Vendor(t.Manufacturer), Product: ProductKey(t.Model), Version: Any}
		fill(&c)
		if t.Firmware != "" {
			c.Version = strings.ToLower(t.Firmware)
		}
		ps = append(ps, platform{key: ix.key(t.Manufacturer, t.Model), cpe: c, version: ParseVersion(t.Firmware)})
	}
	for _, comp := range t.Components {
		ref := cmp.Or(comp.Ref, comp.PURL, comp.Name)
		if comp.CPE != "" {
			if c, err := ParseCPE(comp.CPE); err == nil {
				if c.Version == Any && comp.Version != "" {
					c.Version = strings.ToLower(comp.Version)
				}
				ps = append(ps, platform{key: ix.key(c.Vendor, c.Product), cpe: c, version: versionOf(c), explicit: true, component: ref})
				continue
			}
		}
		if comp.Supplier != "" && comp.Name != "" {
			c := CPE{Part: Any, Vendor: ix.aliases.Vendor(comp.Supplier), Product: ProductKey(comp.Name), Version: Any}
			fill(&c)
			if comp.Version != "" {
				c.Version = strings.ToLower(comp.Version)
			}
			ps = append(ps, platform{key: ix.key(comp.Supplier, comp.Name), cpe: c, version: ParseVersion(comp.Version), component: ref})
		}
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
	seen := map[cfgRef]bool{}
	for pi := range plats {
		for _, ref := range ix.cpe[plats[pi].key] {
			if seen[ref] {
				continue
			}
			seen[ref] = true
			cfg := &ix.vulns[ref.vuln].configs[ref.config]
			h := evalConfig(cfg, plats)
			if !h.ok || h.criteria == nil {
				continue
			}
			m := vigil.VulnMatch{Basis: vigil.BasisCPE, Status: vigil.StatusAffected, Criteria: h.criteria.criteria, FixedIn: h.criteria.fixedIn}
			m.Confidence = 0.95
			m.Reason = "CPE " + h.plat.cpe.String() + " is within " + h.criteria.criteria + rangeText(h.criteria.rng)
			if !h.plat.explicit {
				m.Confidence = 0.8
				m.Reason = "manufacturer and model match " + h.criteria.criteria + rangeText(h.criteria.rng)
			}
			if h.plat.component != "" {
				m.Basis, m.Component = vigil.BasisSBOMComponent, h.plat.component
				m.Confidence -= 0.05
			}
			if h.unknown {
				m.Confidence -= 0.4
				m.Reason += "; the version is unknown"
			}
			add(ref.vuln, m)
		}
	}
}

func rangeText(r Range) string {
	if r.all {
		return ""
	}
	return " " + r.raw
}

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
		if h.ok && (res.criteria == nil || !res.criteria.vulnerable && h.criteria.vulnerable || res.unknown && !h.unknown) {
			res = h
		}
	}
	return res
}

func evalMatch(m *pmatch, plats []platform) hit {
	var res hit
	for pi := range plats {
		p := &plats[pi]
		if p.key != m.key {
			continue
		}
		if p.explicit && !partOK(m.cpe.Part, p.cpe.Part) {
			continue
		}
		if !m.vulnerable {
			// A platform criterion ("running on hardware X"): the device is X.
			return hit{ok: true, plat: p, criteria: m}
		}
		if p.explicit && !otherAttrsMatch(m.cpe, p.cpe) {
			continue
		}
		if p.version.IsZero() {
			res = hit{ok: true, unknown: true, plat: p, criteria: m}
			continue
		}
		if m.cpe.Version != Any && m.cpe.Version != NA && !versionAttrMatches(m.cpe.Version, p.cpe.Version) {
			continue
		}
		if !m.rng.Contains(p.version) {
			continue
		}
		return hit{ok: true, plat: p, criteria: m}
	}
	return res
}

func partOK(crit, target string) bool { return crit == Any || target == Any || crit == target }

func otherAttrsMatch(c, t CPE) bool {
	ca, ta := c.attrs(), t.attrs()
	for i := 4; i < len(ca); i++ {
		if !attrMatches(ca[i], ta[i]) {
			return false
		}
	}
	return true
}
