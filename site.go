package vigil

import (
	"context"
	"net/netip"
	"strings"
	"time"
)

// SiteKind is a level in the site hierarchy.
type SiteKind string

// The levels, outermost first.
const (
	SiteHospital   SiteKind = "hospital"
	SiteBuilding   SiteKind = "building"
	SiteFloor      SiteKind = "floor"
	SiteDepartment SiteKind = "department"
	SiteRoom       SiteKind = "room"
)

// SiteKinds lists the levels outermost first.
var SiteKinds = []SiteKind{SiteHospital, SiteBuilding, SiteFloor, SiteDepartment, SiteRoom}

// Site is a place in the hospital hierarchy: hospital, building, floor,
// department or room. Only a hospital has no parent.
type Site struct {
	ID        int64     `json:"id"`
	ParentID  int64     `json:"parent_id,omitempty"`
	Kind      SiteKind  `json:"kind"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	// Blocks are the address blocks (CIDRs) a hospital declares: a device
	// seen only on the network takes the site whose block holds its address.
	Blocks []string `json:"blocks,omitempty"`
}

// ParseBlocks reads address blocks ("10.32.0.0/11", "2001:db8::/48") into
// their canonical prefixes, rejecting one that does not parse or that has
// host bits set.
func ParseBlocks(blocks []string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(blocks))
	for _, b := range blocks {
		p, err := netip.ParsePrefix(strings.TrimSpace(b))
		if err != nil {
			return nil, Errorf(EINVALID, "address block %q is not a CIDR such as 10.32.0.0/11", b)
		}
		if p != p.Masked() {
			return nil, Errorf(EINVALID, "address block %q has host bits set; did you mean %s?", b, p.Masked())
		}
		out = append(out, p)
	}
	return out, nil
}

// Validate checks the site's rules.
func (s *Site) Validate() error {
	if s.Name == "" {
		return Errorf(EINVALID, "a site needs a name")
	}
	known := false
	for _, k := range SiteKinds {
		known = known || k == s.Kind
	}
	if !known {
		return Errorf(EINVALID, "unknown site kind %q", s.Kind)
	}
	if (s.Kind == SiteHospital) != (s.ParentID == 0) {
		return Errorf(EINVALID, "only a hospital has no parent site")
	}
	return nil
}

// SiteService reads the site hierarchy.
type SiteService interface {
	FindSites(ctx context.Context) ([]*Site, error)
}
