package readiness

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
)

var at = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func ctrl(id, title string, v vigil.Verdict, checks ...string) vigil.ControlEvaluation {
	ce := vigil.ControlEvaluation{ID: id, Title: title, Verdict: v}
	for _, c := range checks {
		ce.Checks = append(ce.Checks, vigil.CheckOutcome{ID: c})
	}
	return ce
}

func TestAreaOf(t *testing.T) {
	for _, tt := range []struct {
		ce   vigil.ControlEvaluation
		want vigil.ControlArea
	}{
		{ctrl("ID.AM-01", "Inventories of hardware", vigil.VerdictMet, "inventory-owner", "inventory-location", "kev-past-due"), vigil.AreaInventory},
		{ctrl("x", "Anything", vigil.VerdictMet, "kev-past-due"), vigil.AreaVulnerabilities},
		{ctrl("x", "Anything", vigil.VerdictMet, "remote-access-baa"), vigil.AreaVendorManagement},
		{ctrl("164.308(b)(1)", "Business Associate Contracts and Other Arrangements", vigil.VerdictNotAssessed), vigil.AreaVendorManagement},
		{ctrl("164.308(a)(5)(i)", "Security Awareness and Training", vigil.VerdictNotAssessed), vigil.AreaTraining},
		{ctrl("164.308(a)(6)(i)", "Security Incident Procedures", vigil.VerdictNotAssessed), vigil.AreaIncidentResponse},
		{ctrl("164.312(d)", "Person or Entity Authentication", vigil.VerdictNotAssessed), vigil.AreaAccessControl},
		{ctrl("164.312(b)", "Audit Controls", vigil.VerdictNotAssessed), vigil.AreaMonitoring},
		{ctrl("164.308(a)(2)", "Assigned Security Responsibility", vigil.VerdictNotAssessed), vigil.AreaGovernance},
	} {
		if got := AreaOf(&tt.ce); got != tt.want {
			t.Errorf("AreaOf(%s %q) = %s, want %s", tt.ce.ID, tt.ce.Title, got, tt.want)
		}
	}
}

func TestAnswer(t *testing.T) {
	ev := &vigil.Evaluation{Framework: "hipaa"}
	ref := []vigil.ControlRef{{Framework: "hipaa", Control: "c1"}}
	dev := &Device{ID: 7, Label: "CE7", LastSeen: at.Add(-time.Hour)}
	for _, tt := range []struct {
		name     string
		kind     vigil.EvidenceKind
		area     vigil.ControlArea
		device   *Device
		evidence []Evidence
		atts     []vigil.Attestation
		noRepo   bool
		want     vigil.RequestStatus
		refs     []string
	}{
		{name: "inventory record held", kind: vigil.EvidenceInventoryRecord, area: vigil.AreaInventory, device: dev, want: vigil.RequestHeld, refs: []string{"device:7"}},
		{name: "inventory record stale", kind: vigil.EvidenceInventoryRecord, area: vigil.AreaInventory,
			device: &Device{ID: 8, LastSeen: at.Add(-200 * day)}, want: vigil.RequestStale, refs: []string{"device:8"}},
		{name: "patch history missing", kind: vigil.EvidencePatchHistory, area: vigil.AreaVulnerabilities, device: dev, noRepo: true, want: vigil.RequestMissing, refs: []string{}},
		{name: "patch history held", kind: vigil.EvidencePatchHistory, area: vigil.AreaVulnerabilities, device: dev,
			evidence: []Evidence{{ID: "evidence:1", Controls: ref, Devices: []int64{7}, Collected: at.Add(-10 * day)}}, want: vigil.RequestHeld, refs: []string{"evidence:1"}},
		{name: "other device's evidence", kind: vigil.EvidencePatchHistory, area: vigil.AreaVulnerabilities, device: dev,
			evidence: []Evidence{{ID: "evidence:1", Controls: ref, Devices: []int64{8}}}, want: vigil.RequestMissing, refs: []string{}},
		{name: "other control's evidence", kind: vigil.EvidencePatchHistory, area: vigil.AreaVulnerabilities, device: dev,
			evidence: []Evidence{{ID: "evidence:1", Controls: []vigil.ControlRef{{Framework: "csf2", Control: "c1"}}}}, want: vigil.RequestMissing, refs: []string{}},
		{name: "other kind", kind: vigil.EvidencePatchHistory, area: vigil.AreaVulnerabilities, device: dev,
			evidence: []Evidence{{ID: "evidence:1", Kind: vigil.EvidenceBAA, Controls: ref}}, want: vigil.RequestMissing, refs: []string{}},
		{name: "too old for the area", kind: vigil.EvidencePatchHistory, area: vigil.AreaVulnerabilities, device: dev,
			evidence: []Evidence{{ID: "evidence:1", Controls: ref, Collected: at.Add(-31 * day)}}, want: vigil.RequestStale, refs: []string{"evidence:1"}},
		{name: "old but fine for governance", kind: vigil.EvidenceAttestation, area: vigil.AreaGovernance,
			evidence: []Evidence{{ID: "evidence:1", Controls: ref, Collected: at.Add(-300 * day)}}, want: vigil.RequestHeld, refs: []string{"evidence:1"}},
		{name: "expired", kind: vigil.EvidenceBAA, area: vigil.AreaVendorManagement, device: dev,
			evidence: []Evidence{{ID: "evidence:2", Controls: ref, Expires: at}}, want: vigil.RequestStale, refs: []string{"evidence:2"}},
		{name: "not yet effective", kind: vigil.EvidenceBAA, area: vigil.AreaVendorManagement, device: dev,
			evidence: []Evidence{{ID: "evidence:2", Controls: ref, EffectiveFrom: at.Add(day)}}, want: vigil.RequestStale, refs: []string{"evidence:2"}},
		{name: "effective period over", kind: vigil.EvidenceBAA, area: vigil.AreaVendorManagement, device: dev,
			evidence: []Evidence{{ID: "evidence:2", Controls: ref, EffectiveTo: at.Add(-day)}}, want: vigil.RequestStale, refs: []string{"evidence:2"}},
		{name: "fresh beats stale", kind: vigil.EvidenceBAA, area: vigil.AreaVendorManagement, device: dev,
			evidence: []Evidence{{ID: "evidence:2", Controls: ref, Expires: at}, {ID: "evidence:3", Controls: ref}}, want: vigil.RequestHeld, refs: []string{"evidence:3"}},
		{name: "attestation held", kind: vigil.EvidenceAttestation, area: vigil.AreaGovernance,
			atts: []vigil.Attestation{{ID: 4, Control: ref[0], Owner: "CISO", NextDue: at.Add(day)}}, want: vigil.RequestHeld, refs: []string{"attestation:4"}},
		{name: "attestation overdue", kind: vigil.EvidenceAttestation, area: vigil.AreaGovernance,
			atts: []vigil.Attestation{{ID: 4, Control: ref[0], Owner: "CISO", NextDue: at}}, want: vigil.RequestStale, refs: []string{"attestation:4"}},
		{name: "attestation missing", kind: vigil.EvidenceAttestation, area: vigil.AreaGovernance, want: vigil.RequestMissing, refs: []string{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			in := &AuditInput{Evaluation: ev, Evidence: tt.evidence, At: at, NoRepository: tt.noRepo}
			h := &holdings{in: in, atts: attestationsOf(tt.atts, "hipaa")}
			r := h.answer("c1", tt.area, tt.device, tt.kind)
			if r.Status != tt.want {
				t.Errorf("status %s, want %s (reason %q)", r.Status, tt.want, r.Reason)
			}
			if diff := cmp.Diff(tt.refs, r.Evidence); diff != "" {
				t.Errorf("evidence (-want +got):\n%s", diff)
			}
			if r.Status != vigil.RequestHeld && r.Reason == "" {
				t.Error("no reason given")
			}
		})
	}
}

func TestScore(t *testing.T) {
	rs := []vigil.EvidenceRequest{
		{Area: vigil.AreaInventory, Status: vigil.RequestHeld},
		{Area: vigil.AreaInventory, Status: vigil.RequestStale},
		{Area: vigil.AreaGovernance, Status: vigil.RequestMissing},
		{Area: vigil.AreaInventory, Status: vigil.RequestMissing},
	}
	areas, total := score(rs)
	want := []vigil.AreaScore{
		{Area: vigil.AreaGovernance, Score: 0, Missing: 1},
		{Area: vigil.AreaInventory, Score: 50, Held: 1, Stale: 1, Missing: 1},
	}
	if diff := cmp.Diff(want, areas); diff != "" {
		t.Errorf("areas (-want +got):\n%s", diff)
	}
	if total != 37.5 {
		t.Errorf("total %v, want 37.5", total)
	}
}

// genInput is a random hospital and evaluation drawn from seed.
func genInput(seed int64) AuditInput {
	r := rand.New(rand.NewPCG(uint64(seed), 1))
	ev := &vigil.Evaluation{ID: 1, Framework: "hipaa", At: at}
	titles := []string{"Inventory of devices", "Access control", "Audit controls", "Business associate contracts", "Security awareness and training", "Assigned security responsibility", "Protection from malicious software"}
	verdicts := vigil.Verdicts()
	nd := 1 + r.IntN(60)
	var devs []Device
	for i := range nd {
		devs = append(devs, Device{ID: int64(i + 1), Label: fmt.Sprintf("CE%d", i+1), Criticality: vigil.Criticalities[r.IntN(4)],
			Risk: r.Float64() * 100, LastSeen: at.Add(-time.Duration(r.IntN(200)) * day)})
	}
	for i := range 5 + r.IntN(40) {
		ce := vigil.ControlEvaluation{ID: fmt.Sprintf("c%d", i), Title: titles[r.IntN(len(titles))], Verdict: verdicts[r.IntN(len(verdicts))]}
		for range r.IntN(4) {
			ce.FailingDevices = append(ce.FailingDevices, vigil.FailingDevice{ID: int64(1 + r.IntN(nd))})
		}
		ev.Controls = append(ev.Controls, ce)
	}
	var evidence []Evidence
	for i := range r.IntN(30) {
		e := Evidence{ID: fmt.Sprintf("evidence:%d", i), Controls: []vigil.ControlRef{{Framework: "hipaa", Control: ev.Controls[r.IntN(len(ev.Controls))].ID}},
			Collected: at.Add(-time.Duration(r.IntN(400)) * day)}
		if r.IntN(2) == 0 {
			e.Devices = []int64{int64(1 + r.IntN(nd))}
		}
		evidence = append(evidence, e)
	}
	return AuditInput{Evaluation: ev, Devices: devs, Evidence: evidence, Seed: seed, Sample: 1 + r.IntN(15), At: at}
}

// TestAuditGenerated checks, on random hospitals, that an audit is
// reproducible, samples distinct devices from the inventory, scores within
// 0 to 100 and accounts for every request in its areas.
func TestAuditGenerated(t *testing.T) {
	base := time.Now().UnixNano()
	for i := range 200 {
		seed := base + int64(i)
		in := genInput(seed)
		a, b := Audit(in), Audit(in)
		if diff := cmp.Diff(a, b); diff != "" {
			t.Fatalf("seed %d: the same seed gave two audits (-first +second):\n%s", seed, diff)
		}
		want := min(in.Sample, len(in.Devices))
		if len(a.Devices) != want {
			t.Fatalf("seed %d: sampled %d devices, want %d", seed, len(a.Devices), want)
		}
		seen := map[int64]bool{}
		for _, d := range a.Devices {
			if seen[d.ID] {
				t.Fatalf("seed %d: device %d sampled twice", seed, d.ID)
			}
			seen[d.ID] = true
		}
		n := 0
		for _, s := range a.Areas {
			n += s.Held + s.Stale + s.Missing
			if s.Score < 0 || s.Score > 100 {
				t.Fatalf("seed %d: area %s scores %v", seed, s.Area, s.Score)
			}
		}
		if n != len(a.Requests) || a.Score < 0 || a.Score > 100 {
			t.Fatalf("seed %d: %d requests, %d in areas, score %v", seed, len(a.Requests), n, a.Score)
		}
		for _, r := range a.Requests {
			if r.Device != 0 && !seen[r.Device] {
				t.Fatalf("seed %d: request for unsampled device %d", seed, r.Device)
			}
		}
	}
}

// TestSampleWeighting checks that high clinical risk is drawn far more
// often than low: over many seeds, a life-sustaining device of risk 90 is
// sampled more than three times as often as a non-clinical one of risk 0.
func TestSampleWeighting(t *testing.T) {
	var devs []Device
	for i := range 50 {
		d := Device{ID: int64(i + 1), Criticality: vigil.CriticalityNonClinical}
		if i%10 == 0 {
			d.Criticality, d.Risk = vigil.CriticalityLifeSustaining, 90
		}
		devs = append(devs, d)
	}
	hi, lo := 0, 0
	for seed := range int64(500) {
		rng := rand.New(rand.NewPCG(uint64(seed), 2))
		for _, d := range drawDevices(rng, devs, 5) {
			if d.Risk > 0 {
				hi++
			} else {
				lo++
			}
		}
	}
	// 5 of 50 devices are risky: uniform sampling would draw them 10%
	// of the time.
	if hi*10 < (hi+lo)*3 {
		t.Errorf("risky devices drawn %d times of %d: not weighted", hi, hi+lo)
	}
}

func TestAuditRequests(t *testing.T) {
	ev := &vigil.Evaluation{ID: 3, Framework: "hipaa", Controls: []vigil.ControlEvaluation{
		ctrl("inv", "Inventory", vigil.VerdictPartiallyMet, "inventory-owner"),
		ctrl("gov", "Assigned Security Responsibility", vigil.VerdictNotAssessed),
		ctrl("na", "Not applicable", vigil.VerdictNotApplicable),
	}}
	ev.Controls[0].FailingDevices = []vigil.FailingDevice{{ID: 2}}
	devs := []Device{{ID: 1, Label: "A", LastSeen: at}, {ID: 2, Label: "B", LastSeen: at}}
	a := Audit(AuditInput{Evaluation: ev, Devices: devs, Seed: 1, Sample: 5, At: at, NoRepository: true})
	type req struct {
		Control string
		Device  int64
		Kind    vigil.EvidenceKind
		Status  vigil.RequestStatus
	}
	var got []req
	for _, r := range a.Requests {
		got = append(got, req{r.Control, r.Device, r.EvidenceNeeded, r.Status})
	}
	first, second := a.Devices[0].ID, a.Devices[1].ID
	want := []req{
		{"inv", first, vigil.EvidenceInventoryRecord, vigil.RequestHeld},
		{"inv", second, vigil.EvidenceInventoryRecord, vigil.RequestHeld},
		{"inv", 2, vigil.EvidenceCompensatingControls, vigil.RequestMissing},
		{"gov", 0, vigil.EvidenceAttestation, vigil.RequestMissing},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("requests (-want +got):\n%s", diff)
	}
	if a.Score != 50 || len(a.Notes) == 0 {
		t.Errorf("score %v, notes %q", a.Score, a.Notes)
	}
}
