package vendors

import (
	"context"
	"slices"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/oversight"
	"github.com/vigil-health/vigil/internal/store"
)

// SessionFilter narrows the vendor remote sessions listed.
type SessionFilter struct {
	// Vendor is a vendor's id, name or alias, or oversight.Unknown for the
	// sessions no endpoint ties; "" all.
	Vendor string
	// DeviceID is an inventory device; 0 all.
	DeviceID int64
	// At is the date the register is read at: sessions that started by
	// then; zero is now.
	At time.Time
}

// Sessions returns the vendor remote sessions discovery recorded (see
// oversight.Sessions), tied to the register's vendors by their endpoints,
// with the inventory's devices.
func (s *Service) Sessions(ctx context.Context, f SessionFilter) ([]oversight.Session, error) {
	r, err := s.SessionReport(ctx, f)
	if err != nil {
		return nil, err
	}
	return r.Sessions, nil
}

// SessionReport is the sessions a filter selects and the findings about
// them.
type SessionReport struct {
	Sessions []oversight.Session        `json:"sessions"`
	Findings []oversight.SessionFinding `json:"findings"`
}

// SessionReport returns the sessions the filter selects and the findings
// (SessionFindings) about the same vendor and device.
func (s *Service) SessionReport(ctx context.Context, f SessionFilter) (*SessionReport, error) {
	if f.At.IsZero() {
		f.At = s.now()
	}
	vendorID := int64(-1)
	if f.Vendor == oversight.Unknown {
		vendorID = 0
	} else if f.Vendor != "" {
		v, err := s.Find(ctx, f.Vendor)
		if err != nil {
			return nil, err
		}
		vendorID = v.ID
	}
	all, baas, err := s.sessions(ctx, f.At)
	if err != nil {
		return nil, err
	}
	out := &SessionReport{}
	keep := func(vendor, device int64) bool {
		return (vendorID < 0 || vendor == vendorID) && (f.DeviceID == 0 || device == f.DeviceID)
	}
	for _, x := range all {
		if keep(x.VendorID, x.DeviceID) {
			out.Sessions = append(out.Sessions, x)
		}
	}
	for _, x := range oversight.SessionFindings(all, baas, f.At) {
		if keep(x.VendorID, x.DeviceID) {
			out.Findings = append(out.Findings, x)
		}
	}
	if out.Sessions == nil {
		out.Sessions = []oversight.Session{}
	}
	if out.Findings == nil {
		out.Findings = []oversight.SessionFinding{}
	}
	return out, nil
}

// SessionFindings returns what the register cannot account for in the
// sessions that started by at (zero: now): sessions by a vendor without a
// BAA in force (vendor-remote-no-baa) and sessions whose peer or device's
// maker is no vendor of the register (vendor-remote-unknown).
func (s *Service) SessionFindings(ctx context.Context, at time.Time) ([]oversight.SessionFinding, error) {
	if at.IsZero() {
		at = s.now()
	}
	all, baas, err := s.sessions(ctx, at)
	if err != nil {
		return nil, err
	}
	return oversight.SessionFindings(all, baas, at), nil
}

// sessions reads the flows, devices and vendors and finds the sessions.
func (s *Service) sessions(ctx context.Context, at time.Time) ([]oversight.Session, []*vigil.BAA, error) {
	flows, err := s.db.FindFlowsByApp(ctx, oversight.SessionApps)
	if err != nil {
		return nil, nil, err
	}
	vendors, err := s.db.FindVendors(ctx)
	if err != nil {
		return nil, nil, err
	}
	devices, _, err := s.db.FindDevices(ctx, vigil.DeviceFilter{})
	if err != nil {
		return nil, nil, err
	}
	baas, err := s.db.FindBAAs(ctx, 0)
	if err != nil {
		return nil, nil, err
	}
	return oversight.Sessions(flows, devices, vendors, at), baas, nil
}

// AddEndpoint adds an endpoint to a vendor named by id, name or alias, and
// returns the vendor as saved. Adding one it has already replaces its tool.
func (s *Service) AddEndpoint(ctx context.Context, actor *vigil.User, ref string, e vigil.VendorEndpoint) (*vigil.Vendor, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	found, err := s.Find(ctx, ref)
	if err != nil {
		return nil, err
	}
	var out *vigil.Vendor
	err = s.update(ctx, actor, func(tx *store.Tx) error {
		v, err := tx.VendorByName(ctx, found.Name)
		if err != nil {
			return err
		}
		v.Endpoints = slices.DeleteFunc(v.Endpoints, func(x vigil.VendorEndpoint) bool { return x.Kind == e.Kind && x.Value == e.Value })
		v.Endpoints = append(v.Endpoints, e)
		if err := tx.SaveVendor(ctx, actor, v); err != nil {
			return err
		}
		out = v
		return tx.Audit(ctx, actor, "vendor.endpoint", "vendor", v.ID, map[string]any{"kind": e.Kind, "value": e.Value, "tool": e.Tool})
	})
	return out, err
}
