package gen

import (
	"cmp"
	"context"
	"path/filepath"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/discover"
	"github.com/vigil-health/vigil/internal/oversight"
)

// TestCaptureRemoteSessions writes the demo capture, runs discovery on it
// and ties its remote sessions to the register's vendors by their
// endpoints: every session of the ground truth is found, from its vendor
// (Unknown for the one no vendor owns) to its device, and no other.
func TestCaptureRemoteSessions(t *testing.T) {
	for _, opt := range []Options{{Seed: 1, Devices: 300}, {Seed: 7, Devices: 150}} {
		h, err := Generate(opt)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if _, err := (Capture{}).WriteFiles(h, dir); err != nil {
			t.Fatal(err)
		}
		rep, err := discover.RunFiles(context.Background(), []string{filepath.Join(dir, FileCapture)}, discover.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var vendors []*vigil.Vendor
		for i, v := range h.Oversight.Vendors {
			vendors = append(vendors, &vigil.Vendor{ID: int64(i + 1), Name: v.Name, Aliases: v.Aliases, Endpoints: v.Endpoints})
		}
		var devices []*vigil.Device
		for i, d := range h.Devices {
			devices = append(devices, &vigil.Device{ID: int64(i + 1), AssetTag: d.ID, Manufacturer: d.Manufacturer, IP: d.IP})
		}
		got := map[string]string{}
		for _, s := range oversight.Sessions(rep.Flows, devices, vendors, h.Now) {
			got[s.Peer+" "+s.DeviceIP+" "+s.Protocol] = s.Vendor
		}
		want := map[string]string{}
		for _, s := range h.Oversight.Sessions {
			want[s.PeerIP+" "+s.DeviceIP+" "+s.App] = cmp.Or(s.Vendor, oversight.Unknown)
		}
		if len(want) < 4 {
			t.Errorf("seed %d: the ground truth has %d sessions, want 4", opt.Seed, len(want))
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("seed %d: session %s: vendor %q, want %q", opt.Seed, k, got[k], v)
			}
		}
		for k, v := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("seed %d: session %s by %s is not in the ground truth", opt.Seed, k, v)
			}
		}
	}
}
