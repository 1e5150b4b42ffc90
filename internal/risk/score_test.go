package risk

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
)

// cisaTable is CISA's published SSVC decision table:
// exploitation, automatable, technical impact, mission & well-being, decision.
const cisaTable = `none,no,partial,low,Track
none,no,partial,medium,Track
none,no,partial,high,Track
none,no,total,low,Track
none,no,total,medium,Track
none,no,total,high,Track*
none,yes,partial,low,Track
none,yes,partial,medium,Track
none,yes,partial,high,Attend
none,yes,total,low,Track
none,yes,total,medium,Track
none,yes,total,high,Attend
poc,no,partial,low,Track
poc,no,partial,medium,Track
poc,no,partial,high,Track*
poc,no,total,low,Track
poc,no,total,medium,Track*
poc,no,total,high,Attend
poc,yes,partial,low,Track
poc,yes,partial,medium,Track
poc,yes,partial,high,Attend
poc,yes,total,low,Track
poc,yes,total,medium,Track*
poc,yes,total,high,Attend
active,no,partial,low,Track
active,no,partial,medium,Track
active,no,partial,high,Attend
active,no,total,low,Track
active,no,total,medium,Attend
active,no,total,high,Act
active,yes,partial,low,Attend
active,yes,partial,medium,Attend
active,yes,partial,high,Act
active,yes,total,low,Attend
active,yes,total,medium,Act
active,yes,total,high,Act`

func TestDecideCISATable(t *testing.T) {
	rows := strings.Split(cisaTable, "\n")
	if len(rows) != 36 {
		t.Fatalf("%d rows", len(rows))
	}
	for _, r := range rows {
		f := strings.Split(r, ",")
		in := SSVCInputs{Exploitation: Exploitation(f[0]), Automatable: f[1] == "yes", TechnicalImpact: TechnicalImpact(f[2]), MissionWellbeing: MissionWellbeing(f[3])}
		if got := Decide(in); string(got) != f[4] {
			t.Errorf("%s: Decide = %q", r, got)
		}
	}
	if got := Decide(SSVCInputs{Exploitation: "maybe"}); got != "" {
		t.Errorf("unknown inputs gave %q", got)
	}
}

func TestMissionFor(t *testing.T) {
	tests := []struct {
		d    vigil.Device
		want MissionWellbeing
	}{
		{vigil.Device{Criticality: vigil.CriticalityLifeSustaining}, MissionHigh},
		{vigil.Device{Criticality: vigil.CriticalityLifeSupporting}, MissionHigh},
		{vigil.Device{Criticality: vigil.CriticalityDiagnostic, StoresEPHI: true}, MissionMedium},
		{vigil.Device{Criticality: vigil.CriticalityNonClinical, SendsEPHI: true}, MissionMedium},
		{vigil.Device{Criticality: vigil.CriticalityNonClinical}, MissionLow},
		{vigil.Device{}, MissionMedium},
	}
	for _, tt := range tests {
		if got, why := MissionFor(&tt.d); got != tt.want || why == "" {
			t.Errorf("MissionFor(%+v) = %q (%s), want %q", tt.d, got, why, tt.want)
		}
	}
}

var (
	mirth = &vigil.Vulnerability{ID: "CVE-2023-43208",
		Scores: []vigil.Score{{Source: "nvd@nist.gov", Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Base: 9.8}},
		EPSS:   &vigil.EPSS{Score: 0.94574},
		KEV:    &vigil.KEVEntry{CVE: "CVE-2023-43208", DateAdded: time.Date(2024, 5, 20, 0, 0, 0, 0, time.UTC), DueDate: time.Date(2024, 6, 10, 0, 0, 0, 0, time.UTC), RansomwareUse: "Unknown"}}
	dcmtk = &vigil.Vulnerability{ID: "CVE-2022-2119",
		Scores: []vigil.Score{{Source: "ics-cert@hq.dhs.gov", Version: "3.1", Vector: "CVSS:3.1/AV:A/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", Base: 7.5}},
		EPSS:   &vigil.EPSS{Score: 0.002}}
	vulns = map[string]*vigil.Vulnerability{mirth.ID: mirth, dcmtk.ID: dcmtk}
)

func TestInputs(t *testing.T) {
	pump := &vigil.Device{ID: 1, Criticality: vigil.CriticalityLifeSustaining}
	s, _ := BestScore(mirth)
	in := Inputs(mirth, s, pump, Evidence{})
	if in.Exploitation != ExploitActive || !in.Automatable || in.TechnicalImpact != ImpactTotal || in.MissionWellbeing != MissionHigh || Decide(in) != vigil.SSVCAct {
		t.Errorf("Mirth on a pump: %+v → %s", in, Decide(in))
	}
	s, _ = BestScore(dcmtk)
	in = Inputs(dcmtk, s, &vigil.Device{Criticality: vigil.CriticalityDiagnostic}, Evidence{})
	if in.Exploitation != ExploitNone || in.Automatable || in.TechnicalImpact != ImpactTotal || Decide(in) != vigil.SSVCTrack || len(in.Why) != 3 {
		t.Errorf("DCMTK on a modality: %+v → %s", in, Decide(in))
	}
	in = Inputs(dcmtk, s, &vigil.Device{Criticality: vigil.CriticalityDiagnostic}, Evidence{PublicPoC: true})
	if in.Exploitation != ExploitPoC || Decide(in) != vigil.SSVCTrackStar {
		t.Errorf("DCMTK with PoC: %+v → %s", in, Decide(in))
	}
}

func TestAssessExplained(t *testing.T) {
	dc := DeviceContext{
		Device:  &vigil.Device{ID: 9, Criticality: vigil.CriticalityLifeSupporting, StoresEPHI: true, SendsEPHI: true},
		Segment: SegmentFlat, ClearTextFindings: 2, PatientConnected: true,
		Matches: []vigil.VulnMatch{
			{DeviceID: 9, VulnID: mirth.ID, Status: vigil.StatusAffected},
			{DeviceID: 9, VulnID: dcmtk.ID, Status: vigil.StatusAffected},
			{DeviceID: 9, VulnID: "CVE-2099-0001", Status: vigil.StatusNotAffected},
		},
		Vulns: vulns,
	}
	a := Assess(dc)
	sum := 0.0
	names := []string{}
	for _, f := range a.Factors {
		sum += f.Contribution
		names = append(names, f.Name)
		if f.Detail == "" || math.Abs(f.Contribution-f.Value*f.Weight*100) > 0.01 {
			t.Errorf("factor %+v: contribution is not value × weight × 100 or no detail", f)
		}
	}
	if math.Abs(sum-a.Score) > 0.01 {
		t.Errorf("score %v, factors sum to %v", a.Score, sum)
	}
	want := []string{"clinical impact", "data (ePHI)", "exposure", "severity (CVSS)", "exploitability (KEV, EPSS, SSVC)", "mitigations in place"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("factors (-want +got):\n%s", diff)
	}
	if a.Decision != vigil.SSVCAct || len(a.Vulns) != 2 || a.Score < 80 {
		t.Errorf("assessment %+v", a)
	}

	// Mitigating the KEV vulnerability lowers the score.
	dc.Remediated = map[string]bool{mirth.ID: true}
	b := Assess(dc)
	if b.Score >= a.Score || b.Decision == vigil.SSVCAct {
		t.Errorf("after mitigation score %v (was %v), decision %s", b.Score, a.Score, b.Decision)
	}
	// A device whose every match is not affected scores low.
	dc.Matches = dc.Matches[2:]
	if c := Assess(dc); c.Score > 35 || len(c.Vulns) != 0 {
		t.Errorf("not-affected device: %+v", c)
	}
}

func TestWorklist(t *testing.T) {
	printer := DeviceContext{Device: &vigil.Device{ID: 1, Criticality: vigil.CriticalityNonClinical}, Segment: SegmentFlat,
		Matches: []vigil.VulnMatch{{DeviceID: 1, VulnID: dcmtk.ID, Status: vigil.StatusAffected}}, Vulns: vulns}
	pump := DeviceContext{Device: &vigil.Device{ID: 2, Criticality: vigil.CriticalityLifeSustaining}, Segment: SegmentClinical,
		Matches: []vigil.VulnMatch{{DeviceID: 2, VulnID: dcmtk.ID, Status: vigil.StatusAffected}, {DeviceID: 2, VulnID: mirth.ID, Status: vigil.StatusAffected}}, Vulns: vulns}
	engine := DeviceContext{Device: &vigil.Device{ID: 3, Criticality: vigil.CriticalityNonClinical, SendsEPHI: true}, Segment: SegmentFlat,
		Matches: []vigil.VulnMatch{{DeviceID: 3, VulnID: mirth.ID, Status: vigil.StatusAffected}}, Vulns: vulns, Remediated: map[string]bool{mirth.ID: true}}
	wl := Worklist([]Assessment{Assess(printer), Assess(pump), Assess(engine)})
	var got []string
	for _, p := range wl {
		got = append(got, string(rune('0'+p.DeviceID))+" "+p.VulnID+" "+string(p.Decision))
	}
	want := []string{
		"2 CVE-2023-43208 Act",
		"2 CVE-2022-2119 Track*",
		"1 CVE-2022-2119 Track",
		"3 CVE-2023-43208 Act", // remediated: last despite Act
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("worklist (-want +got):\n%s", diff)
	}
}

// TestAssessInputs checks the three inputs the exposure service sets from
// outside the matches: a public exploit raises exploitability below KEV, an
// internet-facing device has full exposure, and a compensating control
// counts under mitigations and stops driving severity.
func TestAssessInputs(t *testing.T) {
	d := &vigil.Device{ID: 7, Criticality: vigil.CriticalityDiagnostic}
	vulns := map[string]*vigil.Vulnerability{
		"CVE-2022-2119": {ID: "CVE-2022-2119", Scores: []vigil.Score{{Source: "nvd@nist.gov", Version: "3.1", Base: 9.8, Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}},
	}
	ms := []vigil.VulnMatch{{DeviceID: 7, VulnID: "CVE-2022-2119", Status: vigil.StatusAffected}}
	factor := func(a Assessment, name string) Factor {
		for _, f := range a.Factors {
			if f.Name == name {
				return f
			}
		}
		t.Fatalf("no factor %q", name)
		return Factor{}
	}
	base := Assess(DeviceContext{Device: d, Matches: ms, Vulns: vulns, Segment: SegmentClinical})
	if f := factor(base, "exploitability (KEV, EPSS, SSVC)"); f.Value >= PublicExploitValue || strings.Contains(f.Detail, "public exploit") {
		t.Errorf("without evidence: exploitability %+v", f)
	}
	ex := Assess(DeviceContext{Device: d, Matches: ms, Vulns: vulns, Segment: SegmentClinical,
		Evidence: map[string]Evidence{"CVE-2022-2119": {PublicPoC: true}}})
	if f := factor(ex, "exploitability (KEV, EPSS, SSVC)"); f.Value != PublicExploitValue || !strings.Contains(f.Detail, "public exploit reported for CVE-2022-2119") {
		t.Errorf("with a public exploit: exploitability %+v", f)
	}
	if ex.Score <= base.Score {
		t.Errorf("a public exploit did not raise the score: %v <= %v", ex.Score, base.Score)
	}
	in := Assess(DeviceContext{Device: d, Matches: ms, Vulns: vulns, Segment: SegmentClinical, InternetFacing: true})
	if f := factor(in, "exposure"); f.Value != 1 || !strings.Contains(f.Detail, "internet-facing") {
		t.Errorf("internet-facing: exposure %+v", f)
	}
	mit := Assess(DeviceContext{Device: d, Matches: ms, Vulns: vulns, Segment: SegmentClinical,
		Remediated: map[string]bool{"CVE-2022-2119": true}, Evidence: map[string]Evidence{"CVE-2022-2119": {PublicPoC: true}}})
	if f := factor(mit, "mitigations in place"); f.Value != 1 {
		t.Errorf("mitigated: %+v", f)
	}
	if f := factor(mit, "exploitability (KEV, EPSS, SSVC)"); f.Value != 0 {
		t.Errorf("a mitigated vulnerability still drives exploitability: %+v", f)
	}
}
