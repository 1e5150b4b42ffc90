package compliance

import (
	"net/netip"
	"sort"

	vigil "github.com/vigil-health/vigil"
)

// segmenter names the segment of an address: the designated segment whose
// subnet holds it most specifically, else the one of its VLAN.
type segmenter struct {
	prefixes []namedPrefix // longest first
	vlans    map[int]string
}

type namedPrefix struct {
	p    netip.Prefix
	name string
}

func newSegmenter(segs []vigil.Segment) *segmenter {
	sg := &segmenter{vlans: map[int]string{}}
	for _, s := range segs {
		if p, err := netip.ParsePrefix(s.CIDR); err == nil {
			sg.prefixes = append(sg.prefixes, namedPrefix{p.Masked(), s.Name})
		}
		if s.VLAN > 0 {
			if _, ok := sg.vlans[s.VLAN]; !ok {
				sg.vlans[s.VLAN] = s.Name
			}
		}
	}
	sort.SliceStable(sg.prefixes, func(i, j int) bool { return sg.prefixes[i].p.Bits() > sg.prefixes[j].p.Bits() })
	return sg
}

// of returns the segment of ip, or of vlan when no subnet holds ip; "" when
// neither is designated.
func (sg *segmenter) of(ip string, vlan int) string {
	if a, err := netip.ParseAddr(ip); err == nil {
		a = a.Unmap()
		for _, np := range sg.prefixes {
			if np.p.Contains(a) {
				return np.name
			}
		}
	}
	return sg.vlans[vlan]
}
