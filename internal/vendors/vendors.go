// Package vendors holds the vendor oversight use cases: the vendor
// register, business associate agreements, certifications, the risk tier
// computed from the devices a vendor makes, and what is expiring or
// missing. Every change is one store.Update with its audit events.
package vendors

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/oversight"
	"github.com/vigil-health/vigil/internal/store"
)

// Service is the vendor use cases over one store.
type Service struct {
	db       *store.DB
	now      func() time.Time
	observer vigil.Observer
	medical  func(deviceType string) bool
}

// Medical tells the service which device types are regulated medical
// devices (an FDA class in the taxonomy), for the MDS2 forms the expiring
// list asks for; without it the list asks for none. It returns s.
func (s *Service) Medical(f func(deviceType string) bool) *Service {
	s.medical = f
	return s
}

// New returns the service.
func New(db *store.DB) *Service { return &Service{db: db, now: time.Now} }

// Summary is a vendor as the register lists it: its risk and its current
// agreement.
type Summary struct {
	Vendor *vigil.Vendor    `json:"vendor"`
	Risk   vigil.VendorRisk `json:"risk"`
	BAA    *vigil.BAA       `json:"baa,omitempty"` // the newest version, nil none
	Certs  int              `json:"certifications"`
}

// Profile is one vendor with everything held about it.
type Profile struct {
	Vendor         *vigil.Vendor          `json:"vendor"`
	Risk           vigil.VendorRisk       `json:"risk"`
	Devices        []*vigil.Device        `json:"devices"`
	BAAs           []*vigil.BAA           `json:"baas"` // every version, oldest first
	Certifications []*vigil.Certification `json:"certifications"`
}

// Add registers a vendor.
func (s *Service) Add(ctx context.Context, actor *vigil.User, v *vigil.Vendor) error {
	return s.update(ctx, actor, func(tx *store.Tx) error { return tx.SaveVendor(ctx, actor, v) })
}

// AddBAA records a new version of a vendor's business associate agreement.
func (s *Service) AddBAA(ctx context.Context, actor *vigil.User, b *vigil.BAA) error {
	return s.update(ctx, actor, func(tx *store.Tx) error { return tx.AddBAA(ctx, actor, b) })
}

// AddCertification records a vendor's certification or report.
func (s *Service) AddCertification(ctx context.Context, actor *vigil.User, c *vigil.Certification) error {
	return s.update(ctx, actor, func(tx *store.Tx) error { return tx.AddCertification(ctx, actor, c) })
}

// Find returns the vendor ref names: its id, name or one of its aliases,
// or else the one vendor that is the same maker (vigil.Vendor.Makes).
func (s *Service) Find(ctx context.Context, ref string) (*vigil.Vendor, error) {
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		return s.db.FindVendor(ctx, id)
	}
	v, err := s.db.FindVendorByName(ctx, ref)
	if vigil.ErrorCode(err) != vigil.ENOTFOUND {
		return v, err
	}
	all, lerr := s.db.FindVendors(ctx)
	if lerr != nil {
		return nil, lerr
	}
	var found []*vigil.Vendor
	for _, c := range all {
		if c.Makes(ref) {
			found = append(found, c)
		}
	}
	switch len(found) {
	case 0:
		return nil, err
	case 1:
		return found[0], nil
	}
	return nil, vigil.Errorf(vigil.ECONFLICT, "%q names %d vendors: give the id or the full name", ref, len(found))
}

// standing is what the register knows of every vendor.
func (s *Service) standing(ctx context.Context) ([]oversight.Standing, map[int64][]*vigil.Device, error) {
	vendors, err := s.db.FindVendors(ctx)
	if err != nil {
		return nil, nil, err
	}
	devices, _, err := s.db.FindDevices(ctx, vigil.DeviceFilter{})
	if err != nil {
		return nil, nil, err
	}
	remote, err := s.remoteDevices(ctx)
	if err != nil {
		return nil, nil, err
	}
	baas, err := s.db.FindBAAs(ctx, 0)
	if err != nil {
		return nil, nil, err
	}
	certs, err := s.db.FindCertifications(ctx, 0)
	if err != nil {
		return nil, nil, err
	}
	var forms []*vigil.MDS2Form
	if s.medical != nil {
		if forms, err = s.db.FindMDS2Forms(ctx, false); err != nil {
			return nil, nil, err
		}
	}
	out, made := make([]oversight.Standing, len(vendors)), oversight.NewTies(vendors).Devices(devices)
	for i, v := range vendors {
		out[i] = oversight.Standing{Vendor: v, Risk: oversight.Assess(made[v.ID], remote), MissingMDS2: s.missingMDS2(v, made[v.ID], forms)}
		for _, b := range baas {
			if b.VendorID == v.ID {
				out[i].BAAs = append(out[i].BAAs, b)
			}
		}
		for _, c := range certs {
			if c.VendorID == v.ID {
				out[i].Certs = append(out[i].Certs, c)
			}
		}
	}
	return out, made, nil
}

// missingMDS2 lists the models of the connected medical devices the
// vendor makes (not those it services) that have no MDS2 form on file: a
// form of the same model by the same maker, or by a spelling the vendor
// goes by.
func (s *Service) missingMDS2(v *vigil.Vendor, devices []*vigil.Device, forms []*vigil.MDS2Form) []string {
	if s.medical == nil {
		return nil
	}
	seen, out := map[string]bool{}, []string{}
	for _, d := range devices {
		k := vigil.MDS2ModelKey(d.Model)
		if k == "" || seen[k] || (d.IP == "" && d.MAC == "") || !v.Makes(d.Manufacturer) || !s.medical(d.DeviceType) {
			continue
		}
		seen[k] = true
		if !slices.ContainsFunc(forms, func(f *vigil.MDS2Form) bool {
			return vigil.MDS2ModelKey(f.Model) == k && (f.Describes(d) || v.Makes(f.Manufacturer))
		}) {
			out = append(out, d.Model)
		}
	}
	slices.Sort(out)
	return out
}

// remoteDevices returns the devices discovery saw reached by remote access.
func (s *Service) remoteDevices(ctx context.Context) (map[int64]bool, error) {
	fs, err := s.db.FindNetworkFindings(ctx, vigil.FindingRemoteAccess)
	if err != nil {
		return nil, err
	}
	out := map[int64]bool{}
	for _, f := range fs {
		if f.DeviceID != 0 {
			out[f.DeviceID] = true
		}
	}
	return out, nil
}

// List returns every vendor with its risk, highest tier first, then by name.
func (s *Service) List(ctx context.Context) ([]Summary, error) {
	st, _, err := s.standing(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Summary, len(st))
	for i, v := range st {
		out[i] = Summary{Vendor: v.Vendor, Risk: v.Risk, Certs: len(v.Certs)}
		if n := len(v.BAAs); n > 0 {
			out[i].BAA = v.BAAs[n-1]
		}
	}
	slices.SortStableFunc(out, func(a, b Summary) int {
		return cmp.Or(cmp.Compare(oversight.TierRank(b.Risk.Tier), oversight.TierRank(a.Risk.Tier)), cmp.Compare(vigil.VendorKey(a.Vendor.Name), vigil.VendorKey(b.Vendor.Name)))
	})
	return out, nil
}

// Show returns one vendor, named by id, name or alias, with the devices it
// makes or services, its risk, agreements and certifications.
func (s *Service) Show(ctx context.Context, ref string) (*Profile, error) {
	v, err := s.Find(ctx, ref)
	if err != nil {
		return nil, err
	}
	st, made, err := s.standing(ctx)
	if err != nil {
		return nil, err
	}
	for _, x := range st {
		if x.Vendor.ID == v.ID {
			p := &Profile{Vendor: x.Vendor, Risk: x.Risk, Devices: made[v.ID], BAAs: x.BAAs, Certifications: x.Certs}
			if p.Devices == nil {
				p.Devices = []*vigil.Device{}
			}
			if p.BAAs == nil {
				p.BAAs = []*vigil.BAA{}
			}
			if p.Certifications == nil {
				p.Certifications = []*vigil.Certification{}
			}
			return p, nil
		}
	}
	return nil, vigil.Errorf(vigil.ENOTFOUND, "no vendor %d", v.ID)
}

// Expiring returns the BAAs and certifications that are missing, expired
// or expire within the given time, for the vendors whose devices touch
// ePHI.
func (s *Service) Expiring(ctx context.Context, within time.Duration) ([]oversight.Gap, error) {
	st, _, err := s.standing(ctx)
	if err != nil {
		return nil, err
	}
	return oversight.Gaps(s.now(), within, st), nil
}
