package gen

import (
	"encoding/json"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-health/vigil"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// mustGenerate generates a hospital or fails the test.
func mustGenerate(tb testing.TB, opt Options) *Hospital {
	tb.Helper()
	h, err := Generate(opt)
	if err != nil {
		tb.Fatalf("Generate(%+v): %v", opt, err)
	}
	return h
}

// mustWrite writes the hospital's files into a fresh directory.
func mustWrite(tb testing.TB, h *Hospital) (string, []File) {
	tb.Helper()
	dir := tb.TempDir()
	files, err := h.WriteFiles(dir)
	if err != nil {
		tb.Fatalf("WriteFiles: %v", err)
	}
	return dir, files
}

func TestDeterministic(t *testing.T) {
	opt := Options{Seed: 42, Devices: 400, Now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	_, a := mustWrite(t, mustGenerate(t, opt))
	_, b := mustWrite(t, mustGenerate(t, opt))
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("same seed, different files (-first +second):\n%s", diff)
	}
	opt.Seed = 43
	_, c := mustWrite(t, mustGenerate(t, opt))
	for i := range a {
		// The network plan is sized by the number of devices, not drawn
		// at random: two seeds of one size may share it.
		if a[i].SHA256 == c[i].SHA256 && a[i].Name != FileSegments {
			t.Errorf("%s: seeds 42 and 43 give the same bytes", a[i].Name)
		}
	}
}

// TestGolden pins the summary and the file hashes of one hospital, so that
// any change to the output is deliberate (go test -update to accept it).
func TestGolden(t *testing.T) {
	h := mustGenerate(t, Options{Seed: 1, Devices: 300})
	_, files := mustWrite(t, h)
	got, err := json.MarshalIndent(struct {
		Summary *Summary `json:"summary"`
		Files   []File   `json:"files"`
	}{h.Summary(), files}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", "seed1_300.golden.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("output changed (-want +got); run go test -update if intended:\n%s", diff)
	}
}

func TestCoverage(t *testing.T) {
	h := mustGenerate(t, Options{Seed: 7})
	if len(h.Devices) != DefaultDevices {
		t.Errorf("devices = %d, want %d", len(h.Devices), DefaultDevices)
	}
	types, sites, makers, roles := map[string]bool{}, map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, d := range h.Devices {
		roles[d.Role] = true
		types[d.DeviceType] = true
		sites[d.Site] = true
		makers[d.Manufacturer+" "+d.Model] = true
	}
	if len(types) < 25 {
		t.Errorf("%d device types, want at least 25", len(types))
	}
	for _, s := range []string{"St. Brigid Medical Center", "Riverside Community Hospital"} {
		if !sites[s] {
			t.Errorf("site %q has no devices", s)
		}
	}
	for _, r := range []string{"monitor", "pump", "pacs", "modality", "hl7-engine", "lab", "printer", "switch", "unknown"} {
		if !roles[r] {
			t.Errorf("no device has the capture role %q", r)
		}
	}
	for _, m := range newCatalog() {
		if m.weight > 0 && !makers[m.maker+" "+m.name] {
			t.Errorf("model %s %s never placed", m.maker, m.name)
		}
	}
}

// TestInvariants checks what must hold of every device: valid as a
// vigil.Device, unique IDs, MACs and IPs, addresses inside the device's
// VLAN, MAC prefixes from the model's OUIs.
func TestInvariants(t *testing.T) {
	h := mustGenerate(t, Options{Seed: 3, Devices: 3000})
	checkInvariants(t, h)
}

func checkInvariants(t *testing.T, h *Hospital) {
	t.Helper()
	ids, macs, ips := map[string]bool{}, map[string]bool{}, map[string]bool{}
	nets := map[string]*Network{}
	for _, n := range h.Networks {
		nets[n.Site+"|"+strconv.Itoa(n.VLAN)] = n
	}
	for _, d := range h.Devices {
		if err := d.Vigil().Validate(); err != nil {
			t.Errorf("%s: %v", d.ID, err)
		}
		for _, seen := range []struct {
			m map[string]bool
			v string
		}{{ids, d.ID}, {macs, d.MAC}, {ips, d.IP}} {
			if seen.v != "" && seen.m[seen.v] {
				t.Errorf("%s: %s used twice", d.ID, seen.v)
			}
			seen.m[seen.v] = true
		}
		if d.IP != "" {
			n := nets[d.Site+"|"+strconv.Itoa(d.VLAN)]
			if n == nil || !n.Prefix.Contains(netip.MustParseAddr(d.IP)) {
				t.Errorf("%s: IP %s not in VLAN %d of %s", d.ID, d.IP, d.VLAN, d.Site)
			}
		}
		if d.MAC != "" {
			oui := uint32(macValue(d.MAC) >> 24)
			ok := false
			for _, o := range d.m.ouis {
				ok = ok || o == oui
			}
			if !ok {
				t.Errorf("%s: MAC %s not from a %s prefix", d.ID, d.MAC, d.Manufacturer)
			}
		}
		if d.InSource(SourceNmap) && (d.net == nil || !d.net.Scanned) {
			t.Errorf("%s: scanned but not on a scanned network", d.ID)
		}
	}
}

// TestRates checks that the overlap and the injected disagreements are
// within the documented ranges on a large enough hospital.
func TestRates(t *testing.T) {
	h := mustGenerate(t, Options{Seed: 11, Devices: 20000})
	var clinical, both, ceOnly, itOnly, neither, itDevices, itListed int
	for _, d := range h.Devices {
		switch {
		case d.m.ce && d.m.net != "":
			clinical++
			switch cm, cd := d.InSource(SourceCMMS), d.InSource(SourceCMDB); {
			case cm && cd:
				both++
			case cm:
				ceOnly++
			case cd:
				itOnly++
			default:
				neither++
			}
		case !d.m.ce && d.m.weight > 0:
			itDevices++
			if d.InSource(SourceCMDB) {
				itListed++
			}
		}
	}
	s := h.Summary()
	ratios := []struct {
		name     string
		n, of    int
		min, max float64
	}{
		{"connected clinical devices in both inventories", both, clinical, 0.82, 0.88},
		{"connected clinical devices only in the CMMS", ceOnly, clinical, 0.06, 0.10},
		{"connected clinical devices only in the CMDB", itOnly, clinical, 0.035, 0.065},
		{"connected clinical devices in neither", neither, clinical, 0.01, 0.03},
		{"IT devices in the CMDB", itListed, itDevices, 0.95, 0.99},
		{"stale CMMS firmware among devices in both", s.Quirks["cmms:stale-firmware"], both, 0.05, 0.13},
		{"CMMS old locations among devices in both", s.Quirks["cmms:old-location"], both, 0.02, 0.05},
		{"CMDB serial typos among CMDB devices", s.Quirks["cmdb:serial-typo"], s.Rows[SourceCMDB], 0.01, 0.03},
		{"CMDB duplicates", s.Quirks["cmdb:duplicate"], s.Rows[SourceCMDB], 0.005, 0.015},
		{"CMMS duplicates", s.Quirks["cmms:duplicate"], s.Rows[SourceCMMS], 0.005, 0.015},
		{"CMDB model spelling variants", s.Quirks["cmdb:model-variant"], s.Rows[SourceCMDB], 0.25, 0.45},
		{"unmanaged hosts", s.Types["Single-Board Computer"] + s.Types["IP Camera"] + s.Types["Laptop"], len(h.Devices), 0.009, 0.011},
	}
	for _, r := range ratios {
		got := float64(r.n) / float64(r.of)
		if got < r.min || got > r.max {
			t.Errorf("%s: %d of %d = %.3f, want %.3f..%.3f", r.name, r.n, r.of, got, r.min, r.max)
		}
	}
	for _, q := range []string{"cmms:missing-firmware", "cmms:missing-room", "cmms:serial-typo",
		"cmdb:missing-serial", "cmdb:missing-mac", "cmdb:missing-ip", "cmdb:old-location", "cmdb:stale-status"} {
		if s.Quirks[q] == 0 {
			t.Errorf("no %s injected", q)
		}
	}
	var unlisted int
	for _, d := range h.Devices {
		if d.InSource(SourceNmap) && !d.InSource(SourceCMMS) && !d.InSource(SourceCMDB) {
			unlisted++
		}
	}
	if unlisted == 0 {
		t.Error("the scan sees no host that is in no inventory")
	}
}

func TestOptions(t *testing.T) {
	for _, n := range []int{-1, MaxDevices + 1} {
		_, err := Generate(Options{Devices: n})
		if vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("Devices=%d: error %v, want code %s", n, err, vigil.EINVALID)
		}
	}
	for _, n := range []int{1, 2, 19, 50} {
		h := mustGenerate(t, Options{Seed: int64(n), Devices: n})
		if len(h.Devices) != n {
			t.Errorf("Devices=%d: got %d", n, len(h.Devices))
		}
		mustWrite(t, h)
	}
}

func FuzzGenerate(f *testing.F) {
	f.Add(int64(1), uint16(60))
	f.Add(int64(-9), uint16(1))
	f.Fuzz(func(t *testing.T, seed int64, n uint16) {
		devices := int(n%1500) + 1
		h := mustGenerate(t, Options{Seed: seed, Devices: devices})
		if len(h.Devices) != devices {
			t.Fatalf("got %d devices, want %d", len(h.Devices), devices)
		}
		checkInvariants(t, h)
		recs := h.Records()
		if len(recs[SourceCMMS]) != len(h.cmms) || len(recs[SourceCMDB]) != len(h.cmdb) || len(recs[SourceNmap]) != len(h.scan.hosts) {
			t.Fatal("records and rows differ in number")
		}
	})
}

func BenchmarkGenerate100k(b *testing.B) {
	for b.Loop() {
		if _, err := Generate(Options{Seed: 1, Devices: 100000}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteFiles100k(b *testing.B) {
	h := mustGenerate(b, Options{Seed: 1, Devices: 100000})
	dir := b.TempDir()
	b.ResetTimer()
	for b.Loop() {
		if _, err := h.WriteFiles(dir); err != nil {
			b.Fatal(err)
		}
	}
}
