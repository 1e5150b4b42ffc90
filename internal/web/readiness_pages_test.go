package web

import (
	"bytes"
	"strings"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// TestReadinessTemplates executes the plan and audits templates against
// their page structs, full and empty, as the users who see the editors
// and those who do not.
func TestReadinessTemplates(t *testing.T) {
	tmpl, err := parseTemplates()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	item := &vigil.PlanItem{ID: 3, Key: "kev/1/CVE-1", Kind: vigil.PlanKEVPastDue, DeviceID: 1, Title: "Remediate CVE-1 on BME-7", Detail: "due",
		Owner: "Biomed", Due: now, Priority: vigil.PriorityCritical, Status: vigil.PlanClosed, Opened: now, Closed: now}
	areas := []vigil.AreaScore{{Area: vigil.AreaInventory, Score: 50, Held: 1, Missing: 1}}
	change := vigil.StatusChange{Control: "c", Device: 1, EvidenceNeeded: vigil.EvidenceBAA, From: vigil.RequestMissing, To: vigil.RequestHeld}
	cases := []struct {
		name        string
		full, empty page
	}{
		{"plan", &planPage{Items: []*vigil.PlanItem{item}, Open: 1, Overdue: 1, Owner: "Biomed", Disabled: true}, &planPage{}},
		{"audits", &auditsPage{Audits: []*vigil.MockAuditSummary{{ID: 1, Framework: "hipaa", At: now, Score: 50, Areas: areas}},
			Comparison: &vigil.AuditComparison{Framework: "hipaa", Areas: []vigil.AreaChange{{Area: vigil.AreaInventory, From: 1, To: 2}},
				Improved: []vigil.StatusChange{change}, Regressed: []vigil.StatusChange{change}},
			Frameworks: []string{"hipaa"}, Disabled: true}, &auditsPage{}},
	}
	for _, c := range cases {
		for _, role := range []vigil.Role{vigil.RoleCompliance, vigil.RoleAuditor} {
			for variant, p := range map[string]page{"full": c.full, "empty": c.empty} {
				p.base().User = &vigil.User{Name: "dana", Role: role}
				var buf bytes.Buffer
				if err := tmpl[c.name].Execute(&buf, p); err != nil {
					t.Errorf("%s (%s, %s): %v", c.name, variant, role, err)
				} else if !strings.Contains(buf.String(), "</main>") {
					t.Errorf("%s (%s, %s): the page stops short", c.name, variant, role)
				}
			}
		}
	}
}
