package match

import (
	"strings"

	vigil "github.com/vigil-health/vigil"
)

// matchAffected matches CVE 5 vendor/product entries against the device's
// identities and OSV package entries against its SBOM components' purls.
func (ix *Index) matchAffected(t Target, plats []platform, add func(int32, vigil.VulnMatch)) {
	for pi := range plats {
		p := &plats[pi]
		for _, ref := range ix.affected[p.key] {
			st, fixed, ok := ref.status(p.version)
			if !ok {
				continue
			}
			m := vigil.VulnMatch{Basis: vigil.BasisVendorProduct, Status: st, FixedIn: fixed, Criteria: ref.criteria, Confidence: 0.75,
				Reason: "vendor and product match " + ref.criteria}
			if p.component != "" {
				m.Basis, m.Component = vigil.BasisSBOMComponent, p.component
			}
			if p.version.IsZero() {
				m.Confidence -= 0.35
				m.Reason += "; the version is unknown"
			}
			add(ref.vuln, m)
		}
	}
	for _, c := range t.Components {
		if c.PURL == "" {
			continue
		}
		k, err := purlKey(c.PURL)
		if err != nil {
			continue
		}
		ver := ParseVersion(purlVersion(c.PURL))
		if ver.IsZero() {
			ver = ParseVersion(c.Version)
		}
		for _, ref := range ix.purl[k] {
			st, fixed, ok := ref.status(ver)
			if !ok {
				continue
			}
			m := vigil.VulnMatch{Basis: vigil.BasisPURL, Status: st, FixedIn: fixed, Criteria: ref.criteria, Confidence: 0.9,
				Component: firstNonEmpty(c.Ref, c.PURL), Reason: "package " + c.PURL + " is in an affected range"}
			if ver.IsZero() {
				m.Confidence -= 0.4
				m.Reason += "; the version is unknown"
			}
			add(ref.vuln, m)
		}
	}
}

// status returns the status of version v for an affected entry and whether
// the entry says the version is affected (or under investigation).
func (r *affRef) status(v Version) (vigil.ProductStatus, string, bool) {
	if v.IsZero() {
		for _, sr := range r.ranges {
			if sr.status == vigil.StatusAffected {
				return vigil.StatusAffected, sr.fixedIn, true
			}
		}
		return "", "", r.def == vigil.StatusAffected
	}
	for _, sr := range r.ranges {
		if sr.rng.Contains(v) {
			switch sr.status {
			case vigil.StatusAffected, vigil.StatusUnderInvestigation:
				return sr.status, sr.fixedIn, true
			}
			return "", "", false
		}
	}
	if r.def == vigil.StatusAffected {
		return vigil.StatusAffected, "", true
	}
	return "", "", false
}

// matchCSAF matches the device's manufacturer, model and firmware against
// CSAF product trees. The product's display name is never read for CVE ids:
// vulnerabilities come only from the advisory's own vulnerability entries.
func (ix *Index) matchCSAF(t Target, add func(int32, vigil.VulnMatch)) {
	if t.Manufacturer == "" || t.Model == "" {
		return
	}
	refs := ix.csaf[ix.aliases.Vendor(t.Manufacturer)]
	if len(refs) == 0 {
		return
	}
	modelKey, modelToks := ProductKey(t.Model), Tokens(t.Model)
	fw := ParseVersion(t.Firmware)
	for i := range refs {
		ref := &refs[i]
		conf := 0.0
		switch {
		case ref.productKey == modelKey:
			conf = 0.85
		case tokensOverlap(modelToks, ref.tokens):
			conf = 0.6
		default:
			continue
		}
		reason := "manufacturer and model match " + ref.advisory + " product " + ref.product.Product
		inRange := true
		switch {
		case fw.IsZero():
			conf -= 0.3
			reason += "; the firmware is unknown"
		case ref.rngErr:
			conf -= 0.3
			reason += "; the advisory's version text is not machine-readable"
		default:
			inRange = ref.rng.Contains(fw)
			reason += " " + ref.rng.String()
		}
		for _, s := range ref.statements {
			m := vigil.VulnMatch{Basis: vigil.BasisCSAFProduct, AdvisoryID: ref.advisory, Confidence: conf, Criteria: ref.product.ID + " " + ref.product.Product,
				Status: s.status, Justification: s.justification, Reason: reason, FixedIn: ref.rng.FixedIn()}
			switch s.status {
			case vigil.StatusAffected, vigil.StatusUnderInvestigation:
				if !inRange {
					continue
				}
			case vigil.StatusFixed, vigil.StatusNotAffected:
				// A statement that this exact version is fixed or not affected only
				// counts when the device is on it and its version is known.
				if !inRange || fw.IsZero() || ref.rngErr {
					continue
				}
				m.FixedIn = ""
			default:
				continue
			}
			add(s.vuln, m)
		}
	}
}

// tokensOverlap reports whether one token list is contained in the other and
// the shared tokens include a distinctive one (a digit or four letters):
// model "MX400" meets "IntelliVue MX400", but "Monitor" meets nothing.
func tokensOverlap(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	small, large := a, b
	if len(small) > len(large) {
		small, large = large, small
	}
	distinct := false
	for _, s := range small {
		found := false
		for _, l := range large {
			if s == l {
				found = true
				break
			}
		}
		if !found {
			return false
		}
		if len(s) >= 4 || strings.ContainsAny(s, "0123456789") {
			distinct = true
		}
	}
	return distinct
}

// applyVEX sets the status and justification of matches that a VEX
// statement in the target covers, and adds matches for statements that name
// a vulnerability as affecting one of the target's components.
func applyVEX(t Target, ms []vigil.VulnMatch) []vigil.VulnMatch {
	if len(t.VEX) == 0 {
		return ms
	}
	have := map[string]int{}
	for i := range ms {
		have[ms[i].VulnID] = i
	}
	comps := map[string]bool{}
	for _, c := range t.Components {
		for _, s := range []string{c.Ref, c.PURL, c.Name} {
			if s != "" {
				comps[s] = true
			}
		}
	}
	for _, s := range t.VEX {
		if s.Component != "" && len(comps) > 0 && !comps[s.Component] {
			continue
		}
		i, ok := have[s.VulnID]
		if !ok {
			if s.Status == vigil.StatusAffected || s.Status == vigil.StatusUnderInvestigation {
				ms = append(ms, vigil.VulnMatch{DeviceID: t.DeviceID, VulnID: s.VulnID, Basis: vigil.BasisSBOMComponent, Confidence: 0.9,
					Status: s.Status, Component: s.Component, Justification: s.Justification, Reason: "VEX statement from " + firstNonEmpty(s.Source, "the SBOM")})
				have[s.VulnID] = len(ms) - 1
			}
			continue
		}
		m := &ms[i]
		if s.Component != "" && m.Component != "" && s.Component != m.Component {
			continue
		}
		m.Status = s.Status
		m.Justification = firstNonEmpty(s.Justification, s.Detail)
		m.Reason += "; VEX from " + firstNonEmpty(s.Source, "the SBOM") + " says " + string(s.Status)
	}
	return ms
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
