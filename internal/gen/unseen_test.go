package gen

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/discover"
)

// TestCaptureSeesTheNetwork writes the demo capture and runs discovery on
// it: every connected device is seen with its MAC, address and host name,
// within two hours before the hospital's Now, but the ones the ground
// truth marks Unseen, which are a few of those the CMDB lists in service
// and which the scan leaves out too.
func TestCaptureSeesTheNetwork(t *testing.T) {
	now := time.Date(2027, 2, 14, 9, 30, 0, 0, time.UTC)
	for _, opt := range []Options{{Seed: 1, Devices: 600, Now: now}, {Seed: 9, Devices: 200, Now: now}} {
		h := mustGenerate(t, opt)
		dir := t.TempDir()
		if _, err := (Capture{}).WriteFiles(h, dir); err != nil {
			t.Fatal(err)
		}
		rep, err := discover.RunFiles(context.Background(), []string{filepath.Join(dir, FileCapture)}, discover.Options{})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]*vigil.ObservedDevice{}
		for _, o := range rep.Devices {
			seen[o.MAC] = o
		}
		connected, unseen := 0, 0
		for _, d := range h.Devices {
			if d.net == nil || d.MAC == "" {
				continue
			}
			connected++
			o := seen[d.MAC]
			if d.Unseen {
				unseen++
				if o != nil {
					t.Errorf("seed %d: %s is off the network but the capture sees it", opt.Seed, d.ID)
				}
				if d.InSource(SourceNmap) || !d.InSource(SourceCMDB) || d.Lifecycle != vigil.LifecycleInService {
					t.Errorf("seed %d: %s is off the network: sources %v, %s", opt.Seed, d.ID, d.Sources, d.Lifecycle)
				}
				continue
			}
			if o == nil {
				t.Errorf("seed %d: the capture does not see %s (%s, %s)", opt.Seed, d.ID, d.Role, d.IP)
				continue
			}
			if len(o.IPs) == 0 || o.IPs[0] != d.IP {
				t.Errorf("seed %d: %s seen at %v, want %s", opt.Seed, d.ID, o.IPs, d.IP)
			}
			if o.LastSeen.Before(now.Add(-2*time.Hour)) || o.LastSeen.After(now) {
				t.Errorf("seed %d: %s last seen %s, want within the two hours before %s", opt.Seed, d.ID, o.LastSeen, now)
			}
		}
		if unseen == 0 && opt.Devices >= 600 || unseen*100 > 3*connected {
			t.Errorf("seed %d: %d of %d connected devices off the network", opt.Seed, unseen, connected)
		}
		if got := h.Summary().Unseen; got != unseen {
			t.Errorf("seed %d: the summary counts %d unseen, the devices %d", opt.Seed, got, unseen)
		}
	}
}
