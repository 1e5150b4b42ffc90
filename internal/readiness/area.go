// Package readiness is the pure engine behind mock audits and the
// remediation plan: which control area a control belongs to and what
// evidence an auditor asks for there, how a sample of devices is drawn
// (seeded, weighted towards clinical risk), whether the evidence held
// answers each request, the readiness score, and which gaps become plan
// items, keyed so that a gap keeps its item across runs. It reads nothing
// and stores nothing: the service hands it what the store holds.
package readiness

import (
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// areaRule gives the area of a control from the checks behind it (by id
// prefix) or, failing that, its title (by keyword).
type areaRule struct {
	area     vigil.ControlArea
	checks   []string // check id prefixes
	keywords []string // lower-case title fragments
}

// areaRules are tried in order; the first that matches a title wins, and
// the checks behind a control vote.
var areaRules = []areaRule{
	{vigil.AreaVendorManagement, []string{"remote-access-baa", "remote-access-vendor", "mds2-", "vendor-"},
		[]string{"business associate", "vendor", "supplier", "supply chain", "third-party", "third party", "contract"}},
	{vigil.AreaTraining, nil, []string{"training", "awareness"}},
	{vigil.AreaIncidentResponse, nil, []string{"incident", "contingency", "response", "recover", "backup", "disaster", "emergency"}},
	{vigil.AreaAccessControl, []string{"remote-access-mfa", "dicom-called-ae"},
		[]string{"access", "authenticat", "password", "identit", "log-in", "login", "authoriz", "workforce", "unique user"}},
	{vigil.AreaInventory, []string{"inventory-", "discovered-in-inventory", "retired-"},
		[]string{"inventor", "asset", "media", "accountability"}},
	{vigil.AreaVulnerabilities, []string{"kev-", "vuln-", "firmware-", "sbom-", "patient-connected-exploited", "model-supported"},
		[]string{"vulnerab", "patch", "malicious", "software", "configuration", "risk analysis", "risk management"}},
	{vigil.AreaMonitoring, []string{"ephi-", "tls-", "no-cleartext", "internet-"},
		[]string{"audit", "monitor", "log", "integrity", "transmission", "detect", "anomal", "network", "encrypt"}},
}

// AreaOf returns the control area of an evaluated control: the area most
// of its checks belong to, else the first whose keywords its title holds,
// else governance.
func AreaOf(ce *vigil.ControlEvaluation) vigil.ControlArea {
	votes := map[vigil.ControlArea]int{}
	for _, ch := range ce.Checks {
		for _, r := range areaRules {
			if hasPrefix(ch.ID, r.checks) {
				votes[r.area]++
				break
			}
		}
	}
	best, n := vigil.ControlArea(""), 0
	for _, r := range areaRules {
		if votes[r.area] > n {
			best, n = r.area, votes[r.area]
		}
	}
	if best != "" {
		return best
	}
	title := strings.ToLower(ce.Title)
	for _, r := range areaRules {
		for _, k := range r.keywords {
			if strings.Contains(title, k) {
				return r.area
			}
		}
	}
	return vigil.AreaGovernance
}

func hasPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// areaPolicy is what an auditor expects of an area: the evidence asked for
// (for each sampled device, or once for the program), how fresh it must
// be, and who owns a gap nobody else owns.
type areaPolicy struct {
	need      vigil.EvidenceKind
	perDevice bool
	fresh     time.Duration
	owner     string
}

const day = 24 * time.Hour

var areaPolicies = map[vigil.ControlArea]areaPolicy{
	vigil.AreaGovernance:       {vigil.EvidenceAttestation, false, 365 * day, "Information Security Officer"},
	vigil.AreaInventory:        {vigil.EvidenceInventoryRecord, true, 90 * day, "Clinical Engineering"},
	vigil.AreaAccessControl:    {vigil.EvidenceAccessReview, true, 90 * day, "Identity and Access Management"},
	vigil.AreaVulnerabilities:  {vigil.EvidencePatchHistory, true, 30 * day, "Clinical Engineering"},
	vigil.AreaMonitoring:       {vigil.EvidenceCompensatingControls, true, 30 * day, "Security Operations"},
	vigil.AreaIncidentResponse: {vigil.EvidenceAttestation, false, 365 * day, "Security Operations"},
	vigil.AreaVendorManagement: {vigil.EvidenceBAA, true, 365 * day, "Vendor Management"},
	vigil.AreaTraining:         {vigil.EvidenceAttestation, false, 365 * day, "Compliance Office"},
}

// Freshness returns how old evidence of an area may be before an auditor
// calls it stale.
func Freshness(a vigil.ControlArea) time.Duration { return policyOf(a).fresh }

// DefaultOwner returns who owns a gap of an area when no device or
// attestation names an owner.
func DefaultOwner(a vigil.ControlArea) string { return policyOf(a).owner }

// Needs returns the evidence an auditor asks for in an area, and whether
// for each sampled device or once for the program.
func Needs(a vigil.ControlArea) (vigil.EvidenceKind, bool) {
	p := policyOf(a)
	return p.need, p.perDevice
}

func policyOf(a vigil.ControlArea) areaPolicy {
	if p, ok := areaPolicies[a]; ok {
		return p
	}
	return areaPolicies[vigil.AreaGovernance]
}
