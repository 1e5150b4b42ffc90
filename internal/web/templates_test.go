package web

import (
	"bytes"
	"strings"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/checks"
	"github.com/vigil-health/vigil/internal/compliance"
	"github.com/vigil-health/vigil/internal/risk"
)

// TestTemplatesRenderTheirPages executes the compliance pages' templates
// (and the pages they changed) against their typed page structs, once full
// and once as empty as the handlers can make them, so that a field a
// template names and the struct lacks, or a wrong type in a branch, fails
// here rather than as a 500 in front of a user.
func TestTemplatesRenderTheirPages(t *testing.T) {
	tmpl, err := parseTemplates()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	sum := map[vigil.Verdict]int{vigil.VerdictMet: 3, vigil.VerdictNotMet: 1, vigil.VerdictNotAssessed: 5}
	runs := []*vigil.EvaluationSummary{{ID: 2, Framework: "hipaa", At: now, Summary: sum}, {ID: 1, Framework: "hipaa", At: now.AddDate(0, 0, -7), Summary: map[vigil.Verdict]int{vigil.VerdictNotAssessed: 9}}}
	ctl := vigil.Control{Framework: "hipaa", ID: "164.312(e)(1)", Title: "Transmission security", Text: "Implement technical security measures.", Parent: "164.312", Kind: vigil.KindStandard, Requirement: vigil.Required, Note: "a note"}
	fw := &vigil.Framework{ID: "hipaa", Title: "HIPAA Security Rule", Version: "2013", Source: "45 CFR 164", Proposed: true, Note: "n",
		Controls: []vigil.Control{{Framework: "hipaa", ID: "164.312", Title: "Technical safeguards", Kind: vigil.KindSection}, ctl}}
	fd := vigil.FailingDevice{ID: 7, AssetTag: "BME-7", Check: "tls-minimum-version", Reason: "weak TLS: TLS 1.0 with 10.0.0.1"}
	outcome := vigil.CheckOutcome{ID: "tls-minimum-version", Title: "No TLS below 1.2", Severity: "high", Verdict: vigil.VerdictNotMet, Passed: 3, Failed: 1}
	att := vigil.Attestation{ID: 1, Control: ctl.Ref(), Owner: "CISO", Answer: vigil.VerdictMet, Date: now.AddDate(-2, 0, 0), NextDue: now.AddDate(-1, 0, 0), Notes: "tested", RecordedBy: "dana", RecordedAt: now}
	ce := vigil.ControlEvaluation{ID: ctl.ID, Title: ctl.Title, Verdict: vigil.VerdictNotMet, FailingDevices: []vigil.FailingDevice{fd}, Checks: []vigil.CheckOutcome{outcome},
		Attestations: []vigil.Attestation{att}, Crosswalk: []vigil.ControlRef{{Framework: "csf2", Control: "PR.DS-02"}}, Basis: "1 check"}
	ev := &vigil.Evaluation{ID: 2, Framework: "hipaa", At: now, Summary: sum, Controls: []vigil.ControlEvaluation{ce}}
	st := standing{ID: "hipaa", Title: fw.Title, Version: fw.Version, Proposed: true, Controls: 2, URL: frameworkURL("hipaa"), Latest: runs[0],
		Counts: verdictCounts(sum), Bar: newStackedBar(sum), Trend: newTrend("trend-hipaa", "HIPAA", runs)}
	summary := checkSummary{ID: "tls-minimum-version", Title: "No TLS below 1.2", Severity: "high", Controls: []vigil.ControlRef{ctl.Ref()}, Version: 2, Enabled: true, SavedBy: "dana", SavedAt: now, Problem: "p"}
	version := &vigil.CheckVersion{ID: summary.ID, Version: 2, Source: "id: x\n", Enabled: true, SavedBy: "dana", SavedAt: now}
	result := compliance.DeviceResult{DeviceID: 7, AssetTag: "BME-7", Label: "BME-7", Check: summary.ID, Title: summary.Title, Severity: "high", Status: checks.StatusFail, Reason: "weak TLS"}
	form := newAttestForm(ctl.Ref(), now)
	form.Error, form.Back, form.Refs = "the owner is missing", "control", []string{ctl.Ref().String()}
	row := controlRow{ID: ctl.ID, Title: ctl.Title, URL: controlURL(ctl.Ref()), Kind: ctl.Kind, Requirement: ctl.Requirement, Tier: "essential", Withdrawn: true, Depth: 1, Verdict: vigil.VerdictNotMet, Failing: 1, Checks: 1, Attestations: 1}
	link := &refLink{Ref: ctl.Ref(), Title: ctl.Title, URL: controlURL(ctl.Ref())}

	evKey := "700765036956b20d235cde6b204c61241dafb18eba65926363541bfe5eb2a75b"
	evRows := newEvidenceRows([]*vigil.Evidence{{ID: 3, Key: evKey, Title: "Training roster", FileName: "roster.csv", MediaType: "text/csv", Size: 7,
		Areas: []vigil.EvidenceArea{vigil.EvidenceAreaTraining}, Controls: []vigil.ControlRef{ctl.Ref()}, Devices: []int64{7}, AddedBy: "dana", AddedAt: now,
		CollectedAt: now, EffectiveFrom: now, EffectiveTo: now.AddDate(0, 3, 0), ExpiresAt: now.AddDate(-1, 0, 0), Version: 2, Supersedes: 1, Auto: true}}, now)

	cases := []struct {
		name        string
		full, empty page
	}{
		{"controls", &controlsPage{Frameworks: []standing{st, {ID: "csf2", Title: "CSF"}}}, &controlsPage{}},
		{"framework", &frameworkPage{Framework: fw, Eval: ev, Counts: verdictCounts(sum), Bar: newStackedBar(sum), Rows: []controlRow{row}, Verdict: "not-met",
			Chips: []kindChip{{Label: "all", URL: "/controls/hipaa", On: true}}}, &frameworkPage{Framework: &vigil.Framework{}}},
		{"control", &controlPage{Framework: fw, Control: ctl, Parent: link, Children: []refLink{*link}, Eval: ev, Result: &ce, Failing: ce.FailingDevices, FailingTotal: 1, Devices: 1, Evidence: evRows,
			pager: pager{Page: 1, Pages: 2, NextURL: "/x?page=2"}, Attestations: []attestationRow{newAttestationRow(att, now)}, Crosswalk: []refLink{*link}, Form: form},
			&controlPage{Framework: &vigil.Framework{}}},
		{"checks", &checksPage{Checks: []checkSummary{summary}, Enabled: 1}, &checksPage{}},
		{"check", &checkPage{ID: summary.ID, Current: &summary, Source: "id: x\n", Action: "/checks/x",
			Refusal: &refusal{Message: "x.yaml:1:2: expr: bad", Line: 1, Column: 2, Excerpt: []sourceLine{{N: 1, Text: "id: x", Bad: true}, {Caret: " ^"}}},
			Test:    &checkTest{Title: "t", Passed: 1, Failed: 1, Failing: []compliance.DeviceResult{result}, More: 3}, History: []*vigil.CheckVersion{version}},
			&checkPage{New: true}},
		{"attestations", &attestationsPage{Rows: []attestationRow{newAttestationRow(att, now)}, Overdue: 1, Form: form}, &attestationsPage{}},
		{"dashboard", &dashboardPage{Counts: &vigil.DeviceCounts{}, Frameworks: []standing{st, {ID: "csf2"}}, Charts: &dashboardCharts{
			Risk: riskChart([]risk.Assessment{{Score: 71, Urgency: risk.UrgencyAct}}), Sites: siteCriticalityChart([]*vigil.Device{{SiteID: 1, Criticality: vigil.CriticalityDiagnostic}}, map[int64]string{1: "St. Brigid"}),
			Discrepancies: discrepancyChart(map[vigil.DiscrepancyKind]int{vigil.DiscrepancyStale: 3}),
			Vulns:         newLines("v", "Vulnerabilities", []time.Time{now.AddDate(0, 0, -1), now}, []legendItem{{"s-open", "open"}}, [][]int{{2, 3}})}},
			&dashboardPage{Counts: &vigil.DeviceCounts{}}},
		{"device", &devicePage{Device: &vigil.Device{ID: 7}, Checks: []compliance.DeviceResult{result}, ChecksOther: []compliance.DeviceResult{result}, Evidence: evRows},
			&devicePage{Device: &vigil.Device{ID: 7}}},
		{"evidence", &evidenceListPage{Rows: evRows, Area: "training", Control: "hipaa:164.308(a)(5)(i)", Chips: []kindChip{{Label: "all areas", URL: "/evidence", On: true}},
			Form: evidenceForm{Title: "t", Areas: vigil.EvidenceAreas, Area: "training", Error: "no control"}, List: listView{pager: pager{Page: 1, Pages: 2, NextURL: "/evidence?page=2"}, Total: 60, Limit: 50, Heads: []listHead{{Title: "Title", URL: "/evidence?sort=title", Order: "ascending"}}}},
			&evidenceListPage{}},
		{"evidence_item", &evidenceItemPage{Item: evRows[0], Versions: evRows, Latest: true, Form: evidenceForm{Supersedes: 3, Areas: vigil.EvidenceAreas}, Retained: now},
			&evidenceItemPage{Item: evidenceRow{Evidence: &vigil.Evidence{Key: evKey}}}},
	}
	for _, c := range cases {
		for variant, p := range map[string]page{"full": c.full, "empty": c.empty} {
			p.base().User = &vigil.User{Name: "dana", Role: vigil.RoleCompliance}
			var buf bytes.Buffer
			if tmpl[c.name] == nil {
				t.Fatalf("no template %s", c.name)
			}
			if err := tmpl[c.name].Execute(&buf, p); err != nil {
				t.Errorf("%s (%s): %v", c.name, variant, err)
			} else if !strings.Contains(buf.String(), "</main>") {
				t.Errorf("%s (%s): the page stops short", c.name, variant)
			}
		}
	}
}
