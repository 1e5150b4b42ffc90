package main

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	vigil "github.com/vigil-health/vigil"
)

// TestDemoSiteBlocks runs the demo, whose hospitals declare their /11
// address blocks, and holds that every device only the network sees (an
// unmanaged device) with an address in a block is listed under that
// hospital by `inventory list --site`; then `sites set-blocks` clears and
// restores a block and refuses a malformed one.
func TestDemoSiteBlocks(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "vigil.db")
	if code, out, stderr := run(t, nil, "demo", "--once", "--dir", dir, "--devices", "300"); code != 0 {
		t.Fatalf("demo: exit %d\n%s%s", code, out, stderr)
	}
	getJSON := func(v any, args ...string) {
		t.Helper()
		vigilJSON(t, nil, v, append(args, "--db", db, "--format", "json")...)
	}
	var sites struct{ Sites []vigil.Site }
	getJSON(&sites, "sites", "list")
	if len(sites.Sites) != 2 {
		t.Fatalf("sites: %+v", sites.Sites)
	}
	var disc struct{ Discrepancies []vigil.Discrepancy }
	getJSON(&disc, "inventory", "discrepancies")
	placed := 0
	for _, s := range sites.Sites {
		if len(s.Blocks) != 1 {
			t.Fatalf("site %s blocks %v, want its /11", s.Name, s.Blocks)
		}
		block := netip.MustParsePrefix(s.Blocks[0])
		var inv struct{ Devices []vigil.Device }
		getJSON(&inv, "inventory", "list", "--site", fmt.Sprint(s.ID))
		listed := map[int64]bool{}
		for _, d := range inv.Devices {
			listed[d.ID] = true
		}
		for _, d := range disc.Discrepancies {
			if d.Kind != vigil.DiscrepancyUnmanaged || d.Device.IP == "" {
				continue
			}
			if a, err := netip.ParseAddr(d.Device.IP); err == nil && block.Contains(a) {
				placed++
				if !listed[d.Device.ID] {
					t.Errorf("unmanaged device %d (%s) is not listed under %s", d.Device.ID, d.Device.IP, s.Name)
				}
			}
		}
	}
	if placed == 0 {
		t.Fatal("no unmanaged device of the demo lies in a site block")
	}
	name := sites.Sites[0].Name
	if code, out, stderr := run(t, nil, "sites", "set-blocks", name, "--db", db); code != 0 || !strings.Contains(out, "0 address blocks") {
		t.Fatalf("clearing: exit %d\n%s%s", code, out, stderr)
	}
	if code, _, stderr := run(t, nil, "sites", "set-blocks", name, "10.32.0.1/11", "--db", db); code == 0 || !strings.Contains(stderr, "host bits") {
		t.Errorf("a block with host bits: exit %d, %s", code, stderr)
	}
	// The segment list's site column declares each hospital's subnets as
	// its blocks: with the /11 cleared, the site takes its /24s.
	segs := filepath.Join(dir, "network_segments.csv")
	code, out, stderr := run(t, nil, "segments", "import", segs, "--db", db)
	if code != 0 || !regexp.MustCompile(`[1-9]\d* address blocks added`).MatchString(out) {
		t.Fatalf("segments import: exit %d\n%s%s", code, out, stderr)
	}
	var after struct{ Sites []vigil.Site }
	getJSON(&after, "sites", "list")
	for _, s := range after.Sites {
		if s.Name != name {
			continue
		}
		if len(s.Blocks) < 2 {
			t.Errorf("after the segment list %s declares %v, want its subnets", name, s.Blocks)
		}
		for _, b := range s.Blocks {
			if !netip.MustParsePrefix(sites.Sites[0].Blocks[0]).Contains(netip.MustParsePrefix(b).Addr()) {
				t.Errorf("%s took the block %s, outside its /11 %s", name, b, sites.Sites[0].Blocks[0])
			}
		}
	}
	if code, out, stderr := run(t, nil, "sites", "set-blocks", name, sites.Sites[0].Blocks[0], "--db", db); code != 0 {
		t.Fatalf("restoring: exit %d\n%s%s", code, out, stderr)
	}
	// Again, every subnet lies in a declared block: nothing is added.
	if code, out, stderr := run(t, nil, "segments", "import", segs, "--db", db); code != 0 || !strings.Contains(out, "0 address blocks added") {
		t.Fatalf("segments import again: exit %d\n%s%s", code, out, stderr)
	}
}
