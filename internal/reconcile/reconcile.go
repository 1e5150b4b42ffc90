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

// SourceInfo configures one source: its kind and its role. A source that
// reports records but is not listed takes its kind from the Input and the
// role of that kind (scanner, network, or other).
type SourceInfo struct {
	Name string           `json:"name"`
	Kind vigil.SourceKind `json:"kind"`
	Role vigil.SourceRole `json:"role"`
}

// Input is one record of one source, as the store holds it.
type Input struct {
	Ref        int64            // the store's record id
	Source     string           // the source's name
	Kind       vigil.SourceKind // the source's kind
	Record     *vigil.Record
	PrevDevice int64 // the device this record was assigned to last run; 0 if new
}

// Config holds everything Resolve needs besides the records. The zero value
// works: default precedence, no source roles, a 24-hour IP window.
type Config struct {
	Sources    []SourceInfo
	Precedence vigil.Precedence // zero value: vigil.DefaultPrecedence()
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
	// ProvenanceAll keeps one vigil.FieldProvenance per field with a value, with
	// every record's value in Values. It is the default.
	ProvenanceAll ProvenanceDetail = iota
	// ProvenanceChosen keeps one vigil.FieldProvenance per field with a value:
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
	Devices   []*Device        `json:"devices"`   // sorted by ID
	Conflicts []vigil.Conflict `json:"conflicts"` // the identity-conflict queue
	IDChanges []vigil.IDChange `json:"id_changes,omitempty"`
	NextID    int64            `json:"next_id"` // the first id still free after this run

	inputs    []Input         // sorted by ref and source
	src       []uint16        // per input, its source's index in metas
	metas     []*sourceMeta   // every source, sorted by name
	assetFrom map[string]bool // Config.AssetTagSources; empty means every source
}

// Device is one resolved device: its fields chosen by precedence, where each
// value came from, and which records it is made of.
type Device struct {
	vigil.Device
	Members    []int64                 `json:"members"`          // record refs, ascending
	Sources    []string                `json:"sources"`          // source names, sorted
	Confidence float64                 `json:"confidence"`       // the weakest link that joined its records
	Provenance []vigil.FieldProvenance `json:"provenance"`       // in vigil.Fields order
	Linked     []string                `json:"linked,omitempty"` // kinds of link used, e.g. "mac", "hostname"

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
