package compliance_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/classify"
	"github.com/vigil-health/vigil/internal/compliance"
	"github.com/vigil-health/vigil/internal/exposure"
	"github.com/vigil-health/vigil/internal/inventory"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// classifier is built once for the test binary: it is immutable.
var classifier = sync.OnceValues(classify.New)

// services wires the use cases over db as the binary does.
func services(tb testing.TB, db *store.DB) (*inventory.Service, *compliance.Service) {
	tb.Helper()
	cls, err := classifier()
	if err != nil {
		tb.Fatal(err)
	}
	comp := compliance.New(db, cls)
	exp := exposure.New(db, cls).Notify(comp)
	return inventory.New(db, cls, exp).Notify(comp), comp
}

func device(tag, owner string) *vigil.Record {
	r := &vigil.Record{}
	r.Fields.Set(vigil.FieldAssetTag, tag)
	r.Fields.Set(vigil.FieldManufacturer, "BD")
	r.Fields.Set(vigil.FieldModel, "Alaris 8015")
	r.Fields.Set(vigil.FieldDeviceType, "infusion pump")
	if owner != "" {
		r.Fields.Set(vigil.FieldOwnerTeam, owner)
	}
	return r
}

func cmms(recs ...*vigil.Record) *vigil.Snapshot {
	return &vigil.Snapshot{Source: vigil.Source{Name: "cmms", Kind: vigil.SourceInventory}, Files: []string{"cmms.csv"}, Records: recs}
}

// outcome finds a check's outcome on a control of an evaluation.
func outcome(t *testing.T, ev *vigil.Evaluation, control, check string) (vigil.ControlEvaluation, vigil.CheckOutcome) {
	t.Helper()
	for _, c := range ev.Controls {
		if c.ID != control {
			continue
		}
		for _, o := range c.Checks {
			if o.ID == check {
				return c, o
			}
		}
		t.Fatalf("control %s has no outcome of check %s: %+v", control, check, c.Checks)
	}
	t.Fatalf("no control %s", control)
	return vigil.ControlEvaluation{}, vigil.CheckOutcome{}
}

func failingTags(c vigil.ControlEvaluation, check string) []string {
	var out []string
	for _, f := range c.FailingDevices {
		if f.Check == check {
			out = append(out, f.AssetTag)
		}
	}
	return out
}

// TestEvaluateAtGivesTheEarlierVerdict changes the inventory and shows that
// an evaluation at the day before decides from what Vigil knew then.
func TestEvaluateAtGivesTheEarlierVerdict(t *testing.T) {
	const accountability = "164.310(d)(2)(iii)" // every device has an owner evidences it
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		day1 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		clock := day1
		db.Now = func() time.Time { return clock }
		inv, comp := services(t, db)
		if _, err := inv.Import(ctx, nil, cmms(device("BME-1", "Biomed"), device("BME-2", "Biomed"))); err != nil {
			t.Fatal(err)
		}
		clock = day1.AddDate(0, 0, 1)
		if _, err := inv.Import(ctx, nil, cmms(device("BME-1", "Biomed"), device("BME-2", ""))); err != nil {
			t.Fatal(err)
		}
		clock = day1.AddDate(0, 0, 2)
		now, err := comp.Evaluate(ctx, nil, compliance.EvalOptions{Framework: "hipaa", Keep: true})
		if err != nil {
			t.Fatal(err)
		}
		c, o := outcome(t, now[0], accountability, "inventory-owner")
		if o.Passed != 1 || o.Failed != 1 || o.Verdict != vigil.VerdictPartiallyMet {
			t.Errorf("now: %+v", o)
		}
		if diff := cmp.Diff([]string{"BME-2"}, failingTags(c, "inventory-owner")); diff != "" {
			t.Errorf("now, failing (-want +got):\n%s", diff)
		}
		end1 := time.Date(2026, 3, 2, 23, 59, 59, 0, time.UTC)
		before, err := comp.Evaluate(ctx, nil, compliance.EvalOptions{Framework: "hipaa", At: &end1, Keep: true})
		if err != nil {
			t.Fatal(err)
		}
		c, o = outcome(t, before[0], accountability, "inventory-owner")
		if o.Passed != 2 || o.Failed != 0 || o.Verdict != vigil.VerdictMet {
			t.Errorf("the day before: %+v", o)
		}
		if got := failingTags(c, "inventory-owner"); len(got) != 0 {
			t.Errorf("the day before, failing: %v", got)
		}
		if !before[0].At.Equal(end1) {
			t.Errorf("at = %v, want %v", before[0].At, end1)
		}
		runs, err := db.FindEvaluations(ctx, "hipaa", 0)
		if err != nil {
			t.Fatal(err)
		}
		// Two imports re-evaluated every framework, and two runs here.
		if len(runs) != 4 || !runs[0].At.Equal(end1) {
			t.Errorf("stored runs: %d, newest at %v", len(runs), runs[0].At)
		}
	})
}

// TestAttestationsHoldUntilDue records an attestation and evaluates before
// it, while it holds and once it is overdue.
func TestAttestationsHoldUntilDue(t *testing.T) {
	const officer = "164.308(a)(2)" // assigned security responsibility: only people can answer
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		day := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
		clock := day
		db.Now = func() time.Time { return clock }
		_, comp := services(t, db)
		verdict := func(at *time.Time) vigil.Verdict {
			t.Helper()
			evs, err := comp.Evaluate(ctx, nil, compliance.EvalOptions{Framework: "hipaa", At: at})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range evs[0].Controls {
				if c.ID == officer {
					return c.Verdict
				}
			}
			t.Fatalf("no control %s", officer)
			return ""
		}
		a := &vigil.Attestation{Control: vigil.ControlRef{Framework: "hipaa", Control: officer}, Owner: "CISO",
			Answer: vigil.VerdictMet, Date: day.AddDate(0, 0, -3), NextDue: day.AddDate(1, 0, 0), Notes: "named in the board minutes"}
		if err := comp.Attest(ctx, &vigil.User{Name: "alice", Role: vigil.RoleCompliance}, a); err != nil {
			t.Fatal(err)
		}
		before := day.Add(-time.Hour)
		if v := verdict(&before); v != vigil.VerdictNotAssessed {
			t.Errorf("before it was recorded: %s", v)
		}
		clock = day.AddDate(0, 6, 0)
		if v := verdict(nil); v != vigil.VerdictMet {
			t.Errorf("while it holds: %s", v)
		}
		clock = day.AddDate(1, 0, 1)
		if v := verdict(nil); v != vigil.VerdictNotMet {
			t.Errorf("once overdue: %s", v)
		}
		bad := &vigil.Attestation{Control: vigil.ControlRef{Framework: "hipaa", Control: "164.999"}, Owner: "CISO",
			Answer: vigil.VerdictMet, Date: day, NextDue: day.AddDate(1, 0, 0)}
		if err := comp.Attest(ctx, nil, bad); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("unknown control: %v", err)
		}
	})
}

// TestCheckVersionsAtADate edits a check and shows that an evaluation at a
// date before the edit runs the version in force then.
func TestCheckVersionsAtADate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		day1 := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
		clock := day1
		db.Now = func() time.Time { return clock }
		inv, comp := services(t, db)
		if _, err := inv.Import(ctx, nil, cmms(device("BME-1", "Biomed"))); err != nil {
			t.Fatal(err)
		}
		strict := []byte(`id: inventory-owner
title: Every device is owned by biomed
controls: [{framework: hipaa, control: "164.310(d)(2)(iii)"}]
expr: device.owner == "Clinical Engineering"
reads: [device]
severity: medium
remediation: Reassign.
`)
		clock = day1.AddDate(0, 0, 1)
		v, err := comp.SaveCheck(ctx, nil, "owner.yaml", strict, true)
		if err != nil {
			t.Fatal(err)
		}
		if v.Version != 2 || v.Builtin {
			t.Errorf("saved %+v", v)
		}
		clock = day1.AddDate(0, 0, 2)
		evs, err := comp.Evaluate(ctx, nil, compliance.EvalOptions{Framework: "hipaa"})
		if err != nil {
			t.Fatal(err)
		}
		if _, o := outcome(t, evs[0], "164.310(d)(2)(iii)", "inventory-owner"); o.Failed != 1 {
			t.Errorf("now, with the edited check: %+v", o)
		}
		end1 := day1.Add(12 * time.Hour)
		evs, err = comp.Evaluate(ctx, nil, compliance.EvalOptions{Framework: "hipaa", At: &end1})
		if err != nil {
			t.Fatal(err)
		}
		if _, o := outcome(t, evs[0], "164.310(d)(2)(iii)", "inventory-owner"); o.Passed != 1 || o.Failed != 0 {
			t.Errorf("the day before, with the shipped check: %+v", o)
		}
		bad := []byte("id: broken\ntitle: t\ncontrols: [{framework: hipaa, control: \"164.310(d)(2)(iii)\"}]\nexpr: device.owner ==\nreads: [device]\nseverity: low\nremediation: r\n")
		if _, err := comp.SaveCheck(ctx, nil, "broken.yaml", bad, true); vigil.ErrorCode(err) != vigil.EINVALID || !contains(vigil.ErrorMessage(err), "broken.yaml:4") {
			t.Errorf("a syntax error: %v", err)
		}
	})
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
