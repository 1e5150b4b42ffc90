package gen

import (
	"net/netip"
	"path/filepath"
	"testing"

	"github.com/vigil-health/vigil/internal/ingest"
)

// TestSegmentsFile reads network_segments.csv through the importer 'vigil
// segments import' uses: every network once, under a name unique across
// sites, and every device with an address inside the subnet of its own
// network.
func TestSegmentsFile(t *testing.T) {
	h, dir := sample(t)
	segs, err := ingest.ReadSegments(filepath.Join(dir, FileSegments))
	if err != nil {
		t.Fatal(err)
	}
	if len(segs) != len(h.Networks) {
		t.Fatalf("%d segments for %d networks", len(segs), len(h.Networks))
	}
	byName := map[string]netip.Prefix{}
	clinical := 0
	for i, s := range segs {
		n := h.Networks[i]
		if s.Name != h.SegmentName(n) || s.CIDR != n.Prefix.String() || s.VLAN != n.VLAN || s.Clinical != n.Clinical {
			t.Errorf("segment %d = %+v, want network %+v", i, s, n)
		}
		byName[s.Name] = n.Prefix
		if s.Clinical {
			clinical++
		}
	}
	if clinical == 0 || clinical == len(segs) {
		t.Errorf("%d of %d segments clinical: want both kinds", clinical, len(segs))
	}
	for _, d := range h.Devices {
		if d.IP == "" || d.net == nil {
			continue
		}
		if p := byName[h.SegmentName(d.net)]; !p.Contains(netip.MustParseAddr(d.IP)) {
			t.Fatalf("device %s at %s is outside its segment %s (%s)", d.ID, d.IP, h.SegmentName(d.net), p)
		}
	}
}
