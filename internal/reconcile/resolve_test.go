package reconcile

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/vigil-health/vigil"
)

func TestContradictionNeverMerged(t *testing.T) {
	var in []Input
	newBatch(t, &in, "cmms", vigil.SourceInventory, 1).
		add("serial", "SN9", "manufacturer", "Baxter", "mac", "00:09:fb:00:00:09").
		add("asset_tag", "BME-100", "serial", "SN100")
	newBatch(t, &in, "cmdb", vigil.SourceInventory, 101).
		add("serial", "SN9", "manufacturer", "Baxter", "mac", "00:09:fb:00:00:99").
		add("asset_tag", "bme-100", "serial", "SN200")
	res := mustResolve(t, in, nil, Config{Sources: ceIT})
	if len(res.Devices) != 4 {
		t.Fatalf("got %d devices, want 4 (nothing merged)", len(res.Devices))
	}
	want := []vigil.Conflict{
		{
			A:          vigil.ConflictRecord{Ref: 1, Source: "cmms", Key: "cmms|serial=baxter:SN9", Device: 1, Origin: vigil.Origin{File: "cmms.csv", Line: 2}},
			B:          vigil.ConflictRecord{Ref: 101, Source: "cmdb", Key: "cmdb|serial=baxter:SN9", Device: 3, Origin: vigil.Origin{File: "cmdb.csv", Line: 102}},
			Agree:      []vigil.Identifier{{Field: "serial", Value: "SN9"}},
			Contradict: []vigil.Contradiction{{Field: "mac", A: "00:09:fb:00:00:09", B: "00:09:fb:00:00:99"}},
		},
		{
			A:          vigil.ConflictRecord{Ref: 2, Source: "cmms", Key: "cmms|asset_tag=BME-100", Device: 2, Origin: vigil.Origin{File: "cmms.csv", Line: 3}},
			B:          vigil.ConflictRecord{Ref: 102, Source: "cmdb", Key: "cmdb|asset_tag=BME-100", Device: 4, Origin: vigil.Origin{File: "cmdb.csv", Line: 103}},
			Agree:      []vigil.Identifier{{Field: "asset_tag", Value: "BME-100"}},
			Contradict: []vigil.Contradiction{{Field: "serial", A: "SN100", B: "SN200"}},
		},
	}
	if diff := cmp.Diff(want, res.Conflicts); diff != "" {
		t.Errorf("conflicts (-want +got):\n%s", diff)
	}
	ds := ofKind(res.Discrepancies(DiscrepancyOptions{}), vigil.DiscrepancyIdentityConflict)
	if len(ds) != 2 || ds[0].Field != "mac" || ds[1].Field != "serial" {
		t.Errorf("identity-conflict discrepancies: %+v", ds)
	}
}

// TestWeakLinkCannotBridgeContradiction: a host name shared by two devices
// whose MACs differ links nothing.
func TestWeakLinkCannotBridgeContradiction(t *testing.T) {
	var in []Input
	newBatch(t, &in, "cmdb", vigil.SourceInventory, 1).add("hostname", "icu-mon", "mac", "00:00:00:00:00:aa")
	newBatch(t, &in, "nmap", vigil.SourceScanner, 11).add("hostname", "ICU-MON.local", "mac", "00:00:00:00:00:bb")
	res := mustResolve(t, in, nil, Config{Sources: ceIT})
	if len(res.Devices) != 2 || len(res.Conflicts) != 0 {
		t.Errorf("got %d devices and %d conflicts, want 2 and 0", len(res.Devices), len(res.Conflicts))
	}
}

func TestWeakLinks(t *testing.T) {
	var in []Input
	newBatch(t, &in, "cmms", vigil.SourceInventory, 1).
		add("asset_tag", "BME-1", "hostname", "vent-01").
		add("asset_tag", "BME-2", "ip", "10.0.0.2").
		add("asset_tag", "BME-3", "ip", "10.0.0.3")
	newBatch(t, &in, "nmap", vigil.SourceScanner, 11).
		add("mac", "00:00:00:00:00:01", "hostname", "VENT-01.icu.local").
		seen(t0.Add(2*time.Hour)).add("mac", "00:00:00:00:00:02", "ip", "10.0.0.2").
		seen(t0.Add(72*time.Hour)).add("mac", "00:00:00:00:00:03", "ip", "10.0.0.3")
	res := mustResolve(t, in, nil, Config{Sources: ceIT})
	type link struct {
		Members    []int64
		Confidence float64
		Linked     []string
	}
	var got []link
	for _, d := range res.Devices {
		got = append(got, link{d.Members, d.Confidence, d.Linked})
	}
	want := []link{
		{[]int64{1, 11}, ConfidenceHostname, []string{"hostname"}},
		{[]int64{2, 12}, ConfidenceIP, []string{"ip"}},
		{[]int64{3}, 1, nil}, // seen three days apart: the address may have moved
		{[]int64{13}, 1, nil},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("devices (-want +got):\n%s", diff)
	}
}

func TestDecisionRemembered(t *testing.T) {
	var in []Input
	newBatch(t, &in, "cmms", vigil.SourceInventory, 1).add("asset_tag", "BME-7", "serial", "SN7", "mac", "00:00:00:00:00:07")
	newBatch(t, &in, "cmdb", vigil.SourceInventory, 101).add("serial", "SN7", "mac", "00:00:00:00:00:77", "hostname", "pump-7")
	res := mustResolve(t, in, nil, Config{Sources: ceIT})
	if len(res.Conflicts) != 1 {
		t.Fatalf("got %d conflicts, want 1", len(res.Conflicts))
	}
	c := res.Conflicts[0]

	same := []vigil.IdentityDecision{{A: c.A.Key, B: c.B.Key, Same: true, By: "bme-lead", At: t0}}
	res = mustResolve(t, in, same, Config{Sources: ceIT})
	if len(res.Devices) != 1 || len(res.Conflicts) != 0 {
		t.Errorf("same: got %d devices and %d conflicts, want 1 and 0", len(res.Devices), len(res.Conflicts))
	}

	// Keys survive renumbering: the next import gives new refs.
	for i := range in {
		in[i].Ref += 1000
	}
	different := append(same, vigil.IdentityDecision{A: c.B.Key, B: c.A.Key, Same: false, At: t0.Add(time.Hour)})
	res = mustResolve(t, in, different, Config{Sources: ceIT})
	if len(res.Devices) != 2 || len(res.Conflicts) != 0 {
		t.Errorf("different: got %d devices and %d conflicts, want 2 and 0", len(res.Devices), len(res.Conflicts))
	}
}

// TestDecisionBlocksWeakLink: "different" also stops a host-name link.
func TestDecisionBlocksWeakLink(t *testing.T) {
	var in []Input
	newBatch(t, &in, "cmms", vigil.SourceInventory, 1).add("asset_tag", "BME-8", "hostname", "lab-1")
	newBatch(t, &in, "nmap", vigil.SourceScanner, 11).add("mac", "00:00:00:00:00:08", "hostname", "lab-1")
	ds := []vigil.IdentityDecision{{A: "cmms|asset_tag=BME-8", B: "nmap|mac=00:00:00:00:00:08"}}
	if res := mustResolve(t, in, ds, Config{Sources: ceIT}); len(res.Devices) != 2 {
		t.Errorf("got %d devices, want 2", len(res.Devices))
	}
}

func TestIDsStableAcrossRuns(t *testing.T) {
	in := acceptanceInputs(t)
	first := mustResolve(t, in, nil, Config{Sources: ceIT, NextID: 500})
	first.CarryIDs(in)
	// Second run: one field changed, the records renumbered, one device added.
	for i := range in {
		in[i].Ref += 1000
		if in[i].Record.Get("asset_tag") == "BME-002" {
			in[i].Record.Fields.Set("model", "IntelliVue MX850")
		}
	}
	newBatch(t, &in, "cmms", vigil.SourceInventory, 2000).add("asset_tag", "BME-999")
	second := mustResolve(t, in, nil, Config{Sources: ceIT, NextID: first.NextID})
	ids := func(r *Result) map[int64]string {
		m := make(map[int64]string)
		for _, d := range r.Devices {
			m[d.ID] = d.Label()
		}
		return m
	}
	want := ids(first)
	want[first.NextID] = "BME-999"
	if diff := cmp.Diff(want, ids(second)); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	if len(second.IDChanges) != 0 {
		t.Errorf("unexpected id changes %+v", second.IDChanges)
	}
	if d := deviceOf(t, second, 1002); d.Model != "IntelliVue MX850" {
		t.Errorf("model %q, want the changed one", d.Model)
	}
}

func TestIDsSplitAndMerge(t *testing.T) {
	var in []Input
	newBatch(t, &in, "cmms", vigil.SourceInventory, 1).
		add("asset_tag", "A1", "mac", "00:00:00:00:00:01"). // was device 10
		add("asset_tag", "A2")                              // was device 20
	newBatch(t, &in, "cmdb", vigil.SourceInventory, 101).
		add("mac", "00:00:00:00:00:01").                    // was device 10
		add("asset_tag", "A2", "mac", "00:00:00:00:00:01"). // was device 10: now contradicts A1, joins A2
		add("hostname", "x")                                // was device 20
	prev := map[int64]int64{1: 10, 2: 20, 101: 10, 102: 10, 103: 20}
	for i := range in {
		in[i].PrevDevice = prev[in[i].Ref]
	}
	res := mustResolve(t, in, nil, Config{Sources: ceIT, NextID: 30})
	want := []vigil.IDChange{
		{Kind: "split", Kept: 10, New: []int64{20}},
		{Kind: "split", Kept: 20, New: []int64{30}},
	}
	if diff := cmp.Diff(want, res.IDChanges); diff != "" {
		t.Errorf("id changes (-want +got):\n%s", diff)
	}

	// Two previous devices now one: the id most records had stays.
	in = nil
	newBatch(t, &in, "cmms", vigil.SourceInventory, 1).add("asset_tag", "B1", "mac", "00:00:00:00:00:0b")
	newBatch(t, &in, "cmdb", vigil.SourceInventory, 101).add("mac", "00:00:00:00:00:0b").add("asset_tag", "B1")
	prev = map[int64]int64{1: 41, 101: 40, 102: 41}
	for i := range in {
		in[i].PrevDevice = prev[in[i].Ref]
	}
	res = mustResolve(t, in, nil, Config{Sources: ceIT})
	if diff := cmp.Diff([]vigil.IDChange{{Kind: "merge", Kept: 41, Retired: []int64{40}}}, res.IDChanges); diff != "" {
		t.Errorf("merge (-want +got):\n%s", diff)
	}
	if res.NextID != 42 {
		t.Errorf("next id %d, want 42", res.NextID)
	}
}

func TestStaleAndUnmanaged(t *testing.T) {
	now := t0.Add(60 * 24 * time.Hour)
	var in []Input
	newBatch(t, &in, "cmms", vigil.SourceInventory, 1).
		add("asset_tag", "BME-1", "mac", "00:00:00:00:00:01").
		add("asset_tag", "BME-2", "mac", "00:00:00:00:00:02").
		add("asset_tag", "BME-3", "mac", "00:00:00:00:00:03")
	newBatch(t, &in, "nmap", vigil.SourceScanner, 11).
		seen(now.Add(-24*time.Hour)).add("mac", "00:00:00:00:00:01", "ip", "10.0.0.1").
		seen(now.Add(-40*24*time.Hour)).add("mac", "00:00:00:00:00:02").
		seen(now.Add(-time.Hour)).add("mac", "00:00:00:00:00:04", "ip", "10.0.0.4")
	res := mustResolve(t, in, nil, Config{Sources: ceIT})
	got := ofKind(res.Discrepancies(DiscrepancyOptions{Now: now, StaleDays: 30}), vigil.DiscrepancyStale, vigil.DiscrepancyUnmanaged)
	want := []vigil.Discrepancy{
		{Kind: vigil.DiscrepancyUnmanaged, Device: vigil.DeviceRef{ID: 4, MAC: "00:00:00:00:00:04", IP: "10.0.0.4"},
			Sources: []string{"nmap"}, Detail: "seen on the network by nmap but listed in no inventory"},
		{Kind: vigil.DiscrepancyStale, Device: vigil.DeviceRef{ID: 2, AssetTag: "BME-2", MAC: "00:00:00:00:00:02"},
			Values: map[string]string{"nmap": "2026-11-21T08:00:00Z"}, Sources: []string{"cmms", "nmap"},
			Detail: "last seen by a discovery source 2026-11-21T08:00:00Z, more than 30 days before 2026-12-31T08:00:00Z"},
		{Kind: vigil.DiscrepancyStale, Device: vigil.DeviceRef{ID: 3, AssetTag: "BME-3", MAC: "00:00:00:00:00:03"},
			Values: map[string]string{"nmap": "never"}, Sources: []string{"cmms", "nmap"},
			Detail: "never seen by a discovery source (nmap)"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	// Without a discovery source nothing is stale.
	res = mustResolve(t, in[:3], nil, Config{Sources: ceIT})
	if got := ofKind(res.Discrepancies(DiscrepancyOptions{Now: now}), vigil.DiscrepancyStale); len(got) != 0 {
		t.Errorf("stale without discovery: %+v", got)
	}
}

func TestPrecedence(t *testing.T) {
	var in []Input
	newBatch(t, &in, "cmms", vigil.SourceInventory, 1).
		add("asset_tag", "BME-1", "model", "Alaris 8015", "hostname", "ce-name", "firmware", "9.1")
	newBatch(t, &in, "cmdb", vigil.SourceInventory, 101).seen(t0.Add(time.Hour)).
		add("asset_tag", "BME-1", "model", "Alaris PC", "hostname", "it-name", "firmware", "9.33")
	res := mustResolve(t, in, nil, Config{Sources: ceIT})
	d := res.Devices[0]
	if d.Model != "Alaris 8015" || d.Hostname != "it-name" || d.Firmware != "9.33" {
		t.Errorf("default precedence: model %q hostname %q firmware %q", d.Model, d.Hostname, d.Firmware)
	}
	var model vigil.FieldProvenance
	for _, p := range d.Provenance {
		if p.Field == "model" {
			model = p
		}
	}
	want := vigil.FieldProvenance{Field: "model", Value: "Alaris 8015", Source: "cmms", Reason: `precedence "clinical-engineering" (rank 2)`,
		Values: []vigil.SourceValue{{Source: "cmms", Ref: 1, Value: "Alaris 8015", ObservedAt: t0}, {Source: "cmdb", Ref: 101, Value: "Alaris PC", ObservedAt: t0.Add(time.Hour)}}}
	if diff := cmp.Diff(want, model); diff != "" {
		t.Errorf("model provenance (-want +got):\n%s", diff)
	}

	// An admin puts the CMDB first for the model, by source name.
	p := vigil.DefaultPrecedence()
	p.Fields["model"] = []string{"cmdb", "cmms"}
	d = mustResolve(t, in, nil, Config{Sources: ceIT, Precedence: p}).Devices[0]
	if d.Model != "Alaris PC" {
		t.Errorf("custom precedence: model %q", d.Model)
	}
	p.Fields["no-such-field"] = []string{"x"}
	if _, err := Resolve(in, nil, Config{Precedence: p}); vigil.ErrorCode(err) != vigil.EINVALID {
		t.Errorf("bad precedence: got %v", err)
	}
}

func TestOrderIndependent(t *testing.T) {
	in := acceptanceInputs(t)
	want := mustResolve(t, in, nil, Config{Sources: ceIT})
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5 {
		rng.Shuffle(len(in), func(i, j int) { in[i], in[j] = in[j], in[i] })
		got := mustResolve(t, in, nil, Config{Sources: ceIT})
		if diff := cmp.Diff(want, got, cmpopts.IgnoreUnexported(Result{}, Device{})); diff != "" {
			t.Fatalf("shuffled input changed the result (-want +got):\n%s", diff)
		}
	}
}

func TestResolveBadInput(t *testing.T) {
	_, err := Resolve([]Input{{Ref: 7, Source: "cmms"}}, nil, Config{})
	if vigil.ErrorCode(err) != vigil.EINVALID {
		t.Errorf("nil record: got %v", err)
	}
	_, err = Resolve([]Input{{Ref: 8, Record: &vigil.Record{Origin: vigil.Origin{File: "a.csv", Line: 3}}}}, nil, Config{})
	if err == nil || vigil.ErrorMessage(err) != "reconcile: record ref 8 (a.csv:3) has no source" {
		t.Errorf("no source: got %v", err)
	}
}

// TestAssetTagSources: when IT numbers its own asset tags, only the CMMS's
// tags identify devices, so differing IT tags neither split nor conflict.
func TestAssetTagSources(t *testing.T) {
	var in []Input
	newBatch(t, &in, "cmms", vigil.SourceInventory, 1).add("asset_tag", "BME-1", "mac", "00:00:00:00:00:01")
	newBatch(t, &in, "cmdb", vigil.SourceInventory, 101).add("asset_tag", "IT-0001", "mac", "00:00:00:00:00:01")
	res := mustResolve(t, in, nil, Config{Sources: ceIT})
	if len(res.Devices) != 2 || len(res.Conflicts) != 1 {
		t.Errorf("global tags: got %d devices and %d conflicts, want 2 and 1", len(res.Devices), len(res.Conflicts))
	}
	res = mustResolve(t, in, nil, Config{Sources: ceIT, AssetTagSources: []string{"cmms"}})
	if len(res.Devices) != 1 || len(res.Conflicts) != 0 {
		t.Fatalf("cmms tags only: got %d devices and %d conflicts, want 1 and 0", len(res.Devices), len(res.Conflicts))
	}
	if got := res.Devices[0].AssetTag; got != "BME-1" {
		t.Errorf("asset tag %q, want the CMMS one", got)
	}
	if ds := ofKind(res.Discrepancies(DiscrepancyOptions{}), vigil.DiscrepancyFieldConflict); len(ds) != 0 {
		t.Errorf("unexpected field conflicts %+v", ds)
	}
}
