package readiness

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
)

func planInput() PlanInput {
	failing := ctrl("164.312(e)(1)", "Transmission Security", vigil.VerdictPartiallyMet, "ephi-no-cleartext")
	failing.FailingDevices = []vigil.FailingDevice{{ID: 1, AssetTag: "CE1"}, {ID: 2, AssetTag: "CE2"}, {ID: 2, AssetTag: "CE2"}}
	attested := ctrl("164.308(a)(2)", "Assigned Security Responsibility", vigil.VerdictNotMet)
	attested.Attestations = []vigil.Attestation{{ID: 9, Owner: "CISO", Answer: vigil.VerdictNotMet, Date: at.Add(-day), NextDue: at.Add(300 * day)}}
	parent := ctrl("164.312", "Technical safeguards", vigil.VerdictPartiallyMet)
	return PlanInput{
		Evaluations: []*vigil.Evaluation{{Framework: "hipaa", Controls: []vigil.ControlEvaluation{failing, attested, parent, ctrl("ok", "Met", vigil.VerdictMet)}}},
		Attestations: []vigil.Attestation{
			{ID: 5, Control: vigil.ControlRef{Framework: "hipaa", Control: "164.308(a)(7)(i)"}, Owner: "Emergency Mgmt", Answer: vigil.VerdictMet, NextDue: at.Add(-day)},
			{ID: 6, Control: vigil.ControlRef{Framework: "csf2", Control: "RC.RP-01"}, Owner: "x", NextDue: at.Add(-day)}, // framework not planned
		},
		Devices: map[int64]Device{
			1: {ID: 1, Label: "CE1", Owner: "Biomed", Criticality: vigil.CriticalityLifeSustaining, Risk: 20},
			2: {ID: 2, Label: "CE2", Owner: "Imaging", Criticality: vigil.CriticalityDiagnostic, Risk: 80},
		},
		KEV: []KEVDue{
			{DeviceID: 2, VulnID: "CVE-2020-1", Due: at.Add(-2 * day)},
			{DeviceID: 2, VulnID: "CVE-2020-2", Due: at.Add(10 * day)}, // not past due: no item, but its date wins
		},
		Audits: []*vigil.MockAudit{
			{ID: 1, Framework: "hipaa", Requests: []vigil.EvidenceRequest{
				{Control: "c", Device: 1, EvidenceNeeded: vigil.EvidencePatchHistory, Area: vigil.AreaVulnerabilities, Status: vigil.RequestMissing},
				{Control: "d", EvidenceNeeded: vigil.EvidenceAttestation, Area: vigil.AreaGovernance, Status: vigil.RequestMissing},
			}},
			{ID: 2, Framework: "hipaa", Requests: []vigil.EvidenceRequest{
				{Control: "d", EvidenceNeeded: vigil.EvidenceAttestation, Area: vigil.AreaGovernance, Status: vigil.RequestHeld},
				{Control: "e", EvidenceNeeded: vigil.EvidenceAttestation, Area: vigil.AreaTraining, Status: vigil.RequestStale, Evidence: []string{"attestation:3"}},
			}},
		},
		Now: at,
	}
}

func TestGaps(t *testing.T) {
	type row struct {
		Key      string
		Kind     vigil.PlanKind
		Owner    string
		Priority vigil.Priority
		Due      time.Time
		Device   int64
		Devices  int
	}
	var got []row
	for _, it := range Gaps(planInput()) {
		if err := it.Validate(); err != nil {
			t.Errorf("%s: %v", it.Key, err)
		}
		got = append(got, row{it.Key, it.Kind, it.Owner, it.Priority, it.Due, it.DeviceID, it.Devices})
	}
	want := []row{
		{"attestation/hipaa/164.308(a)(7)(i)", vigil.PlanOverdueAttestation, "Emergency Mgmt", vigil.PriorityMedium, time.Time{}, 0, 0},
		{"evidence/hipaa/c/1/patch-history", vigil.PlanMissingEvidence, "Biomed", vigil.PriorityHigh, time.Time{}, 1, 1},
		{"evidence/hipaa/e/0/attestation", vigil.PlanStaleEvidence, "Compliance Office", vigil.PriorityMedium, time.Time{}, 0, 0},
		{"failed-control/hipaa/164.308(a)(2)", vigil.PlanFailedControl, "CISO", vigil.PriorityMedium, time.Time{}, 0, 0},
		{"failed-control/hipaa/164.312(e)(1)", vigil.PlanFailedControl, "Biomed", vigil.PriorityCritical, at.Add(-2 * day), 0, 2},
		{"kev/2/CVE-2020-1", vigil.PlanKEVPastDue, "Imaging", vigil.PriorityCritical, at.Add(-2 * day), 2, 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("gaps (-want +got):\n%s", diff)
	}
}

func TestReconcile(t *testing.T) {
	gaps := Gaps(planInput())
	first := Reconcile(nil, gaps, at)
	if len(first) != len(gaps) {
		t.Fatalf("%d changes for %d gaps", len(first), len(gaps))
	}
	var stored []vigil.PlanItem
	for i, c := range first {
		if c.What != ChangeOpened {
			t.Errorf("%s: %s, want opened", c.Item.Key, c.What)
		}
		c.Item.ID = int64(i + 1)
		stored = append(stored, c.Item)
	}
	kev := stored[5]
	if !kev.Due.Equal(at.Add(-2*day)) || !stored[0].Due.Equal(at.Add(90*day).Truncate(day)) {
		t.Errorf("due dates: kev %v, attestation %v", kev.Due, stored[0].Due)
	}

	// The same gaps again change nothing.
	if ch := Reconcile(stored, Gaps(planInput()), at.Add(day)); len(ch) != 0 {
		t.Errorf("unchanged gaps gave %d changes: %+v", len(ch), ch)
	}

	// A hand-set owner and due date survive; a gap that went closes; a
	// gap that changed updates.
	stored[3].Owner, stored[3].OwnerSet = "Dr Who", true
	stored[3].Due, stored[3].DueSet = at.Add(5*day), true
	in := planInput()
	in.KEV = nil
	in.Attestations = nil
	in.Evaluations[0].Controls[1].Title = "Renamed"
	later := at.Add(2 * day)
	ch := Reconcile(stored, Gaps(in), later)
	got := map[string]string{}
	for _, c := range ch {
		got[c.Item.Key] = c.What
		if c.Item.ID == 0 {
			t.Errorf("%s lost its id", c.Item.Key)
		}
	}
	want := map[string]string{
		"attestation/hipaa/164.308(a)(7)(i)": ChangeClosed,
		"failed-control/hipaa/164.308(a)(2)": ChangeUpdated,
		"failed-control/hipaa/164.312(e)(1)": ChangeUpdated, // its KEV date went
		"kev/2/CVE-2020-1":                   ChangeClosed,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	for _, c := range ch {
		switch c.Item.Key {
		case "failed-control/hipaa/164.308(a)(2)":
			if c.Item.Owner != "Dr Who" || !c.Item.Due.Equal(at.Add(5*day)) {
				t.Errorf("hand-set owner and due lost: %q %v", c.Item.Owner, c.Item.Due)
			}
		case "kev/2/CVE-2020-1":
			if c.Item.Status != vigil.PlanClosed || !c.Item.Closed.Equal(later) {
				t.Errorf("closed item: %+v", c.Item)
			}
			kev = c.Item
		}
	}

	// The gap returns: the item reopens with its id.
	ch = Reconcile([]vigil.PlanItem{kev}, []vigil.PlanItem{gaps[5]}, later.Add(day))
	if len(ch) != 1 || ch[0].What != ChangeReopened || ch[0].Item.ID != kev.ID || ch[0].Item.Status != vigil.PlanOpen || !ch[0].Item.Closed.IsZero() {
		t.Errorf("reopen: %+v", ch)
	}
}

func TestDevicePriority(t *testing.T) {
	for _, tt := range []struct {
		d    Device
		want vigil.Priority
	}{
		{Device{Risk: 0}, vigil.PriorityLow},
		{Device{Risk: 30}, vigil.PriorityMedium},
		{Device{Risk: 55}, vigil.PriorityHigh},
		{Device{Risk: 75}, vigil.PriorityCritical},
		{Device{Criticality: vigil.CriticalityLifeSustaining}, vigil.PriorityHigh},
		{Device{Criticality: vigil.CriticalityLifeSupporting}, vigil.PriorityMedium},
		{Device{Criticality: vigil.CriticalityLifeSupporting, Risk: 90}, vigil.PriorityCritical},
	} {
		if got := DevicePriority(tt.d); got != tt.want {
			t.Errorf("DevicePriority(%+v) = %s, want %s", tt.d, got, tt.want)
		}
	}
}

func TestCompare(t *testing.T) {
	req := func(c string, d int64, s vigil.RequestStatus) vigil.EvidenceRequest {
		return vigil.EvidenceRequest{Control: c, Device: d, EvidenceNeeded: vigil.EvidencePatchHistory, Status: s}
	}
	from := &vigil.MockAudit{ID: 1, Framework: "hipaa", Score: 40,
		Areas:    []vigil.AreaScore{{Area: vigil.AreaInventory, Score: 40}},
		Requests: []vigil.EvidenceRequest{req("a", 1, vigil.RequestMissing), req("b", 1, vigil.RequestHeld), req("c", 0, vigil.RequestStale), req("gone", 0, vigil.RequestHeld)}}
	to := &vigil.MockAudit{ID: 2, Framework: "hipaa", Score: 60,
		Areas:    []vigil.AreaScore{{Area: vigil.AreaInventory, Score: 50}, {Area: vigil.AreaTraining, Score: 100}},
		Requests: []vigil.EvidenceRequest{req("a", 1, vigil.RequestHeld), req("b", 1, vigil.RequestStale), req("c", 0, vigil.RequestStale), req("new", 0, vigil.RequestHeld)}}
	want := &vigil.AuditComparison{From: 1, To: 2, Framework: "hipaa", ScoreFrom: 40, ScoreTo: 60,
		Areas:      []vigil.AreaChange{{Area: vigil.AreaInventory, From: 40, To: 50}, {Area: vigil.AreaTraining, From: 0, To: 100}},
		Improved:   []vigil.StatusChange{{Control: "a", Device: 1, EvidenceNeeded: vigil.EvidencePatchHistory, From: vigil.RequestMissing, To: vigil.RequestHeld}},
		Regressed:  []vigil.StatusChange{{Control: "b", Device: 1, EvidenceNeeded: vigil.EvidencePatchHistory, From: vigil.RequestHeld, To: vigil.RequestStale}},
		OnlyInFrom: 1, OnlyInTo: 1}
	if diff := cmp.Diff(want, Compare(from, to)); diff != "" {
		t.Errorf("Compare (-want +got):\n%s", diff)
	}
}
