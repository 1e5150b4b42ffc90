package vigil

import (
	"context"
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
