package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
)

// TestDemoChecksFailTheRightDevices evaluates the demo hospital and holds
// the failing devices of several shipped checks to what other commands say
// of the same devices, computed by other code: the inventory's own fields,
// reconciliation's discrepancies and discovery's findings.
func TestDemoChecksFailTheRightDevices(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "vigil.db")
	if code, out, stderr := run(t, nil, "demo", "--once", "--dir", dir, "--devices", "300"); code != 0 {
		t.Fatalf("demo: exit %d\n%s%s", code, out, stderr)
	}
	getJSON := func(v any, args ...string) {
		t.Helper()
		code, out, stderr := run(t, nil, append(args, "--db", db, "--format", "json")...)
		if code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, stderr)
		}
		if err := json.Unmarshal([]byte(out), v); err != nil {
			t.Fatalf("%v: %v", args, err)
		}
	}
	var ev vigil.Evaluation
	getJSON(&ev, "evaluate", "--framework", "csf2")
	if ev.Framework != "csf2" || len(ev.Controls) != 134 || ev.At.IsZero() {
		t.Fatalf("evaluation: framework %q, %d controls, at %v", ev.Framework, len(ev.Controls), ev.At)
	}
	failing := map[string][]int64{} // by check, from every control's evidence
	for _, c := range ev.Controls {
		for _, f := range c.FailingDevices {
			if !slices.Contains(failing[f.Check], f.ID) {
				failing[f.Check] = append(failing[f.Check], f.ID)
			}
		}
	}
	for k := range failing {
		slices.Sort(failing[k])
	}
	var inv struct{ Devices []vigil.Device }
	getJSON(&inv, "inventory", "list")
	var disc struct{ Discrepancies []vigil.Discrepancy }
	getJSON(&disc, "inventory", "discrepancies")
	var worklist struct {
		Worklist []struct {
			DeviceID int64 `json:"device_id"`
			Vulns    []struct {
				KEV        bool      `json:"kev"`
				KEVDue     time.Time `json:"kev_due"`
				Remediated bool      `json:"remediated"`
			} `json:"vulns"`
		} `json:"worklist"`
	}
	getJSON(&worklist, "risk", "list")
	// inventory-owner fails the devices in service with no owner team.
	var want []int64
	for _, d := range inv.Devices {
		if d.OwnerTeam == "" && d.Lifecycle != vigil.LifecycleRetired && d.Lifecycle != vigil.LifecycleDecommissioned {
			want = append(want, d.ID)
		}
	}
	t.Logf("inventory-owner fails %d devices", len(want))
	if diff := cmp.Diff(want, failing["inventory-owner"]); diff != "" {
		t.Errorf("inventory-owner fails (-want +got):\n%s", diff)
	}
	// discovered-in-inventory fails the devices only discovery sees:
	// reconciliation's unmanaged devices.
	want = nil
	for _, d := range disc.Discrepancies {
		if d.Kind == vigil.DiscrepancyUnmanaged && !slices.Contains(want, d.Device.ID) {
			want = append(want, d.Device.ID)
		}
	}
	slices.Sort(want)
	if len(want) == 0 {
		t.Fatal("the demo hospital has no unmanaged device: the comparison proves nothing")
	}
	t.Logf("discovered-in-inventory fails %d devices", len(want))
	if diff := cmp.Diff(want, failing["discovered-in-inventory"]); diff != "" {
		t.Errorf("discovered-in-inventory fails (-want +got):\n%s", diff)
	}
	// inventory-both-sources fails the clinical devices in service that
	// clinical engineering's CMMS or IT's CMDB does not list: those
	// reconciliation reports missing from one of them, and those it
	// reports unmanaged (neither lists them).
	want = nil
	byID := map[int64]vigil.Device{}
	for _, d := range inv.Devices {
		byID[d.ID] = d
	}
	for _, d := range disc.Discrepancies {
		dev := byID[d.Device.ID]
		if dev.Criticality == vigil.CriticalityNonClinical || dev.Lifecycle == vigil.LifecycleRetired || dev.Lifecycle == vigil.LifecycleDecommissioned {
			continue
		}
		missing := d.Kind == vigil.DiscrepancyMissingFromSource && (d.Values["cmms"] == "missing" || d.Values["cmdb"] == "missing")
		if (missing || d.Kind == vigil.DiscrepancyUnmanaged) && !slices.Contains(want, d.Device.ID) {
			want = append(want, d.Device.ID)
		}
	}
	slices.Sort(want)
	if len(want) == 0 {
		t.Fatal("no clinical device is missing from an inventory: the comparison proves nothing")
	}
	t.Logf("inventory-both-sources fails %d devices", len(want))
	// kev-past-due fails the devices the risk worklist (another engine)
	// shows with a KEV vulnerability past its due date, unremediated.
	var kev []int64
	for _, a := range worklist.Worklist {
		for _, v := range a.Vulns {
			if v.KEV && !v.Remediated && !v.KEVDue.IsZero() && ev.At.After(v.KEVDue) && !slices.Contains(kev, a.DeviceID) {
				kev = append(kev, a.DeviceID)
			}
		}
	}
	slices.Sort(kev)
	t.Logf("kev-past-due fails %d devices", len(kev))
	if diff := cmp.Diff(kev, failing["kev-past-due"]); diff != "" {
		t.Errorf("kev-past-due fails (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, failing["inventory-both-sources"]); diff != "" {
		t.Errorf("inventory-both-sources fails (-want +got):\n%s", diff)
	}
}
