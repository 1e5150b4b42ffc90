package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/gen"
)

// TestDemoVendorDeficiencies loads the demo hospital and holds what the
// vendor commands and checks say to what the generator recorded of its
// vendor side (ground_truth.json): the BAAs and certifications it left
// missing, expired or about to expire, the models it gave no MDS2 form
// and those past end of support, and the remote sessions it put in the
// capture. The dates are judged at the moment the test runs, as the
// commands judge them.
func TestDemoVendorDeficiencies(t *testing.T) {
	// Fixed hospitals (78452 spells a model two ways; 69776's vendors
	// without a BAA and 12917's without a current certification make only
	// IT equipment) and one drawn at random (its seed printed).
	for _, seed := range []int64{4, 78452, 69776, 12917, time.Now().UnixNano()%100000 + 5} {
		t.Run(strconv.FormatInt(seed, 10), func(t *testing.T) {
			t.Logf("vigil demo --seed %d --devices 300", seed)
			demoVendorDeficiencies(t, seed)
		})
	}
}

func demoVendorDeficiencies(t *testing.T, seed int64) {
	dir := t.TempDir()
	db := filepath.Join(dir, "vigil.db")
	if code, out, stderr := run(t, nil, "demo", "--once", "--dir", dir, "--devices", "300", "--seed", strconv.FormatInt(seed, 10)); code != 0 {
		t.Fatalf("demo: exit %d\n%s%s", code, out, stderr)
	}
	now := time.Now()
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
	raw, err := os.ReadFile(filepath.Join(dir, gen.FileTruth))
	if err != nil {
		t.Fatal(err)
	}
	var truth struct{ Oversight gen.Oversight }
	if err := json.Unmarshal(raw, &truth); err != nil {
		t.Fatal(err)
	}
	plan := truth.Oversight
	byName := map[string]*gen.PlanVendor{}
	for _, v := range plan.Vendors {
		byName[v.Name] = v
	}
	// Which vendors touch ePHI is the inventory's to say (sources and the
	// device taxonomy together); the register lists it per vendor.
	var register []struct {
		Vendor vigil.Vendor     `json:"vendor"`
		Risk   vigil.VendorRisk `json:"risk"`
	}
	getJSON(&register, "vendors", "list")
	ephi := map[string]bool{}
	for _, r := range register {
		ephi[r.Vendor.Name] = r.Risk.EPHI > 0
	}

	// 1. vendors expiring names every gap the plan made, and only those.
	const window = 60 * 24 * time.Hour
	status := func(due time.Time) string {
		switch {
		case !due.After(now):
			return "expired"
		case !due.After(now.Add(window)):
			return "expiring"
		}
		return ""
	}
	var want, got []string
	for _, v := range plan.Vendors {
		if !ephi[v.Name] {
			continue
		}
		if len(v.BAAs) == 0 {
			want = append(want, v.Name+" baa missing")
		} else if s := status(v.BAAs[len(v.BAAs)-1].Expires); s != "" {
			want = append(want, v.Name+" baa "+s)
		}
		if len(v.Certs) == 0 {
			want = append(want, v.Name+" certification missing")
		} else if s := status(v.Certs[len(v.Certs)-1].Expires); s != "" {
			want = append(want, v.Name+" certification "+s)
		}
	}
	var gaps []struct{ Vendor, Item, Status, Model string }
	getJSON(&gaps, "vendors", "expiring", "--within", "60d")
	var gotMDS2 []string // checked against mds2-on-record below
	for _, g := range gaps {
		if g.Item == "mds2" {
			gotMDS2 = append(gotMDS2, g.Vendor+" "+g.Status+" "+vigil.MDS2ModelKey(g.Model))
			continue
		}
		got = append(got, g.Vendor+" "+g.Item+" "+g.Status)
	}
	sort.Strings(want)
	sort.Strings(got)
	if len(want) < 6 {
		t.Errorf("the plan made only %d gaps: %v", len(want), want)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("vendors expiring (-want +got):\n%s", diff)
	}

	// The checks' verdicts, from one evaluation.
	var ev vigil.Evaluation
	getJSON(&ev, "evaluate", "--framework", "csf2")
	failing := map[string]map[int64]string{} // by check: device id to reason
	for _, c := range ev.Controls {
		for _, f := range c.FailingDevices {
			if failing[f.Check] == nil {
				failing[f.Check] = map[int64]string{}
			}
			failing[f.Check][f.ID] = f.Reason
		}
	}
	var inv struct{ Devices []vigil.Device }
	getJSON(&inv, "inventory", "list")
	// A device belongs to the vendors whose name or an alias is its
	// manufacturer's spelling by its first word (the register's documented
	// rule: "GE" and "GE Medical Systems" are one maker), and to the
	// service companies that list its model.
	vendorsOf := func(d vigil.Device) []*gen.PlanVendor {
		var out []*gen.PlanVendor
		for _, v := range plan.Vendors {
			names := append([]string{v.Name}, v.Aliases...)
			if slices.ContainsFunc(names, func(n string) bool {
				return d.Manufacturer != "" && vigil.MakerKey(n) == vigil.MakerKey(d.Manufacturer)
			}) ||
				listsModel(v, d.Model) {
				out = append(out, v)
			}
		}
		return out
	}
	ofVendor := func(d vigil.Device, name string) bool {
		return slices.ContainsFunc(vendorsOf(d), func(v *gen.PlanVendor) bool { return v.Name == name })
	}
	inForce := func(v *gen.PlanVendor) bool {
		if len(v.BAAs) == 0 {
			return false
		}
		b := v.BAAs[len(v.BAAs)-1]
		return !b.Starts.After(now) && b.Expires.After(now)
	}

	// 2. vendor-baa-current fails the ePHI devices of exactly the vendors
	// without a BAA in force, naming them.
	wantBAA := map[int64]string{}
	for _, d := range inv.Devices {
		if !d.HasEPHI() {
			continue
		}
		var without []string
		for _, v := range vendorsOf(d) {
			if !inForce(v) {
				without = append(without, v.Name)
			}
		}
		if len(without) > 0 {
			wantBAA[d.ID] = strings.Join(without, ", ")
		}
	}
	if len(wantBAA) == 0 {
		t.Error("the plan left no ePHI device without a BAA")
	}
	checkSet(t, "vendor-baa-current", wantBAA, failing["vendor-baa-current"], func(reason, want string) bool {
		for _, n := range strings.Split(want, ", ") {
			if !strings.Contains(reason, n) {
				return false
			}
		}
		return true
	})
	// vendor-on-record: every inventory maker is a vendor of the register.
	wantUnknown := map[int64]string{}
	for _, d := range inv.Devices {
		if d.HasEPHI() && strings.TrimSpace(d.Manufacturer) != "" && len(vendorsOf(d)) == 0 {
			wantUnknown[d.ID] = d.Manufacturer
		}
	}
	checkSet(t, "vendor-on-record", wantUnknown, failing["vendor-on-record"], strings.Contains)

	// 3. mds2-on-record fails no device of a model with a form, and fails
	// devices of models without one.
	hasForm := func(d vigil.Device) bool {
		for _, f := range plan.MDS2 {
			if ofVendor(d, f.Manufacturer) && vigil.MDS2ModelKey(f.Model) == vigil.MDS2ModelKey(d.Model) {
				return true
			}
		}
		return false
	}
	byID := map[int64]vigil.Device{}
	for _, d := range inv.Devices {
		byID[d.ID] = d
	}
	if len(failing["mds2-on-record"]) == 0 {
		t.Error("mds2-on-record fails no device: the plan left models without a form")
	}
	// The expiring list asks for a form for the same models, of the
	// makers that touch ePHI.
	var wantMDS2 []string
	for id := range failing["mds2-on-record"] {
		d := byID[id]
		if hasForm(d) {
			t.Errorf("mds2-on-record fails device %d (%s %s), whose model has a form", id, d.Manufacturer, d.Model)
		}
		for _, v := range vendorsOf(d) {
			if d.Model == "" {
				break // a form is asked for a model, and this device's is unknown
			}
			if k := v.Name + " missing " + vigil.MDS2ModelKey(d.Model); v.Kind == vigil.VendorManufacturer && ephi[v.Name] && !slices.Contains(wantMDS2, k) &&
				!listsModel(v, d.Model) {
				wantMDS2 = append(wantMDS2, k)
			}
		}
	}
	sort.Strings(wantMDS2)
	sort.Strings(gotMDS2)
	if diff := cmp.Diff(wantMDS2, gotMDS2); diff != "" {
		t.Errorf("vendors expiring, MDS2 forms (-want +got):\n%s", diff)
	}

	// 4. model-supported fails exactly the devices in service of models
	// past end of support or of security patches.
	wantEOL := map[int64]string{}
	for _, d := range inv.Devices {
		if d.Lifecycle == vigil.LifecycleRetired {
			continue
		}
		for _, e := range plan.EndOfLife {
			if !ofVendor(d, e.Manufacturer) || vigil.MDS2ModelKey(e.Model) != vigil.MDS2ModelKey(d.Model) {
				continue
			}
			switch {
			case !e.EndOfSupport.IsZero() && !e.EndOfSupport.After(now):
				wantEOL[d.ID] = "end of support (" + e.EndOfSupport.Format(time.DateOnly)
			case !e.EndOfPatches.IsZero() && !e.EndOfPatches.After(now):
				wantEOL[d.ID] = "end of security patches (" + e.EndOfPatches.Format(time.DateOnly)
			}
		}
	}
	if len(wantEOL) == 0 {
		t.Error("the plan put no device past end of support")
	}
	checkSet(t, "model-supported", wantEOL, failing["model-supported"], strings.Contains)

	// 5. The capture's remote sessions: each tied to its vendor; the one by
	// a vendor without a BAA and the one from no vendor's address raise
	// findings; the vendor without a current certification fails
	// remote-access-vendor-assured on its device.
	var sessions []struct {
		Vendor, Peer, Protocol string
		DeviceID               int64 `json:"device_id"`
	}
	getJSON(&sessions, "vendors", "sessions")
	var findings []struct{ Code, Vendor, Peer string }
	getJSON(&findings, "vendors", "sessions", "--findings")
	var wantSessions, gotSessions, wantFindings, gotFindings []string
	assured := map[int64]string{}
	for _, s := range plan.Sessions {
		vendor := s.Vendor
		if vendor == "" {
			vendor = "unknown"
			wantFindings = append(wantFindings, "vendor-remote-unknown "+s.PeerIP)
		} else if !inForce(byName[vendor]) {
			wantFindings = append(wantFindings, "vendor-remote-no-baa "+s.PeerIP)
		}
		wantSessions = append(wantSessions, vendor+" "+s.PeerIP+" "+s.App)
		// remote-access-vendor-assured: a BAA in force and a current
		// certification for every vendor seen.
		if v := byName[vendor]; v != nil {
			var lacks []string
			if !inForce(v) {
				lacks = append(lacks, "no BAA in force with "+vendor)
			}
			if len(v.Certs) == 0 || !v.Certs[len(v.Certs)-1].Expires.After(now) {
				lacks = append(lacks, "no current certification for "+vendor)
			}
			for _, d := range inv.Devices {
				if d.IP == s.DeviceIP && len(lacks) > 0 {
					assured[d.ID] = strings.Join(lacks, "; ")
				}
			}
		}
	}
	for _, s := range sessions {
		gotSessions = append(gotSessions, s.Vendor+" "+s.Peer+" "+s.Protocol)
	}
	for _, f := range findings {
		gotFindings = append(gotFindings, f.Code+" "+f.Peer)
	}
	for _, l := range [][]string{wantSessions, gotSessions, wantFindings, gotFindings} {
		sort.Strings(l)
	}
	if len(wantSessions) < 4 {
		t.Errorf("the plan has %d sessions, want 4", len(wantSessions))
	}
	if diff := cmp.Diff(wantSessions, gotSessions); diff != "" {
		t.Errorf("vendors sessions (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantFindings, gotFindings); diff != "" {
		t.Errorf("vendors sessions --findings (-want +got):\n%s", diff)
	}
	checkSet(t, "remote-access-vendor-assured", assured, failing["remote-access-vendor-assured"], strings.Contains)
}

// checkSet compares the devices a check fails, and their reasons, with
// the devices expected to fail and a part each reason must hold.
func checkSet(t *testing.T, check string, want map[int64]string, got map[int64]string, holds func(reason, want string) bool) {
	t.Helper()
	ids := func(m map[int64]string) []int64 {
		out := []int64{}
		for id := range m {
			out = append(out, id)
		}
		slices.Sort(out)
		return out
	}
	if diff := cmp.Diff(ids(want), ids(got)); diff != "" {
		t.Errorf("%s fails devices (-want +got):\n%s", check, diff)
		return
	}
	for id, w := range want {
		if !holds(got[id], w) {
			t.Errorf("%s on device %d: reason %q does not name %q", check, id, got[id], w)
		}
	}
}

// listsModel reports whether a vendor's model list names model, in the
// register's spelling-blind way: the clinical-engineering list may write
// "EVITA V500" where the vendor list says "Evita V500" (found by seed 78452).
func listsModel(v *gen.PlanVendor, model string) bool {
	return model != "" && slices.ContainsFunc(v.Models, func(m string) bool { return vigil.VendorKey(m) == vigil.VendorKey(model) })
}
