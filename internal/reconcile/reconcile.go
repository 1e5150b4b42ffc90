// Package reconcile merges the device records of many sources (clinical
// engineering CMMS, IT CMDB, scanners, passive capture) into one inventory.
// It never merges two records whose strong identifiers contradict, remembers
// which source said what, keeps device IDs stable across runs and lists every
// disagreement between the sources.
//
// The package is pure and in memory: the store loads the records, calls
// Resolve and Result.Discrepancies inside one transaction and writes the
// result back.
package reconcile

import (
	"math/bits"
	"time"

	"github.com/vigil-health/vigil"
)

// Role says what a source is to the hospital; precedence rules name roles so
// that they survive renaming a source.
type Role string

// The source roles.
const (
	RoleClinicalEngineering Role = "clinical-engineering" // the CMMS of biomedical engineering
	RoleIT                  Role = "it"                   // the IT CMDB or asset register
	RoleScanner             Role = "scanner"              // active scans such as nmap
	RoleNetwork             Role = "network"              // passive capture
	RoleOther               Role = "other"
)

// Roles lists the known roles.
var Roles = []Role{RoleClinicalEngineering, RoleIT, RoleScanner, RoleNetwork, RoleOther}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, k := range Roles {
		if k == r {
			return true
		}
	}
	return false
}

// SourceInfo configures one source: its kind and its role. A source that
// reports records but is not listed takes its kind from the Input and the
// role of that kind (scanner, network, or other).
type SourceInfo struct {
	Name string           `json:"name"`
	Kind vigil.SourceKind `json:"kind"`
	Role Role             `json:"role"`
}

// Input is one record of one source, as the store holds it.
type Input struct {
	Ref        int64            // the store's record id
	Source     string           // the source's name
	Kind       vigil.SourceKind // the source's kind
	Record     *vigil.Record
	PrevDevice int64 // the device this record was assigned to last run; 0 if new
}

// Decision is a person's answer from the conflict queue: the records with
// stable keys A and B (see RecordKey) are, or are not, the same device.
// Decisions are replayed on every run and override the automatic rules.
type Decision struct {
	A    string    `json:"a"`
	B    string    `json:"b"`
	Same bool      `json:"same"`
	By   string    `json:"by,omitempty"`
	At   time.Time `json:"at,omitempty"`
	Note string    `json:"note,omitempty"`
}

// Config holds everything Resolve needs besides the records. The zero value
// works: default precedence, no source roles, a 24-hour IP window.
type Config struct {
	Sources    []SourceInfo
	Precedence Precedence // zero value: DefaultPrecedence()
	// IPWindow is how close in time two observations of one IP must be to
	// link their records; 0 means 24 hours, negative disables IP linking.
	IPWindow time.Duration
	// AssetTagSources, when set, lists the sources whose asset tags are the
	// hospital-wide tags used as an identifier. Other sources' tags are kept
	// as values but never link or split records. Empty: every source's tag.
	AssetTagSources []string
	// NextID is the first free device id; new devices are numbered from it in
	// a deterministic order. 0 means 1 plus the largest PrevDevice.
	NextID int64
	// Provenance is how much of each field's provenance the devices keep.
	// The zero value, ProvenanceAll, keeps today's default: every value every
	// record gave (what the device page shows). An import, which only needs
	// the chosen values, saves most of the memory with ProvenanceNone and
	// Device.Chosen. Discrepancies are the same at every level.
	Provenance ProvenanceDetail
}

// ProvenanceDetail says how much of each field's provenance Resolve keeps in
// Device.Provenance. Device.Chosen answers at every level.
type ProvenanceDetail uint8

// The provenance levels.
const (
	// ProvenanceAll keeps one FieldProvenance per field with a value, with
	// every record's value in Values. It is the default.
	ProvenanceAll ProvenanceDetail = iota
	// ProvenanceChosen keeps one FieldProvenance per field with a value:
	// the chosen value, its source and the reason, but Values nil.
	ProvenanceChosen
	// ProvenanceNone leaves Provenance nil; Device.Chosen still gives each
	// field's chosen value.
	ProvenanceNone
)

// Confidence of each kind of link between records.
const (
	ConfidenceStrong   = 1.0 // MAC, manufacturer+serial, asset tag, a person's decision
	ConfidenceHostname = 0.6
	ConfidenceIP       = 0.4
)

// Result is the resolved inventory.
type Result struct {
	Devices   []*Device  `json:"devices"`   // sorted by ID
	Conflicts []Conflict `json:"conflicts"` // the identity-conflict queue
	IDChanges []IDChange `json:"id_changes,omitempty"`
	NextID    int64      `json:"next_id"` // the first id still free after this run

	inputs    []Input         // sorted by ref and source
	src       []uint16        // per input, its source's index in metas
	metas     []*sourceMeta   // every source, sorted by name
	assetFrom map[string]bool // Config.AssetTagSources; empty means every source
}

// Device is one resolved device: its fields chosen by precedence, where each
// value came from, and which records it is made of.
type Device struct {
	vigil.Device
	Members    []int64           `json:"members"`          // record refs, ascending
	Sources    []string          `json:"sources"`          // source names, sorted
	Confidence float64           `json:"confidence"`       // the weakest link that joined its records
	Provenance []FieldProvenance `json:"provenance"`       // in vigil.Fields order
	Linked     []string          `json:"linked,omitempty"` // kinds of link used, e.g. "mac", "hostname"

	members []int32  // indices into Result.inputs
	fields  uint64   // bit i set: vigil.Fields[i] has a value; bit madeByResolve: Resolve made the device
	chosen  []string // with ProvenanceNone, the chosen values of the fields set, in order
}

// madeByResolve marks the devices whose fields set is known.
const madeByResolve = 1 << 63

// Chosen returns the value Resolve chose for a canonical field name, or ""
// when no source gave one; it is the Value of that field's entry in
// Provenance, whatever Config.Provenance says. It indexes rather than
// scans; on a Device that Resolve did not make (decoded from JSON) it falls
// back to scanning Provenance.
func (d *Device) Chosen(field string) string {
	if d.fields&madeByResolve != 0 {
		fi, ok := fieldIndex(field)
		if !ok || d.fields&(1<<fi) == 0 {
			return ""
		}
		k := bits.OnesCount64(d.fields & (1<<fi - 1))
		if d.chosen != nil {
			return d.chosen[k]
		}
		if k < len(d.Provenance) && d.Provenance[k].Field == field {
			return d.Provenance[k].Value
		}
	}
	for i := range d.Provenance {
		if d.Provenance[i].Field == field {
			return d.Provenance[i].Value
		}
	}
	return ""
}

// FieldProvenance is every value the sources gave for one field of one
// device, and which one was chosen and why.
type FieldProvenance struct {
	Field  string        `json:"field"`
	Value  string        `json:"value"`  // the chosen value
	Source string        `json:"source"` // the source it came from
	Reason string        `json:"reason"`
	Values []SourceValue `json:"values"`
}

// SourceValue is one value one record of one source gave.
type SourceValue struct {
	Source     string    `json:"source"`
	Ref        int64     `json:"ref"`
	Value      string    `json:"value"`
	ObservedAt time.Time `json:"observed_at"`
}

// Conflict is an entry of the identity-conflict queue: two records share an
// identifier but contradict on another strong one, so they were not merged.
// Both records stay in the inventory, each in its own device.
type Conflict struct {
	A          ConflictRecord  `json:"a"`
	B          ConflictRecord  `json:"b"`
	Agree      []Identifier    `json:"agree"`
	Contradict []Contradiction `json:"contradict"`
}

// ConflictRecord is one side of a Conflict.
type ConflictRecord struct {
	Ref    int64        `json:"ref"`
	Source string       `json:"source"`
	Key    string       `json:"key"` // the stable key a Decision names
	Device int64        `json:"device"`
	Origin vigil.Origin `json:"origin"`
}

// Identifier is a field and a value two records agree on.
type Identifier struct {
	Field string `json:"field"`
	Value string `json:"value"`
}

// Contradiction is a strong identifier on which the two sides of a conflict
// disagree: the values each side's device holds.
type Contradiction struct {
	Field string `json:"field"`
	A     string `json:"a"`
	B     string `json:"b"`
}

// IDChange reports a device id that did not carry over unchanged: a device
// whose records now form several devices (split) or several previous devices
// now one (merge).
type IDChange struct {
	Kind    string  `json:"kind"` // "split" or "merge"
	Kept    int64   `json:"kept,omitempty"`
	Retired []int64 `json:"retired,omitempty"` // merge: ids no longer used
	New     []int64 `json:"new,omitempty"`     // split: ids given to the parts that left
}
