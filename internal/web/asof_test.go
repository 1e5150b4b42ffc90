package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestAsOfPages changes a device, its matches and the standing of a
// framework on two days, and reads every page with a date picker at the day
// between: the old firmware, the old match, the run in force then, and the
// banner that says so.
func TestAsOfPages(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	day1 := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -10).Add(12 * time.Hour)
	clock := day1
	db.Now = func() time.Time { return clock }
	e := newEnv(t, db)
	ctx := context.Background()
	update := func(fn func(tx *store.Tx) error) {
		t.Helper()
		if err := db.Update(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	importPump := func(firmware string) int64 {
		t.Helper()
		_, err := e.svc.Inventory.Import(ctx, nil, &vigil.Snapshot{Source: vigil.Source{Name: "cmdb", Kind: vigil.SourceInventory}, Records: []*vigil.Record{
			{Fields: vigil.MakeFields(map[string]string{"asset_tag": "TT-PUMP-1", "manufacturer": "Acme", "model": "Pump 9", "firmware": firmware, "device_type": "infusion pump"})},
		}})
		if err != nil {
			t.Fatal(err)
		}
		devs, _, err := db.FindDevices(ctx, vigil.DeviceFilter{Query: "TT-PUMP-1"})
		if err != nil || len(devs) != 1 {
			t.Fatalf("the pump: %v %v", devs, err)
		}
		return devs[0].ID
	}
	matchTo := func(dev int64, vuln string) {
		update(func(tx *store.Tx) error {
			if err := tx.UpsertVulnerability(ctx, &vigil.Vulnerability{ID: vuln, Description: vuln + " in the pump"}); err != nil {
				return err
			}
			_, err := tx.ReplaceMatches(ctx, nil, [][]vigil.VulnMatch{{{DeviceID: dev, VulnID: vuln, Status: vigil.StatusAffected}}}, nil)
			return err
		})
	}
	evaluate := func(met int) int64 {
		ev := &vigil.Evaluation{Framework: "hipaa", At: clock, Summary: map[vigil.Verdict]int{vigil.VerdictMet: met}}
		update(func(tx *store.Tx) error { return tx.SaveEvaluation(ctx, nil, ev) })
		return ev.ID
	}
	// Day 1: firmware 1.0, matched to CVE-OLD. Day 3: firmware 2.0 and CVE-NEW.
	pump := importPump("1.0")
	matchTo(pump, "CVE-2020-0001")
	run1 := evaluate(1)
	clock = day1.AddDate(0, 0, 2)
	importPump("2.0")
	matchTo(pump, "CVE-2020-0002")
	run3 := evaluate(2)
	db.Now = func() time.Time { return time.Now().UTC() }

	between := day1.AddDate(0, 0, 1).Format("2006-01-02")
	before := day1.AddDate(0, 0, -1).Format("2006-01-02")
	banner := "As it stood on <strong>" + between + "</strong>"
	admin, _ := e.client("admin")
	for _, c := range []struct {
		path       string
		want, lack []string
	}{
		{"/devices?q=TT-PUMP", []string{"<td>2.0</td>", `type="date" name="as_of" value=""`}, []string{"As it stood"}},
		{"/devices?q=TT-PUMP&as_of=" + between, []string{"<td>1.0</td>", banner, `value="` + between + `"`, `name="q" value="TT-PUMP"`}, []string{"<td>2.0</td>"}},
		{"/devices?as_of=" + before, []string{"No device matches."}, []string{"TT-PUMP-1"}},
		{"/vulnerabilities", []string{"CVE-2020-0002"}, []string{"As it stood"}},
		{"/vulnerabilities?as_of=" + between, []string{"CVE-2020-0001", banner}, []string{"CVE-2020-0002"}},
		{"/vulnerabilities?as_of=" + before, []string{"As it stood"}, []string{"CVE-2020-0001", "CVE-2020-0002"}},
		{"/risk", []string{"TT-PUMP-1"}, nil},
		{"/risk?as_of=" + between, []string{"TT-PUMP-1", banner}, nil},
		{"/risk?as_of=" + before, []string{"No device has a vulnerability match"}, []string{"TT-PUMP-1"}},
		{"/network?as_of=" + between, []string{banner, "No findings."}, nil},
		{"/controls?as_of=" + between, []string{banner, "/controls/hipaa?as_of=" + between}, nil},
		{"/controls/hipaa", []string{"Run #" + itoa(run3)}, []string{"As it stood"}},
		{"/controls/hipaa?as_of=" + between, []string{"Run #" + itoa(run1), banner, "?as_of=" + between + `">164.`}, nil},
		{"/controls/hipaa?as_of=" + before, []string{"Not evaluated by " + before}, []string{"Run #"}},
		{"/controls/hipaa/164.312(e)(1)?as_of=" + between, []string{"run #" + itoa(run1), banner}, nil},
	} {
		body := e.get(admin, c.path, 200)
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s lacks %q", c.path, w)
			}
		}
		for _, l := range c.lack {
			if strings.Contains(body, l) {
				t.Errorf("%s shows %q", c.path, l)
			}
		}
	}
	for _, p := range []string{"/devices", "/vulnerabilities", "/risk", "/network", "/controls", "/controls/hipaa", "/api/v1/vulnerabilities", "/api/v1/risk"} {
		e.get(admin, p+"?as_of=last-week", 400)
	}
}
