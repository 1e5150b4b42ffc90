package compliance

import (
	"context"
	"slices"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/checks"
	"github.com/vigil-health/vigil/internal/oversight"
)

// vendorEvidence is what the vendor register knew at the evaluation's
// date, indexed by device: the vendors that make or service each device,
// the vendors its remote sessions are tied to, which of them had a BAA in
// force and a current certification, and the model's end-of-life dates.
type vendorEvidence struct {
	vendors  []*vigil.Vendor
	baas     []*vigil.BAA
	certs    []*vigil.Certification
	support  []*vigil.ModelSupport
	flows    []*vigil.FlowSummary
	of       map[int64][]*vigil.Vendor     // by device id
	sessions map[int64][]oversight.Session // by device id
	makers   map[string][]int64            // the vendors each manufacturer spelling names
	baa      map[int64]bool                // vendor id: a BAA in force
	cert     map[int64]bool                // vendor id: a current certification
}

// reads returns the store reads the vendor evidence needs, to run beside
// the evaluation's others.
func (ve *vendorEvidence) reads(ctx context.Context, s *Service, asOf *time.Time) []func() error {
	return []func() error{
		func() (err error) { ve.vendors, err = s.db.FindVendors(ctx); return err },
		func() (err error) { ve.baas, err = s.db.FindBAAs(ctx, 0); return err },
		func() (err error) { ve.certs, err = s.db.FindCertifications(ctx, 0); return err },
		func() (err error) { ve.support, err = s.db.FindModelSupport(ctx, asOf); return err },
	}
}

// index keeps what the register held at the evaluation's date (a time
// travel drops what was recorded later) and indexes it by device.
func (ve *vendorEvidence) index(ev *evidence, asOf *time.Time, forms []*vigil.MDS2Form) {
	if asOf != nil {
		ve.vendors = oversight.KnownBy(ve.vendors, func(v *vigil.Vendor) time.Time { return v.AddedAt }, *asOf)
		ve.baas = oversight.KnownBy(ve.baas, func(b *vigil.BAA) time.Time { return b.AddedAt }, *asOf)
		ve.certs = oversight.KnownBy(ve.certs, func(c *vigil.Certification) time.Time { return c.AddedAt }, *asOf)
	}
	ve.baa, ve.cert = map[int64]bool{}, map[int64]bool{}
	for _, v := range ve.vendors {
		ve.baa[v.ID] = oversight.BAAInForce(ve.baas, v.ID, ev.at) != nil
		ve.cert[v.ID] = oversight.CertifiedAt(ve.certs, v.ID, ev.at)
	}
	ties := oversight.NewTies(ve.vendors)
	ve.of = make(map[int64][]*vigil.Vendor, len(ev.devices))
	for _, d := range ev.devices {
		if vs := ties.Of(d); len(vs) > 0 {
			ve.of[d.ID] = vs
		}
	}
	// Which vendors each spelling of a manufacturer names, for telling
	// whether a form or a notice is about a device's maker.
	ve.makers = map[string][]int64{}
	spellings := make([]string, 0, len(ev.devices)+len(forms)+len(ve.support))
	for _, d := range ev.devices {
		spellings = append(spellings, d.Manufacturer)
	}
	for _, f := range forms {
		spellings = append(spellings, f.Manufacturer)
	}
	for _, m := range ve.support {
		spellings = append(spellings, m.Manufacturer)
	}
	for _, sp := range spellings {
		if _, ok := ve.makers[sp]; ok {
			continue
		}
		ids := []int64{}
		for _, v := range ve.vendors {
			if v.Makes(sp) {
				ids = append(ids, v.ID)
			}
		}
		ve.makers[sp] = ids
	}
	ve.sessions = map[int64][]oversight.Session{}
	for _, se := range oversight.Sessions(ve.flows, ev.devices, ve.vendors, ev.at) {
		if se.DeviceID != 0 {
			ve.sessions[se.DeviceID] = append(ve.sessions[se.DeviceID], se)
		}
	}
	ve.flows = nil
}

// fill sets what the checks read of the register about one device: its
// vendors and their agreements, its model's end of life, and the vendors
// of its remote sessions.
func (ve *vendorEvidence) fill(sub *checks.Subject, d *vigil.Device, at time.Time) {
	sub.Device.Vendors, sub.Device.VendorsWithoutBAA = []string{}, []string{}
	for _, v := range ve.of[d.ID] {
		sub.Device.Vendors = append(sub.Device.Vendors, v.Name)
		if !ve.baa[v.ID] {
			sub.Device.VendorsWithoutBAA = append(sub.Device.VendorsWithoutBAA, v.Name)
		}
	}
	sub.Device.SupportState = string(vigil.SupportUnknown)
	for _, m := range ve.support {
		if d.Model != "" && vigil.MDS2ModelKey(m.Model) == vigil.MDS2ModelKey(d.Model) && ve.sameMaker(m.Manufacturer, d.Manufacturer) {
			sub.Device.EndOfSupport, sub.Device.EndOfPatches = m.EndOfSupport, m.EndOfPatches
			sub.Device.SupportState = string(m.State(at))
			break
		}
	}
	r := &sub.Remote
	r.Vendors, r.VendorsWithoutBAA, r.VendorsUncertified = []string{}, []string{}, []string{}
	seen := map[int64]bool{}
	var tools []string
	for _, se := range ve.sessions[d.ID] {
		r.Enabled = true
		if !slices.Contains(tools, se.Tool) {
			tools = append(tools, se.Tool)
		}
		if se.VendorID == 0 {
			r.Unknown = true
			continue
		}
		if seen[se.VendorID] {
			continue
		}
		seen[se.VendorID] = true
		r.Vendors = append(r.Vendors, se.Vendor)
		if !ve.baa[se.VendorID] {
			r.VendorsWithoutBAA = append(r.VendorsWithoutBAA, se.Vendor)
		}
		if !ve.cert[se.VendorID] {
			r.VendorsUncertified = append(r.VendorsUncertified, se.Vendor)
		}
	}
	if len(r.Vendors) > 0 {
		r.Vendor = joinNames(r.Vendors)
		r.BAA = len(r.VendorsWithoutBAA) == 0
		r.Certified = len(r.VendorsUncertified) == 0
	}
	if len(tools) > 0 && r.Method == "" {
		r.Method = joinNames(tools)
	}
}

// sameMaker reports whether two spellings of a manufacturer name the same
// company: by vigil.SameMaker, or because one vendor of the register goes
// by both ("Hill-Rom/Rauland" as an alias of Rauland).
func (ve *vendorEvidence) sameMaker(a, b string) bool {
	if vigil.SameMaker(a, b) {
		return true
	}
	for _, x := range ve.makers[a] {
		if slices.Contains(ve.makers[b], x) {
			return true
		}
	}
	return false
}

func joinNames(xs []string) string { return strings.Join(xs, ", ") }
