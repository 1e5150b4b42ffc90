package gen

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/vigil-health/vigil"
)

// TestOversightPlan checks the vendor side of hospitals of several seeds
// and sizes: the register's names unique, every deficiency drawn at least
// twice where there are vendors enough, sessions to real networked devices
// by the vendors chosen for them, and the files written for all of it.
func TestOversightPlan(t *testing.T) {
	for _, opt := range []Options{{Seed: 1}, {Seed: 2, Devices: 150}, {Seed: 99, Devices: 2000}} {
		h, err := Generate(opt)
		if err != nil {
			t.Fatal(err)
		}
		o := h.Oversight
		names := map[string]string{}
		count := map[string]int{}
		for _, v := range o.Vendors {
			for _, n := range append([]string{v.Name}, v.Aliases...) {
				if other, ok := names[vigil.VendorKey(n)]; ok {
					t.Errorf("seed %d: %q is both %s's and %s's", opt.Seed, n, other, v.Name)
				}
				names[vigil.VendorKey(n)] = v.Name
			}
			if (len(v.Makers) > 0 || len(v.Models) > 0) != (v.BAAStatus != "") || !v.EPHI && v.BAAStatus != BAACurrent && v.BAAStatus != "" {
				t.Errorf("seed %d: %s: ePHI %v but BAA status %q", opt.Seed, v.Name, v.EPHI, v.BAAStatus)
			}
			if (v.BAAStatus == BAAMissing || v.BAAStatus == "") != (len(v.BAAs) == 0) {
				t.Errorf("seed %d: %s: BAA %s with %d versions", opt.Seed, v.Name, v.BAAStatus, len(v.BAAs))
			}
			count["baa:"+v.BAAStatus]++
			count["cert:"+v.CertStatus]++
		}
		for _, k := range []string{"baa:" + BAAMissing, "baa:" + BAAExpired, "baa:" + BAAExpiring, "cert:missing", "cert:expired"} {
			if count[k] < 2 {
				t.Errorf("seed %d: %d vendors with %s, want at least 2 (%v)", opt.Seed, count[k], k, count)
			}
		}
		byID := map[string]*Device{}
		for _, d := range h.Devices {
			byID[d.ID] = d
		}
		apps := map[string]bool{}
		for _, s := range o.Sessions {
			d := byID[s.DeviceID]
			if d == nil || d.IP != s.DeviceIP || d.MAC != s.DeviceMAC || s.Minutes <= 0 {
				t.Errorf("seed %d: session %+v: device %+v", opt.Seed, s, d)
				continue
			}
			if s.Vendor != "" && d.Manufacturer != s.Vendor {
				t.Errorf("seed %d: %s's session reaches a %s device", opt.Seed, s.Vendor, d.Manufacturer)
			}
			apps[s.App] = true
		}
		if opt.Devices != 150 && len(apps) != 4 {
			t.Errorf("seed %d: sessions over %v, want rdp, teamviewer, tls and ssh", opt.Seed, apps)
		}
		if len(o.MDS2) == 0 || len(o.EndOfLife) == 0 {
			t.Errorf("seed %d: %d MDS2 forms, %d end-of-life notices", opt.Seed, len(o.MDS2), len(o.EndOfLife))
		}
	}
	dir := t.TempDir()
	h, err := Generate(Options{Seed: 1, Devices: 200})
	if err != nil {
		t.Fatal(err)
	}
	files, err := OversightFiles{}.WriteFiles(h, dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
		if st, err := os.Stat(filepath.Join(dir, f.Name)); err != nil || st.Size() != f.Size || f.Size == 0 {
			t.Errorf("%s: %v %v", f.Name, st, err)
		}
	}
	for _, want := range append([]string{FileVendors, FileAgreements, FileEndOfLife}, filepath.Join(DirMDS2, h.Oversight.MDS2[0].File)) {
		if !slices.Contains(names, want) {
			t.Errorf("%s not written (%v)", want, names)
		}
	}
}

// TestOversightDatesAreCoherent checks, over many seeds, that no agreement
// or report starts after the hospital's date or ends before it starts.
func TestOversightDatesAreCoherent(t *testing.T) {
	for seed := int64(1); seed <= 40; seed++ {
		h, err := Generate(Options{Seed: seed, Devices: 120})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range h.Oversight.Vendors {
			for _, a := range append(slices.Clone(v.BAAs), v.Certs...) {
				if a.Starts.After(h.Now) || !a.Expires.After(a.Starts) {
					t.Errorf("seed %d: %s %s runs %s to %s, the hospital's date %s", seed, v.Name, a.Document, a.Starts, a.Expires, h.Now)
				}
			}
		}
	}
}
