package reconcile

import (
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
)

// TestListedTwiceInOneSource: one source listing one physical device twice
// (same manufacturer and serial, a second asset tag, the MAC on one row
// only; or the same MAC) is one device and a duplicate naming both records
// and the fields they differ in, not two devices and an identity conflict.
func TestListedTwiceInOneSource(t *testing.T) {
	var in []Input
	newBatch(t, &in, "cmms", vigil.SourceInventory, 1).
		add("asset_tag", "CE-100", "manufacturer", "GE Healthcare", "serial", "SN-7", "mac", "00:1a:2b:00:00:07", "firmware", "2.1").
		add("asset_tag", "CE-200", "manufacturer", "GE Healthcare Inc.", "serial", "sn-7", "firmware", "2.2").
		add("asset_tag", "CE-300", "serial", "X1", "mac", "00-1a-2b-00-00-09").
		add("asset_tag", "CE-301", "serial", "X1", "mac", "001a.2b00.0009")
	res := mustResolve(t, in, nil, Config{Sources: ceIT})
	if len(res.Devices) != 2 || len(res.Conflicts) != 0 {
		t.Fatalf("got %d devices and %d conflicts, want 2 and 0", len(res.Devices), len(res.Conflicts))
	}
	if deviceOf(t, res, 1) != deviceOf(t, res, 2) || deviceOf(t, res, 3) != deviceOf(t, res, 4) {
		t.Fatal("the double listings are not one device each")
	}
	ds := res.Discrepancies(DiscrepancyOptions{})
	if n := len(ofKind(ds, vigil.DiscrepancyIdentityConflict)); n != 0 {
		t.Errorf("%d identity conflicts, want none", n)
	}
	dups := ofKind(ds, vigil.DiscrepancyDuplicate)
	if len(dups) != 2 {
		t.Fatalf("duplicates: %+v, want 2", dups)
	}
	for _, want := range []string{
		"cmms lists this device 2 times: cmms.csv:2, cmms.csv:3; they differ in asset_tag, firmware; only some give mac",
		"cmms lists this device 2 times: cmms.csv:4, cmms.csv:5; they differ in asset_tag",
	} {
		found := false
		for _, d := range dups {
			found = found || d.Detail == want
		}
		if !found {
			t.Errorf("no duplicate %q in %+v", want, dups)
		}
	}
}

// TestListedTwiceAcrossSourcesStillConflicts: the same contradiction between
// two sources is not a double listing: it goes to the conflict queue.
func TestListedTwiceAcrossSourcesStillConflicts(t *testing.T) {
	var in []Input
	newBatch(t, &in, "cmms", vigil.SourceInventory, 1).add("asset_tag", "CE-100", "manufacturer", "GE", "serial", "SN-7")
	newBatch(t, &in, "cmdb", vigil.SourceInventory, 101).add("asset_tag", "IT-555", "manufacturer", "GE", "serial", "SN-7")
	cfg := Config{Sources: ceIT}
	res := mustResolve(t, in, nil, cfg)
	if len(res.Devices) != 2 || len(res.Conflicts) != 1 {
		t.Fatalf("got %d devices and %d conflicts, want 2 and 1", len(res.Devices), len(res.Conflicts))
	}
	// A person's decision that one source's two records are two devices
	// is kept: no merge, no conflict raised again.
	var in2 []Input
	newBatch(t, &in2, "cmms", vigil.SourceInventory, 1).
		add("asset_tag", "CE-100", "manufacturer", "GE", "serial", "SN-7").
		add("asset_tag", "CE-200", "manufacturer", "GE", "serial", "SN-7")
	apart := []vigil.IdentityDecision{{A: RecordKey("cmms", in2[0].Record), B: RecordKey("cmms", in2[1].Record), Same: false}}
	res = mustResolve(t, in2, apart, cfg)
	if len(res.Devices) != 2 {
		t.Errorf("a decision kept apart: got %d devices, want 2", len(res.Devices))
	}
	for _, d := range res.Discrepancies(DiscrepancyOptions{}) {
		if d.Kind == vigil.DiscrepancyDuplicate && strings.Contains(d.Detail, "cmms") {
			t.Errorf("duplicate despite the decision: %+v", d)
		}
	}
}

// TestListedTwiceNeverHidesAnotherSourcesTag: a source's second listing is
// not merged into a device whose tag another source gave (found by
// FuzzResolve): cmms's untagged row joins cmdb's tagged one, and cmms's
// tagged row then contradicts cmdb's tag, a conflict for a person.
func TestListedTwiceNeverHidesAnotherSourcesTag(t *testing.T) {
	var in []Input
	newBatch(t, &in, "cmms", vigil.SourceInventory, 1).add("mac", "00:00:00:00:00:04", "serial", "SN3")
	newBatch(t, &in, "cmdb", vigil.SourceInventory, 2).add("mac", "00:00:00:00:00:04", "serial", "SN3", "asset_tag", "BME-2")
	newBatch(t, &in, "cmms", vigil.SourceInventory, 3).add("mac", "00:00:00:00:00:04", "serial", "SN3", "asset_tag", "BME-1")
	res := mustResolve(t, in, nil, Config{Sources: ceIT})
	if len(res.Devices) != 2 || len(res.Conflicts) != 1 {
		t.Fatalf("got %d devices and %d conflicts, want 2 and 1", len(res.Devices), len(res.Conflicts))
	}
}
