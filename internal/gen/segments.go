package gen

import (
	"encoding/csv"
	"io"
	"strconv"
)

// SegmentName is the name the hospital's segment list gives a network: the
// site's code and the VLAN's name, as "SBMC-CLIN-MONITORING". VLAN names
// repeat from site to site; segment names do not.
func (h *Hospital) SegmentName(n *Network) string {
	for _, s := range h.Sites {
		if s.Name == n.Site {
			return s.Code + "-" + n.Name
		}
	}
	return n.Site + "-" + n.Name
}

// writeSegments writes network_segments.csv: the hospital's networks as its
// network team lists them, one segment a row with its subnet, VLAN, whether
// it is clinical and its site.
func (h *Hospital) writeSegments(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"name", "cidr", "vlan", "clinical", "site"})
	for _, n := range h.Networks {
		clinical := "no"
		if n.Clinical {
			clinical = "yes"
		}
		cw.Write([]string{h.SegmentName(n), n.Prefix.String(), strconv.Itoa(n.VLAN), clinical, n.Site})
	}
	cw.Flush()
	return cw.Error()
}
