package vigil

import (
	"context"
	"net/netip"
	"strings"
	"time"
)

// Criticality is how directly a device's failure harms a patient.
type Criticality string

// The clinical criticality levels, from most to least critical.
const (
	CriticalityLifeSustaining Criticality = "life-sustaining" // ventilators, infusion pumps
	CriticalityLifeSupporting Criticality = "life-supporting" // patient monitors, telemetry
	CriticalityDiagnostic     Criticality = "diagnostic"      // imaging, lab, ECG
	CriticalityNonClinical    Criticality = "non-clinical"    // nurse call, printers, servers
	CriticalityUnknown        Criticality = ""
)

// Criticalities lists the known levels in order of decreasing criticality.
var Criticalities = []Criticality{CriticalityLifeSustaining, CriticalityLifeSupporting, CriticalityDiagnostic, CriticalityNonClinical}

// Rank returns 4 for life-sustaining down to 1 for non-clinical and 0 for unknown.
func (c Criticality) Rank() int {
	for i, k := range Criticalities {
		if k == c {
			return len(Criticalities) - i
		}
	}
	return 0
}

// Valid reports whether c is a known level or unknown ("").
func (c Criticality) Valid() bool { return c == CriticalityUnknown || c.Rank() > 0 }

// Lifecycle is where a device is in its life, from purchase to disposal.
type Lifecycle string

// The lifecycle states in order.
const (
	LifecycleProcurement    Lifecycle = "procurement"
	LifecycleReceived       Lifecycle = "received"
	LifecycleInService      Lifecycle = "in-service"
	LifecycleMaintenance    Lifecycle = "maintenance"
	LifecycleRetired        Lifecycle = "retired"
	LifecycleDecommissioned Lifecycle = "decommissioned"
)

// Lifecycles lists the states in order.
var Lifecycles = []Lifecycle{LifecycleProcurement, LifecycleReceived, LifecycleInService, LifecycleMaintenance, LifecycleRetired, LifecycleDecommissioned}

// Valid reports whether l is a known state or empty.
func (l Lifecycle) Valid() bool {
	if l == "" {
		return true
	}
	for _, k := range Lifecycles {
		if k == l {
			return true
		}
	}
	return false
}

// Device is one physical or virtual device the hospital runs, as Vigil
// currently resolves it from all sources. Each field's history and the value
// each source gave is kept as Facts.
type Device struct {
	ID           int64       `json:"id"`
	AssetTag     string      `json:"asset_tag,omitempty"`
	Serial       string      `json:"serial,omitempty"`
	Manufacturer string      `json:"manufacturer,omitempty"`
	Model        string      `json:"model,omitempty"`
	DeviceType   string      `json:"device_type,omitempty"`
	Firmware     string      `json:"firmware,omitempty"`
	MAC          string      `json:"mac,omitempty"` // lower-case, colon separated
	IP           string      `json:"ip,omitempty"`
	Hostname     string      `json:"hostname,omitempty"`
	SiteID       int64       `json:"site_id,omitempty"`  // the hospital
	PlaceID      int64       `json:"place_id,omitempty"` // the most specific site below it: building, floor, department or room
	Location     string      `json:"location,omitempty"` // free text as the sources give it
	OwnerTeam    string      `json:"owner_team,omitempty"`
	StoresEPHI   bool        `json:"stores_ephi"`
	SendsEPHI    bool        `json:"sends_ephi"`
	Criticality  Criticality `json:"criticality,omitempty"`
	Lifecycle    Lifecycle   `json:"lifecycle,omitempty"`
	FirstSeen    time.Time   `json:"first_seen"`
	LastSeen     time.Time   `json:"last_seen"`
	CreatedAt    time.Time   `json:"created_at"`
	UpdatedAt    time.Time   `json:"updated_at"`
}

// HasEPHI reports whether the device stores or sends ePHI.
func (d *Device) HasEPHI() bool { return d.StoresEPHI || d.SendsEPHI }

// Label returns a short human name for the device: asset tag, hostname,
// serial or MAC, whichever is known first.
func (d *Device) Label() string {
	for _, s := range []string{d.AssetTag, d.Hostname, d.Serial, d.MAC, d.IP} {
		if s != "" {
			return s
		}
	}
	return "device"
}

// Validate checks the device's own rules. It never echoes field values that
// could carry PHI; device identifiers are not PHI.
func (d *Device) Validate() error {
	if d.AssetTag == "" && d.Serial == "" && d.MAC == "" && d.Hostname == "" && d.IP == "" {
		return Errorf(EINVALID, "a device needs at least one identifier: asset tag, serial, MAC, hostname or IP")
	}
	if d.MAC != "" {
		if _, err := NormalizeMAC(d.MAC); err != nil {
			return err
		}
	}
	if d.IP != "" {
		if _, err := netip.ParseAddr(d.IP); err != nil {
			return Errorf(EINVALID, "device IP %q is not an IPv4 or IPv6 address", d.IP)
		}
	}
	if !d.Criticality.Valid() {
		return Errorf(EINVALID, "unknown criticality %q", d.Criticality)
	}
	if !d.Lifecycle.Valid() {
		return Errorf(EINVALID, "unknown lifecycle state %q", d.Lifecycle)
	}
	return nil
}

// NormalizeMAC turns a MAC address in any common notation (colons, dashes,
// Cisco dots, bare hex; any case) into lower-case colon-separated form.
func NormalizeMAC(s string) (string, error) {
	out, _, _ := colonHex(s, 12, ":-. ")
	if out == "" {
		return "", Errorf(EINVALID, "%q is not a MAC address", s)
	}
	return out, nil
}

// colonHex reads an identifier of want hex digits, in any case, written
// with any of the separators seps, and writes it lower case in
// colon-separated pairs ("00:12:a5:..."). It returns "" when s is not
// one, with bad the offset of the first byte that is neither a hex digit
// nor a separator (-1 when none) and n the digits read, stopping past
// want.
func colonHex(s string, want int, seps string) (out string, bad, n int) {
	hex := make([]byte, 0, want)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f':
			hex = append(hex, c)
		case c >= 'A' && c <= 'F':
			hex = append(hex, c+'a'-'A')
		case strings.IndexByte(seps, c) >= 0:
		default:
			return "", i, len(hex)
		}
		if len(hex) > want {
			return "", -1, len(hex)
		}
	}
	if len(hex) != want {
		return "", -1, len(hex)
	}
	var b strings.Builder
	b.Grow(want + want/2)
	for i := 0; i < want; i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.Write(hex[i : i+2])
	}
	return b.String(), -1, want
}

// DeviceFilter selects devices. Zero fields do not filter.
type DeviceFilter struct {
	ID          *int64
	Query       string // matched against identifiers, manufacturer and model
	DeviceType  string
	SiteID      *int64
	Criticality Criticality
	EPHI        *bool
	Source      string          // listed by this source
	Discrepancy DiscrepancyKind // has an open discrepancy of this kind
	AsOf        *time.Time      // rebuild the inventory as it stood then
	Offset      int
	Limit       int
}

// DeviceCounts summarises the inventory for the dashboard.
type DeviceCounts struct {
	Total         int            `json:"total"`
	EPHI          int            `json:"ephi"`
	ByType        map[string]int `json:"by_type"`
	BySite        map[string]int `json:"by_site"`
	ByCriticality map[string]int `json:"by_criticality"`
}

// DeviceService reads and changes the inventory. Every change is recorded in
// the audit trail in the same transaction.
type DeviceService interface {
	FindDeviceByID(ctx context.Context, id int64) (*Device, error)
	// FindDevices returns the matching devices and the total count before paging.
	FindDevices(ctx context.Context, f DeviceFilter) ([]*Device, int, error)
	CountDevices(ctx context.Context, asOf *time.Time) (*DeviceCounts, error)
	// DeviceFacts returns every value each source gave for the device, newest first.
	DeviceFacts(ctx context.Context, deviceID int64) ([]*Fact, error)
}
