package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	vigil "github.com/vigil-health/vigil"
)

// TestDemoReadiness runs the mock audit and the plan on the demo hospital
// through the binary: one seed draws one audit, the plan holds the failed
// controls and the KEV dates past due after the demo's evaluation, an
// attested gap opens an item that closes once the answer is met, and the
// export has the importers' columns.
func TestDemoReadiness(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "vigil.db")
	// The default 600 devices: the smaller demos have no KEV entry past due.
	if code, out, stderr := run(t, nil, "demo", "--once", "--dir", dir); code != 0 {
		t.Fatalf("demo: exit %d\n%s%s", code, out, stderr)
	}
	vigilOK := func(args ...string) string {
		t.Helper()
		code, out, stderr := run(t, nil, append(args, "--db", db)...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, stderr)
		}
		return out
	}
	getJSON := func(v any, args ...string) {
		t.Helper()
		if err := json.Unmarshal([]byte(vigilOK(append(args, "--format", "json")...)), v); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}

	// One seed, one audit: only the run's id and time differ.
	var a1, a2 vigil.MockAudit
	getJSON(&a1, "audit", "mock", "--framework", "hipaa", "--seed", "7")
	getJSON(&a2, "audit", "mock", "--framework", "hipaa", "--seed", "7")
	if a1.ID == a2.ID {
		t.Fatalf("both audits stored as %d", a1.ID)
	}
	if diff := cmp.Diff(a1, a2, cmpopts.IgnoreFields(vigil.MockAudit{}, "ID", "At")); diff != "" {
		t.Errorf("seed 7 twice (-first +second):\n%s", diff)
	}
	if a1.Framework != "hipaa" || a1.Seed != 7 || len(a1.Devices) != 10 || len(a1.Requests) == 0 || len(a1.Areas) == 0 {
		t.Errorf("audit: %+v", a1)
	}
	var other vigil.MockAudit
	getJSON(&other, "audit", "mock", "--framework", "hipaa", "--seed", "8")
	if cmp.Equal(a1.Devices, other.Devices) {
		t.Error("seeds 7 and 8 drew the same devices")
	}
	var cmpRes vigil.AuditComparison
	getJSON(&cmpRes, "audit", "compare", itoa64(a1.ID), itoa64(a2.ID))
	if cmpRes.ScoreFrom != cmpRes.ScoreTo || len(cmpRes.Improved)+len(cmpRes.Regressed) != 0 {
		t.Errorf("comparing one seed's audits: %+v", cmpRes)
	}

	// The demo's evaluation put its failed controls and its KEV dates
	// past due in the plan.
	var items []vigil.PlanItem
	getJSON(&items, "plan", "list", "--status", "open")
	kinds := map[vigil.PlanKind]int{}
	for _, it := range items {
		kinds[it.Kind]++
	}
	if kinds[vigil.PlanFailedControl] == 0 || kinds[vigil.PlanKEVPastDue] == 0 || kinds[vigil.PlanMissingEvidence] == 0 {
		t.Fatalf("open items by kind: %v", kinds)
	}

	// An attested gap opens an item; answering met closes it.
	vigilOK("attest", "hipaa:164.308(a)(2)", "--owner", "Security Officer", "--answer", "not-met", "--date", "2026-01-05", "--next-due", "2099-01-05")
	vigilOK("plan", "sync")
	var gap []vigil.PlanItem
	getJSON(&gap, "plan", "list", "--kind", "failed-control", "--framework", "hipaa", "--owner", "Security Officer")
	if len(gap) != 1 || gap[0].Status != vigil.PlanOpen || gap[0].Control.Control != "164.308(a)(2)" {
		t.Fatalf("attested gap: %+v", gap)
	}
	if out := vigilOK("plan", "set", itoa64(gap[0].ID), "--owner", "CISO", "--due", "2026-09-30"); !strings.Contains(out, "owner CISO, due 2026-09-30") {
		t.Errorf("plan set: %q", out)
	}
	vigilOK("attest", "hipaa:164.308(a)(2)", "--owner", "Security Officer", "--answer", "met", "--date", "2026-01-06", "--next-due", "2099-01-05")
	// Recording the attestation evaluated the controls again, and the plan
	// followed: the item is closed already, and a sync finds nothing more.
	if out := vigilOK("plan", "sync"); !strings.Contains(out, "0 closed") {
		t.Errorf("plan sync after the fix: %q", out)
	}
	getJSON(&gap, "plan", "list", "--owner", "CISO")
	if len(gap) != 1 || gap[0].Status != vigil.PlanClosed || gap[0].Closed.IsZero() || gap[0].Due.Format("2006-01-02") != "2026-09-30" {
		t.Fatalf("after the fix: %+v", gap)
	}

	// The export.
	file := filepath.Join(dir, "plan.csv")
	vigilOK("plan", "export", "--format", "csv", "--out", file)
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Summary", "Description", "Priority", "Due Date", "Assignee", "Assigned to", "Labels", "State", "Vigil ID", "Vigil Key"}
	if diff := cmp.Diff(want, rows[0]); diff != "" || len(rows) < 3 {
		t.Errorf("CSV header (-want +got):\n%s\n%d rows", diff, len(rows))
	}
	if code, _, stderr := run(t, nil, "audit", "mock", "--db", db); code != 2 {
		t.Errorf("audit mock without a framework: exit %d %s", code, stderr)
	}
	if code, _, stderr := run(t, nil, "audit", "mock", "--framework", "nope", "--db", db); code != 1 || !strings.Contains(stderr, "not been evaluated") {
		t.Errorf("audit mock of an unknown framework: exit %d %s", code, stderr)
	}
}
