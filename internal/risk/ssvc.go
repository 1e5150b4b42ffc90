package risk

import (
	"fmt"

	vigil "github.com/vigil-health/vigil"
)

// Exploitation is SSVC's evidence of exploitation.
type Exploitation string

// The SSVC exploitation values.
const (
	ExploitNone   Exploitation = "none"
	ExploitPoC    Exploitation = "poc"
	ExploitActive Exploitation = "active"
)

// TechnicalImpact is SSVC's technical impact of exploitation.
type TechnicalImpact string

// The SSVC technical impact values.
const (
	ImpactPartial TechnicalImpact = "partial"
	ImpactTotal   TechnicalImpact = "total"
)

// MissionWellbeing is SSVC's combined mission and well-being impact.
type MissionWellbeing string

// The SSVC mission and well-being values.
const (
	MissionLow    MissionWellbeing = "low"
	MissionMedium MissionWellbeing = "medium"
	MissionHigh   MissionWellbeing = "high"
)

// SSVCInputs are the four CISA SSVC decision points, with the reason each
// value was chosen.
type SSVCInputs struct {
	Exploitation     Exploitation     `json:"exploitation"`
	Automatable      bool             `json:"automatable"`
	TechnicalImpact  TechnicalImpact  `json:"technical_impact"`
	MissionWellbeing MissionWellbeing `json:"mission_wellbeing"`
	Why              []string         `json:"why,omitempty"`
}

// Decide returns CISA's SSVC decision for the inputs, from CISA's published
// decision table (36 rows).
func Decide(in SSVCInputs) vigil.SSVCDecision {
	m := map[MissionWellbeing]int{MissionLow: 0, MissionMedium: 1, MissionHigh: 2}[in.MissionWellbeing]
	const T, S, AT, AC = vigil.SSVCTrack, vigil.SSVCTrackStar, vigil.SSVCAttend, vigil.SSVCAct
	type key struct {
		e    Exploitation
		a    bool
		tech TechnicalImpact
	}
	// Each row: mission low, medium, high.
	table := map[key][3]vigil.SSVCDecision{
		{ExploitNone, false, ImpactPartial}:   {T, T, T},
		{ExploitNone, false, ImpactTotal}:     {T, T, S},
		{ExploitNone, true, ImpactPartial}:    {T, T, AT},
		{ExploitNone, true, ImpactTotal}:      {T, T, AT},
		{ExploitPoC, false, ImpactPartial}:    {T, T, S},
		{ExploitPoC, false, ImpactTotal}:      {T, S, AT},
		{ExploitPoC, true, ImpactPartial}:     {T, T, AT},
		{ExploitPoC, true, ImpactTotal}:       {T, S, AT},
		{ExploitActive, false, ImpactPartial}: {T, T, AT},
		{ExploitActive, false, ImpactTotal}:   {T, AT, AC},
		{ExploitActive, true, ImpactPartial}:  {AT, AT, AC},
		{ExploitActive, true, ImpactTotal}:    {AT, AC, AC},
	}
	row, ok := table[key{in.Exploitation, in.Automatable, in.TechnicalImpact}]
	if !ok {
		return ""
	}
	return row[m]
}

// EPSSPoCThreshold is the EPSS probability at or above which Vigil treats a
// vulnerability as having a public proof of concept when no other evidence
// says so. CISA's definition of "poc" has no EPSS rule; this is Vigil's proxy.
const EPSSPoCThreshold = 0.1

// Evidence is what the caller knows about a vulnerability's exploitation
// beyond the feeds (for example a CSAF threat of category exploit_status).
type Evidence struct {
	PublicPoC bool
}

// Inputs derives the SSVC decision points for one vulnerability on one device:
//
//   - Exploitation: active when the CVE is in CISA KEV; poc when the caller
//     knows of a public proof of concept or EPSS ≥ EPSSPoCThreshold; else none.
//   - Automatable: yes when the CVSS vector is network-reachable, low
//     complexity, needs no privileges and no user interaction (v3: AV:N/AC:L/PR:N/UI:N;
//     v4 additionally AT:N).
//   - Technical impact: total when confidentiality, integrity and availability
//     are all High (the attacker gets full control), else partial.
//   - Mission and well-being: see MissionFor.
func Inputs(v *vigil.Vulnerability, score vigil.Score, d *vigil.Device, ev Evidence) SSVCInputs {
	in := SSVCInputs{Exploitation: ExploitNone, TechnicalImpact: ImpactPartial}
	switch {
	case v.KEV != nil:
		in.Exploitation = ExploitActive
		in.Why = append(in.Why, "exploitation active: in CISA KEV since "+v.KEV.DateAdded.Format("2006-01-02"))
	case ev.PublicPoC:
		in.Exploitation = ExploitPoC
		in.Why = append(in.Why, "exploitation poc: public proof of concept known")
	case v.EPSS != nil && v.EPSS.Score >= EPSSPoCThreshold:
		in.Exploitation = ExploitPoC
		in.Why = append(in.Why, fmt.Sprintf("exploitation poc: EPSS %.3f ≥ %.2f", v.EPSS.Score, EPSSPoCThreshold))
	default:
		in.Why = append(in.Why, "exploitation none: not in KEV, no known proof of concept")
	}
	if m, err := ParseVector(score.Vector); err == nil {
		in.Automatable = m.Get("AV") == "N" && m.Get("AC") == "L" && m.Get("PR") == "N" && m.Get("UI") == "N" && (m.Version != "4.0" || m.Get("AT") == "N")
		c, i, a := m.Get("C"), m.Get("I"), m.Get("A")
		if m.Version == "4.0" {
			c, i, a = m.Get("VC"), m.Get("VI"), m.Get("VA")
		}
		if m.Version == "2.0" {
			if c == "C" && i == "C" && a == "C" {
				in.TechnicalImpact = ImpactTotal
			}
		} else if c == "H" && i == "H" && a == "H" {
			in.TechnicalImpact = ImpactTotal
		}
		in.Why = append(in.Why, fmt.Sprintf("automatable %s and technical impact %s from %s vector %s", yesNo(in.Automatable), in.TechnicalImpact, score.Source, score.Vector))
	} else {
		in.Why = append(in.Why, "automatable no and technical impact partial: no usable CVSS vector")
	}
	var why string
	in.MissionWellbeing, why = MissionFor(d)
	in.Why = append(in.Why, why)
	return in
}

// MissionFor maps a device's clinical criticality and ePHI to SSVC mission
// and well-being:
//
//	life-sustaining            → high   (harm would be irreversible)
//	life-supporting            → high   (essential to care; material harm)
//	diagnostic                 → medium (material harm; delayed care)
//	non-clinical with ePHI     → medium (a breach of ePHI is material)
//	non-clinical without ePHI  → low
//	unknown criticality        → medium (unknown is not safe)
//
// A diagnostic device that also stores or sends ePHI stays medium: SSVC's
// well-being axis is about people's safety first.
func MissionFor(d *vigil.Device) (MissionWellbeing, string) {
	if d == nil {
		return MissionMedium, "mission and well-being medium: device unknown"
	}
	switch d.Criticality {
	case vigil.CriticalityLifeSustaining, vigil.CriticalityLifeSupporting:
		return MissionHigh, "mission and well-being high: " + string(d.Criticality) + " device"
	case vigil.CriticalityDiagnostic:
		return MissionMedium, "mission and well-being medium: diagnostic device"
	case vigil.CriticalityNonClinical:
		if d.HasEPHI() {
			return MissionMedium, "mission and well-being medium: non-clinical device with ePHI"
		}
		return MissionLow, "mission and well-being low: non-clinical device without ePHI"
	}
	return MissionMedium, "mission and well-being medium: criticality unknown"
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
