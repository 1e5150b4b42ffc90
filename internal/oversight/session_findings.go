package oversight

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// The codes of the findings SessionFindings raises.
const (
	// FindingRemoteNoBAA is a session tied to a vendor that had no BAA in
	// force when it started.
	FindingRemoteNoBAA = "vendor-remote-no-baa"
	// FindingRemoteUnknown is a session whose peer no vendor endpoint
	// ties, or to a device whose maker is no vendor of the register.
	FindingRemoteUnknown = "vendor-remote-unknown"
)

// SessionFinding is a vendor remote session the register cannot account
// for. It names the device, the vendor (or Unknown), the peer, the tool and
// when, never what the session carried.
type SessionFinding struct {
	Code     string    `json:"code"`
	DeviceID int64     `json:"device_id,omitempty"`
	Device   string    `json:"device"`
	VendorID int64     `json:"vendor_id,omitempty"`
	Vendor   string    `json:"vendor"`
	Peer     string    `json:"peer"`
	Tool     string    `json:"tool"`
	At       time.Time `json:"at"`
	Detail   string    `json:"detail"`
}

// BAAInForce returns the version of a vendor's BAA in force at a time: the
// newest version (highest Version) that took effect on or before it, when
// its due date (BAA.Due) is zero or after the time. It returns nil when
// none is. Which versions the register held at a time is the caller's
// choice (SessionFindings drops those recorded after its date).
func BAAInForce(baas []*vigil.BAA, vendorID int64, at time.Time) *vigil.BAA {
	var cur *vigil.BAA
	for _, b := range baas {
		if b.VendorID != vendorID || b.Effective.After(at) {
			continue
		}
		if cur == nil || b.Version > cur.Version {
			cur = b
		}
	}
	if cur == nil || (!cur.Due().IsZero() && !cur.Due().After(at)) {
		return nil
	}
	return cur
}

// SessionFindings raises, for the sessions that started on or before at
// (zero: all), FindingRemoteNoBAA when the session's vendor had no BAA in
// force when the session started (BAAInForce; the BAAs recorded by at
// count), and FindingRemoteUnknown when no vendor endpoint ties the peer or
// when the device's maker is no vendor of the register (a device outside
// the inventory has no known maker). A session can raise both. The
// findings come by time, device and code.
func SessionFindings(sessions []Session, baas []*vigil.BAA, at time.Time) []SessionFinding {
	out, recorded := []SessionFinding{}, baas
	if !at.IsZero() {
		recorded = slices.DeleteFunc(slices.Clone(baas), func(b *vigil.BAA) bool { return !b.AddedAt.IsZero() && b.AddedAt.After(at) })
	}
	for _, s := range sessions {
		if !at.IsZero() && s.FirstSeen.After(at) {
			continue
		}
		f := SessionFinding{DeviceID: s.DeviceID, Device: s.Device, VendorID: s.VendorID, Vendor: s.Vendor, Peer: s.Peer, Tool: s.Tool, At: s.FirstSeen}
		where := fmt.Sprintf("%s session from %s to %s", s.Tool, s.Peer, s.Device)
		if !s.Inbound {
			where = fmt.Sprintf("%s session from %s to %s", s.Tool, s.Device, s.Peer)
		}
		if s.VendorID != 0 && BAAInForce(recorded, s.VendorID, s.FirstSeen) == nil {
			f.Code, f.Detail = FindingRemoteNoBAA, fmt.Sprintf("%s by %s, which had no BAA in force at %s", where, s.Vendor, s.FirstSeen.UTC().Format(time.RFC3339))
			out = append(out, f)
		}
		var why string
		switch {
		case s.VendorID == 0:
			why = "no vendor endpoint matches the peer"
		case s.DeviceID == 0:
			why = "the device is not in the inventory"
		case s.MakerID == 0:
			why = "the device's manufacturer is no vendor of the register"
		}
		if why != "" {
			f.Code, f.Detail = FindingRemoteUnknown, where+": "+why
			out = append(out, f)
		}
	}
	slices.SortStableFunc(out, func(a, b SessionFinding) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.Device, b.Device), cmp.Compare(a.Code, b.Code))
	})
	return out
}
