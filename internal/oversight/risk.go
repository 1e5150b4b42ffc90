package oversight

import (
	"fmt"

	vigil "github.com/vigil-health/vigil"
)

// largeFleet is the device count from which a vendor's fleet alone counts
// as a risk factor.
const largeFleet = 100

// DevicesOf returns the devices a vendor makes (its name or an alias is the
// device's manufacturer, see vigil.Vendor.Makes) or services (the device's
// model is one of the vendor's models), in the order given.
func DevicesOf(v *vigil.Vendor, devices []*vigil.Device) []*vigil.Device {
	models := map[string]bool{}
	for _, m := range v.Models {
		models[vigil.VendorKey(m)] = true
	}
	var out []*vigil.Device
	for _, d := range devices {
		if v.Makes(d.Manufacturer) || (d.Model != "" && models[vigil.VendorKey(d.Model)]) {
			out = append(out, d)
		}
	}
	return out
}

// Assess computes a vendor's risk tier from its devices and the devices
// discovery saw reached by remote access. Each of these is one factor:
// devices that store or send ePHI, life-sustaining or life-supporting
// devices, devices reached by remote access, and a fleet of largeFleet or
// more. Two factors or more make the tier high, one medium, none low; a
// vendor with no device is "none".
func Assess(devices []*vigil.Device, remote map[int64]bool) vigil.VendorRisk {
	r := vigil.VendorRisk{Devices: len(devices), Factors: []string{}}
	for _, d := range devices {
		if d.HasEPHI() {
			r.EPHI++
		}
		if d.Criticality == vigil.CriticalityLifeSustaining || d.Criticality == vigil.CriticalityLifeSupporting {
			r.Critical++
		}
		if remote[d.ID] {
			r.RemoteAccess++
		}
	}
	if r.Devices == 0 {
		r.Tier = vigil.VendorTierNone
		r.Factors = append(r.Factors, "no device in the inventory")
		return r
	}
	n := 0
	add := func(ok bool, format string, count int) {
		if ok {
			n++
			r.Factors = append(r.Factors, fmt.Sprintf(format, count, plural(count)))
		}
	}
	add(r.EPHI > 0, "%d device%s storing or sending ePHI", r.EPHI)
	add(r.Critical > 0, "%d life-sustaining or life-supporting device%s", r.Critical)
	add(r.RemoteAccess > 0, "%d device%s reached by remote access", r.RemoteAccess)
	add(r.Devices >= largeFleet, "%d device%s in the inventory", r.Devices)
	switch {
	case n >= 2:
		r.Tier = vigil.VendorTierHigh
	case n == 1:
		r.Tier = vigil.VendorTierMedium
	default:
		r.Tier = vigil.VendorTierLow
		r.Factors = append(r.Factors, fmt.Sprintf("%d device%s, none clinical-critical, with ePHI or remote access", r.Devices, plural(r.Devices)))
	}
	return r
}

// TierRank orders the tiers: 3 for high down to 0 for none.
func TierRank(t vigil.VendorTier) int {
	switch t {
	case vigil.VendorTierHigh:
		return 3
	case vigil.VendorTierMedium:
		return 2
	case vigil.VendorTierLow:
		return 1
	}
	return 0
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
