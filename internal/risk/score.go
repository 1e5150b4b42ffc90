package risk

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// Segment is how exposed the network segment a device sits on is.
type Segment string

// The network segment exposures, from least to most exposed.
const (
	SegmentIsolated Segment = "isolated" // dedicated medical VLAN with an allow-list
	SegmentClinical Segment = "clinical" // clinical VLAN shared with other clinical systems
	SegmentFlat     Segment = "flat"     // the general hospital network
	SegmentGuest    Segment = "guest"    // guest or BYOD network
	SegmentUnknown  Segment = ""
)

func (s Segment) exposure() float64 {
	switch s {
	case SegmentIsolated:
		return 0.1
	case SegmentClinical:
		return 0.4
	case SegmentFlat:
		return 0.7
	case SegmentGuest:
		return 1.0
	}
	return 0.5
}

// DeviceContext is everything the risk model needs about one device. The lead
// fills it from the store, discovery findings and matching.
type DeviceContext struct {
	Device            *vigil.Device
	PatientConnected  bool
	Segment           Segment
	ClearTextFindings int  // discovery findings of PHI or credentials in clear text
	RemoteAccess      bool // vendor remote access enabled
	InternetFacing    bool
	Matches           []vigil.VulnMatch
	Vulns             map[string]*vigil.Vulnerability // by id, for every match
	Remediated        map[string]bool                 // vuln ids whose remediation or mitigation is applied on this device
	Evidence          map[string]Evidence             // extra exploitation evidence by vuln id
}

// Factor is one explained term of a device's risk score.
type Factor struct {
	Name         string  `json:"name"`
	Value        float64 `json:"value"`  // 0..1
	Weight       float64 `json:"weight"` // negative for mitigations
	Contribution float64 `json:"contribution"`
	Detail       string  `json:"detail"`
}

// VulnPriority is one vulnerability on one device with everything that
// ranks it.
type VulnPriority struct {
	DeviceID   int64               `json:"device_id"`
	VulnID     string              `json:"vuln_id"`
	AdvisoryID string              `json:"advisory_id,omitempty"`
	Status     vigil.ProductStatus `json:"status"`
	Score      vigil.Score         `json:"score"` // the CVSS ranked by, with its source
	EPSS       float64             `json:"epss"`
	KEV        bool                `json:"kev"`
	KEVDue     time.Time           `json:"kev_due,omitzero"`
	Ransomware bool                `json:"ransomware"`
	SSVC       SSVCInputs          `json:"ssvc"`
	Decision   vigil.SSVCDecision  `json:"decision"`
	Remediated bool                `json:"remediated"`
	FixedIn    string              `json:"fixed_in,omitempty"`
	DeviceRisk float64             `json:"device_risk"` // the device's overall score, for ranking
}

// Assessment is a device's explained risk score and its prioritised vulnerabilities.
type Assessment struct {
	DeviceID int64 `json:"device_id"`
	// FDAClass is the taxonomy's FDA device class of the device's type ("I",
	// "II", "III"), "" when it is not a medical device type.
	FDAClass string             `json:"fda_class,omitempty"`
	Score    float64            `json:"score"`    // 0..100
	Decision vigil.SSVCDecision `json:"decision"` // most urgent across its open vulnerabilities
	// Open counts the vulnerabilities neither fixed, not affected nor
	// remediated on the device; KEV, Ransomware and KEVDue (the earliest
	// due date) describe those open ones only.
	Open       int       `json:"open"`
	KEV        bool      `json:"kev"`
	Ransomware bool      `json:"ransomware"`
	KEVDue     time.Time `json:"kev_due,omitzero"`
	// Urgency is the worklist's tier (see Rank): 2 for an SSVC Act or a
	// KEV vulnerability with known ransomware use, 1 for a KEV
	// vulnerability past its due date, else 0. Rank sets it.
	Urgency int            `json:"urgency"`
	Factors []Factor       `json:"factors"`
	Vulns   []VulnPriority `json:"vulns"`
}

// The factor weights. Positive weights sum to 1, so an unmitigated device
// with every factor at its maximum scores 100.
const (
	WeightClinical       = 0.25
	WeightData           = 0.10
	WeightExposure       = 0.20
	WeightSeverity       = 0.15
	WeightExploitability = 0.30
	WeightMitigation     = -0.20
)

// PublicExploitValue is the exploitability of a device with an open
// vulnerability for which a public exploit is reported (an NVD or CVE
// reference tagged as an exploit, a CSAF exploit_status): below KEV's 1,
// which is exploitation seen in the wild.
const PublicExploitValue = 0.8

// Assess scores one device. Matches whose status is not_affected or fixed
// do not count; matches with an applied remediation count under mitigations.
func Assess(dc DeviceContext) Assessment {
	a := Assessment{}
	d := dc.Device
	if d != nil {
		a.DeviceID = d.ID
	}
	open, mitigated := 0, 0
	var maxCVSS, maxEPSS float64
	var maxCVSSFrom string
	kev, ransomware := false, false
	exploit := "" // the first open vulnerability with a public exploit reported
	for _, m := range dc.Matches {
		if m.Status == vigil.StatusNotAffected || m.Status == vigil.StatusFixed {
			continue
		}
		v := dc.Vulns[m.VulnID]
		if v == nil {
			v = &vigil.Vulnerability{ID: m.VulnID}
		}
		p := prioritise(d, m, v, dc.Evidence[m.VulnID])
		p.Remediated = dc.Remediated[m.VulnID]
		a.Vulns = append(a.Vulns, p)
		open++
		if p.Remediated {
			mitigated++
			continue // a mitigated vulnerability no longer drives severity and exploitability
		}
		if p.Score.Base > maxCVSS {
			maxCVSS, maxCVSSFrom = p.Score.Base, p.VulnID+" ("+p.Score.Source+")"
		}
		maxEPSS = math.Max(maxEPSS, p.EPSS)
		a.Open++
		if p.KEV && !p.KEVDue.IsZero() && (a.KEVDue.IsZero() || p.KEVDue.Before(a.KEVDue)) {
			a.KEVDue = p.KEVDue
		}
		kev = kev || p.KEV
		if exploit == "" && dc.Evidence[m.VulnID].PublicPoC {
			exploit = m.VulnID
		}
		ransomware = ransomware || p.Ransomware
		if p.Decision.Rank() > a.Decision.Rank() {
			a.Decision = p.Decision
		}
	}

	clinical := 0.5
	clinicalWhy := "criticality unknown"
	if d != nil && d.Criticality.Rank() > 0 {
		clinical = float64(d.Criticality.Rank()) / 4
		clinicalWhy = "criticality " + string(d.Criticality)
	}
	if dc.PatientConnected {
		clinical = math.Min(1, clinical+0.25)
		clinicalWhy += ", patient-connected"
	}
	data, dataWhy := 0.0, "no ePHI"
	if d != nil {
		switch {
		case d.StoresEPHI && d.SendsEPHI:
			data, dataWhy = 1, "stores and sends ePHI"
		case d.StoresEPHI:
			data, dataWhy = 0.7, "stores ePHI"
		case d.SendsEPHI:
			data, dataWhy = 0.6, "sends ePHI"
		}
	}
	exposure := dc.Segment.exposure()
	expWhy := fmt.Sprintf("segment %s", cmp.Or(string(dc.Segment), "unknown"))
	if dc.ClearTextFindings > 0 {
		exposure += 0.2
		expWhy += fmt.Sprintf(", %d clear-text findings", dc.ClearTextFindings)
	}
	if dc.RemoteAccess {
		exposure += 0.15
		expWhy += ", vendor remote access"
	}
	if dc.InternetFacing {
		exposure = 1
		expWhy += ", internet-facing"
	}
	exposure = math.Min(1, exposure)
	severity := maxCVSS / 10
	sevWhy := "no open vulnerability"
	if maxCVSSFrom != "" {
		sevWhy = fmt.Sprintf("highest CVSS %.1f: %s", maxCVSS, maxCVSSFrom)
	}
	expl := math.Max(maxEPSS, float64(a.Decision.Rank()-1)/3)
	explWhy := fmt.Sprintf("max EPSS %.3f, SSVC %s", maxEPSS, cmp.Or(string(a.Decision), "none"))
	if exploit != "" {
		expl = math.Max(expl, PublicExploitValue)
		explWhy = "public exploit reported for " + exploit + "; " + explWhy
	}
	if kev {
		expl = 1
		explWhy = "a vulnerability is in CISA KEV; " + explWhy
	}
	if ransomware {
		explWhy += "; known ransomware use"
	}
	a.KEV, a.Ransomware = kev, ransomware
	mitig, mitWhy := 0.0, "no open vulnerabilities"
	if open > 0 {
		mitig = float64(mitigated) / float64(open)
		mitWhy = fmt.Sprintf("%d of %d open vulnerabilities remediated or mitigated", mitigated, open)
	}
	if open == 0 {
		// Nothing to exploit: the device's context alone is not risk from vulnerabilities.
		severity, expl = 0, 0
	}
	add := func(name string, value, weight float64, why string) {
		a.Factors = append(a.Factors, Factor{Name: name, Value: round3(value), Weight: weight, Contribution: round3(value * weight * 100), Detail: why})
	}
	add("clinical impact", clinical, WeightClinical, clinicalWhy)
	add("data (ePHI)", data, WeightData, dataWhy)
	add("exposure", exposure, WeightExposure, expWhy)
	add("severity (CVSS)", severity, WeightSeverity, sevWhy)
	add("exploitability (KEV, EPSS, SSVC)", expl, WeightExploitability, explWhy)
	add("mitigations in place", mitig, WeightMitigation, mitWhy)
	total := 0.0
	for _, f := range a.Factors {
		total += f.Contribution
	}
	if open == 0 || open == mitigated {
		// Context factors cap the score of a device with no open exposure.
		total = math.Min(total, 35)
	}
	a.Score = round3(math.Max(0, math.Min(100, total)))
	for i := range a.Vulns {
		a.Vulns[i].DeviceRisk = a.Score
	}
	return a
}

func prioritise(d *vigil.Device, m vigil.VulnMatch, v *vigil.Vulnerability, ev Evidence) VulnPriority {
	p := VulnPriority{VulnID: m.VulnID, AdvisoryID: m.AdvisoryID, Status: m.Status, FixedIn: m.FixedIn, DeviceID: m.DeviceID}
	if p.DeviceID == 0 && d != nil {
		p.DeviceID = d.ID
	}
	p.Score, _ = BestScore(v)
	if v.EPSS != nil {
		p.EPSS = v.EPSS.Score
	}
	if v.KEV != nil {
		p.KEV, p.KEVDue, p.Ransomware = true, v.KEV.DueDate, v.KEV.KnownRansomware()
	}
	p.SSVC = Inputs(v, p.Score, d, ev)
	p.Decision = Decide(p.SSVC)
	return p
}

// round3 rounds x to three decimals, and never to negative zero, which
// would print as "-0.0".
func round3(x float64) float64 {
	r := math.Round(x*1000) / 1000
	if r == 0 {
		return 0
	}
	return r
}

// Urgency tiers of the device worklist, most urgent highest.
const (
	UrgencyNone    = 0
	UrgencyOverdue = 1 // an open KEV vulnerability past its due date
	UrgencyAct     = 2 // SSVC Act, or an open KEV vulnerability with known ransomware use
)

// urgency is a's tier at now.
func urgency(a Assessment, now time.Time) int {
	switch {
	case a.Decision == vigil.SSVCAct || a.KEV && a.Ransomware:
		return UrgencyAct
	case a.KEV && !a.KEVDue.IsZero() && a.KEVDue.Before(now):
		return UrgencyOverdue
	}
	return UrgencyNone
}

// Rank orders the device worklist in place, most urgent first, and sets
// each assessment's Urgency: SSVC Act and KEV with known ransomware use
// first, then KEV past its due date at now, then devices with something
// open before those without, then the explained score, the most urgent
// SSVC decision, the earliest KEV due date, and the device id for a
// stable order. The web, the API and the CLI all list in this order.
func Rank(as []Assessment, now time.Time) {
	for i := range as {
		as[i].Urgency = urgency(as[i], now)
	}
	slices.SortStableFunc(as, func(x, y Assessment) int {
		if c := cmp.Compare(y.Urgency, x.Urgency); c != 0 {
			return c
		}
		if c := cmp.Compare(min(y.Open, 1), min(x.Open, 1)); c != 0 {
			return c
		}
		if c := cmp.Compare(y.Score, x.Score); c != 0 {
			return c
		}
		if c := cmp.Compare(y.Decision.Rank(), x.Decision.Rank()); c != 0 {
			return c
		}
		if !x.KEVDue.Equal(y.KEVDue) {
			switch {
			case x.KEVDue.IsZero():
				return 1
			case y.KEVDue.IsZero():
				return -1
			}
			return x.KEVDue.Compare(y.KEVDue)
		}
		return cmp.Compare(x.DeviceID, y.DeviceID)
	})
}

// Worklist ranks open vulnerabilities across devices, most urgent first:
// unremediated before remediated, then SSVC decision (Act first), then the
// earliest KEV due date, then the device's risk score, EPSS, CVSS, and ids
// for a stable order.
func Worklist(as []Assessment) []VulnPriority {
	var out []VulnPriority
	for _, a := range as {
		out = append(out, a.Vulns...)
	}
	slices.SortStableFunc(out, func(x, y VulnPriority) int {
		if x.Remediated != y.Remediated {
			if x.Remediated {
				return 1
			}
			return -1
		}
		if c := cmp.Compare(y.Decision.Rank(), x.Decision.Rank()); c != 0 {
			return c
		}
		if x.KEV != y.KEV {
			if x.KEV {
				return -1
			}
			return 1
		}
		if x.KEV && !x.KEVDue.Equal(y.KEVDue) {
			return x.KEVDue.Compare(y.KEVDue)
		}
		if c := cmp.Compare(y.DeviceRisk, x.DeviceRisk); c != 0 {
			return c
		}
		if c := cmp.Compare(y.EPSS, x.EPSS); c != 0 {
			return c
		}
		if c := cmp.Compare(y.Score.Base, x.Score.Base); c != 0 {
			return c
		}
		if c := cmp.Compare(x.DeviceID, y.DeviceID); c != 0 {
			return c
		}
		return cmp.Compare(x.VulnID, y.VulnID)
	})
	return out
}
