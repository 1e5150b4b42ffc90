package vigil

import (
	"context"
	"fmt"
	"time"
)

// SourceKind says what kind of system a source is; reconciliation and the
// discrepancy rules treat inventories and discovery sources differently.
type SourceKind string

// The kinds of source.
const (
	SourceInventory SourceKind = "inventory" // CMMS, CMDB, asset spreadsheets
	SourceScanner   SourceKind = "scanner"   // nmap and other active scans
	SourceNetwork   SourceKind = "network"   // passive capture
	SourceManual    SourceKind = "manual"    // a person in the web UI
)

// Valid reports whether k is a known kind.
func (k SourceKind) Valid() bool {
	switch k {
	case SourceInventory, SourceScanner, SourceNetwork, SourceManual:
		return true
	}
	return false
}

// IsDiscovery reports whether the kind observes the network rather than
// listing what the hospital believes it owns.
func (k SourceKind) IsDiscovery() bool { return k == SourceScanner || k == SourceNetwork }

// Source is a system that reports facts about devices: a CMMS export, an IT
// CMDB, a scanner, the passive capture.
type Source struct {
	ID   int64      `json:"id"`
	Name string     `json:"name"`
	Kind SourceKind `json:"kind"`
	// Role says what the source is to the hospital for precedence rules:
	// clinical-engineering, it, scanner, network or other. Empty: inferred
	// from the kind and name.
	Role      string    `json:"role,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Validate checks the source's rules.
func (s *Source) Validate() error {
	if s.Name == "" {
		return Errorf(EINVALID, "a source needs a name")
	}
	if len(s.Name) > 64 {
		return Errorf(EINVALID, "source name is longer than 64 characters")
	}
	if !s.Kind.Valid() {
		return Errorf(EINVALID, "unknown source kind %q", s.Kind)
	}
	return nil
}

// Canonical field names of a Record and of a Fact.
const (
	FieldAssetTag     = "asset_tag"
	FieldSerial       = "serial"
	FieldManufacturer = "manufacturer"
	FieldModel        = "model"
	FieldDeviceType   = "device_type"
	FieldFirmware     = "firmware"
	FieldMAC          = "mac"
	FieldIP           = "ip"
	FieldHostname     = "hostname"
	FieldSite         = "site"
	FieldBuilding     = "building"
	FieldFloor        = "floor"
	FieldDepartment   = "department"
	FieldRoom         = "room"
	FieldLocation     = "location"
	FieldOwnerTeam    = "owner_team"
	FieldStoresEPHI   = "stores_ephi"
	FieldSendsEPHI    = "sends_ephi"
	FieldCriticality  = "criticality"
	FieldLifecycle    = "lifecycle"

	// The network segment and what a CMMS keeps of a device's upkeep.
	FieldVLAN            = "vlan"             // the VLAN id, 1-4094
	FieldLastPM          = "last_pm"          // the last preventive maintenance, a date
	FieldNextPM          = "next_pm"          // the next preventive maintenance due, a date
	FieldServiceContract = "service_contract" // the service contract or warranty, as the source gives it
	FieldEndOfLife       = "end_of_life"      // end of life or of support, a date
	FieldFDAClass        = "fda_class"        // the FDA device class: I, II or III
	FieldCostCenter      = "cost_center"      // the cost centre that pays for the device

	// Strong identifiers a device carries besides its serial and MAC.
	FieldUDI   = "udi"   // a unique device identifier in its issuer's canonical form (see UDI)
	FieldEUI64 = "eui64" // an IEEE EUI-64 device id, lower-case colon form (NormalizeEUI64)
)

// Fields lists the canonical field names in display order.
var Fields = []string{
	FieldAssetTag, FieldSerial, FieldManufacturer, FieldModel, FieldDeviceType,
	FieldFirmware, FieldMAC, FieldIP, FieldHostname, FieldSite, FieldBuilding,
	FieldFloor, FieldDepartment, FieldRoom, FieldLocation, FieldOwnerTeam,
	FieldStoresEPHI, FieldSendsEPHI, FieldCriticality, FieldLifecycle,
	FieldVLAN, FieldLastPM, FieldNextPM, FieldServiceContract, FieldEndOfLife,
	FieldFDAClass, FieldCostCenter, FieldUDI, FieldEUI64,
}

// IsField reports whether name is a canonical field name.
func IsField(name string) bool {
	for _, f := range Fields {
		if f == name {
			return true
		}
	}
	return false
}

// Origin locates a record in the file it came from, for error messages and
// provenance: file and line for text formats, sheet and row for workbooks.
type Origin struct {
	File  string `json:"file,omitempty"`
	Line  int    `json:"line,omitempty"`
	Sheet string `json:"sheet,omitempty"`
	Row   int    `json:"row,omitempty"`
}

// String formats the origin as file:line or file[sheet]:row.
func (o Origin) String() string {
	switch {
	case o.Sheet != "":
		return fmt.Sprintf("%s[%s]:%d", o.File, o.Sheet, o.Row)
	case o.Line > 0:
		return fmt.Sprintf("%s:%d", o.File, o.Line)
	}
	return o.File
}

// Record is one device as one source reported it: canonical field names to
// normalised values.
type Record struct {
	Origin     Origin       `json:"origin"`
	ObservedAt time.Time    `json:"observed_at"`
	Fields     RecordFields `json:"fields"`
}

// Get returns the record's value for a field, or "".
func (r *Record) Get(field string) string { return r.Fields.Get(field) }

// Fact is one value one source gave for one field of one device, dated. A
// fact is never deleted: when a source changes its value the old fact is
// marked superseded, so the inventory can be rebuilt as of any past date.
type Fact struct {
	ID           int64      `json:"id"`
	DeviceID     int64      `json:"device_id"`
	Source       string     `json:"source"`
	Field        string     `json:"field"`
	Value        string     `json:"value"`
	ObservedAt   time.Time  `json:"observed_at"`
	RecordedAt   time.Time  `json:"recorded_at"`
	SupersededAt *time.Time `json:"superseded_at,omitempty"`
}

// Snapshot is everything one source reported at one time: one import.
type Snapshot struct {
	Source  Source    `json:"source"`
	Files   []string  `json:"files"`
	TakenAt time.Time `json:"taken_at"`
	Records []*Record `json:"-"`
}

// ImportResult says what an import changed.
type ImportResult struct {
	ImportID int64  `json:"import_id"`
	Source   string `json:"source"`
	Records  int    `json:"records"`
	Added    int    `json:"added"`   // devices this source had not reported before
	Removed  int    `json:"removed"` // devices its last snapshot had and this one lacks
	Changed  int    `json:"changed"` // devices with at least one changed field
	Devices  int    `json:"devices"` // devices in the inventory after the import
}

// ImportService records snapshots of sources into the inventory.
type ImportService interface {
	// Import records the snapshot in one transaction: a failure changes nothing.
	Import(ctx context.Context, actor *User, snap *Snapshot) (*ImportResult, error)
	FindSources(ctx context.Context) ([]*Source, error)
}
