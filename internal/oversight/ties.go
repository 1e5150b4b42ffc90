package oversight

import (
	"time"

	vigil "github.com/vigil-health/vigil"
)

// Ties answers, for many devices, which vendors of the register make or
// service each (the rule of DevicesOf), deciding each distinct
// manufacturer spelling and model once: an inventory of 100,000 devices
// has a few hundred of each.
type Ties struct {
	vendors []*vigil.Vendor
	maker   map[string][]*vigil.Vendor // by manufacturer as written
	model   map[string][]*vigil.Vendor // by vigil.VendorKey of the model
}

// NewTies indexes the register's vendors.
func NewTies(vendors []*vigil.Vendor) *Ties {
	t := &Ties{vendors: vendors, maker: map[string][]*vigil.Vendor{}, model: map[string][]*vigil.Vendor{}}
	for _, v := range vendors {
		for _, m := range v.Models {
			k := vigil.VendorKey(m)
			t.model[k] = append(t.model[k], v)
		}
	}
	return t
}

// Of returns the vendors that make or service the device, in register
// order, each once.
func (t *Ties) Of(d *vigil.Device) []*vigil.Vendor {
	makers, ok := t.maker[d.Manufacturer]
	if !ok {
		for _, v := range t.vendors {
			if v.Makes(d.Manufacturer) {
				makers = append(makers, v)
			}
		}
		t.maker[d.Manufacturer] = makers
	}
	var services []*vigil.Vendor
	if d.Model != "" {
		services = t.model[vigil.VendorKey(d.Model)]
	}
	if len(services) == 0 {
		return makers
	}
	out := append([]*vigil.Vendor(nil), makers...)
	for _, v := range t.vendors {
		in := false
		for _, s := range services {
			in = in || s == v
		}
		for _, m := range makers {
			in = in && m != v
		}
		if in {
			out = append(out, v)
		}
	}
	return out
}

// Devices returns, for every vendor of the register, the devices it makes
// or services (DevicesOf's answer for each, in the order given), from one
// pass over the inventory.
func (t *Ties) Devices(devices []*vigil.Device) map[int64][]*vigil.Device {
	out := make(map[int64][]*vigil.Device, len(t.vendors))
	for _, d := range devices {
		for _, v := range t.Of(d) {
			out[v.ID] = append(out[v.ID], d)
		}
	}
	return out
}

// CertifiedAt reports whether a vendor holds a certification current at a
// time: one whose period (when given) has begun and which has not expired.
func CertifiedAt(certs []*vigil.Certification, vendorID int64, at time.Time) bool {
	for _, c := range certs {
		if c.VendorID == vendorID && c.Expires.After(at) && (c.PeriodStart.IsZero() || !c.PeriodStart.After(at)) {
			return true
		}
	}
	return false
}

// KnownBy drops the records added after at (zero keeps all): what the
// register held at that moment.
func KnownBy[T any](xs []T, added func(T) time.Time, at time.Time) []T {
	if at.IsZero() {
		return xs
	}
	out := make([]T, 0, len(xs))
	for _, x := range xs {
		if a := added(x); a.IsZero() || !a.After(at) {
			out = append(out, x)
		}
	}
	return out
}
