package vigil

import "time"

// DiscrepancyKind names one kind of disagreement between the sources that
// report devices.
type DiscrepancyKind string

// The kinds of discrepancy, in the order reports list them.
const (
	// DiscrepancyMissingFromSource: one inventory source lists the device and
	// another inventory source does not.
	DiscrepancyMissingFromSource DiscrepancyKind = "missing-from-source"
	// DiscrepancyUnmanaged: a scanner or the passive capture sees the device
	// but no inventory source lists it.
	DiscrepancyUnmanaged DiscrepancyKind = "unmanaged"
	// DiscrepancyStale: an inventory lists the device but no discovery source
	// has seen it for the configured number of days.
	DiscrepancyStale DiscrepancyKind = "stale"
	// DiscrepancyFieldConflict: inventory sources give different values for
	// the same field of the same device.
	DiscrepancyFieldConflict DiscrepancyKind = "field-conflict"
	// DiscrepancyDuplicate: one source lists the same device more than once.
	DiscrepancyDuplicate DiscrepancyKind = "duplicate"
	// DiscrepancyIdentityConflict: two records share an identifier but
	// contradict on another, so they were kept apart for a person to decide.
	DiscrepancyIdentityConflict DiscrepancyKind = "identity-conflict"
)

// DiscrepancyKinds lists the kinds in report order.
var DiscrepancyKinds = []DiscrepancyKind{
	DiscrepancyMissingFromSource, DiscrepancyUnmanaged, DiscrepancyStale,
	DiscrepancyFieldConflict, DiscrepancyDuplicate, DiscrepancyIdentityConflict,
}

// Rank returns the kind's position in DiscrepancyKinds, or len(DiscrepancyKinds)
// for an unknown kind, so reports can sort by it.
func (k DiscrepancyKind) Rank() int {
	for i, d := range DiscrepancyKinds {
		if d == k {
			return i
		}
	}
	return len(DiscrepancyKinds)
}

// Valid reports whether k is a known kind.
func (k DiscrepancyKind) Valid() bool { return k.Rank() < len(DiscrepancyKinds) }

// DeviceRef identifies a device in a report by its id and its identifiers;
// device identifiers are not PHI.
type DeviceRef struct {
	ID           int64  `json:"id,omitempty"`
	AssetTag     string `json:"asset_tag,omitempty"`
	Serial       string `json:"serial,omitempty"`
	MAC          string `json:"mac,omitempty"`
	Hostname     string `json:"hostname,omitempty"`
	IP           string `json:"ip,omitempty"`
	Manufacturer string `json:"manufacturer,omitempty"`
	Model        string `json:"model,omitempty"`
}

// RefOf returns the identifiers of d.
func RefOf(d *Device) DeviceRef {
	return DeviceRef{
		ID: d.ID, AssetTag: d.AssetTag, Serial: d.Serial, MAC: d.MAC,
		Hostname: d.Hostname, IP: d.IP, Manufacturer: d.Manufacturer, Model: d.Model,
	}
}

// Discrepancy is one disagreement between sources about one device. Its JSON
// form is a published contract that scripts read:
//
//	{"kind":..., "device":{...}, "field":..., "values":{"SOURCE":VALUE}, "sources":[...], "detail":...}
//
// Field is set for field-conflict and identity-conflict. Values maps a source
// name to the value it gave (for missing-from-source: "present" or
// "missing"; for stale: the last time a discovery source saw the device, or
// "never"). Sources lists every source involved, sorted.
type Discrepancy struct {
	Kind    DiscrepancyKind   `json:"kind"`
	Device  DeviceRef         `json:"device"`
	Field   string            `json:"field,omitempty"`
	Values  map[string]string `json:"values,omitempty"`
	Sources []string          `json:"sources"`
	Detail  string            `json:"detail,omitempty"`
}

// DiscrepancyReport is the document a discrepancy export writes.
type DiscrepancyReport struct {
	Discrepancies []Discrepancy `json:"discrepancies"`
}

// CountByKind returns how many discrepancies of each kind the report holds.
func (r *DiscrepancyReport) CountByKind() map[DiscrepancyKind]int {
	n := make(map[DiscrepancyKind]int)
	for _, d := range r.Discrepancies {
		n[d.Kind]++
	}
	return n
}

// DiscrepancyCount is how many discrepancies of one kind there were on one
// day, as the day's latest resolution or acknowledgement left them: the
// history the dashboard draws.
type DiscrepancyCount struct {
	Day     time.Time       `json:"day"` // midnight UTC
	Kind    DiscrepancyKind `json:"kind"`
	Total   int             `json:"total"`
	Unacked int             `json:"unacknowledged"`
}
