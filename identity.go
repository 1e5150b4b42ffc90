package vigil

import (
	"strings"
	"time"
)

// SourceRole says what a source is to the hospital. Precedence rules name
// roles so that they survive renaming a source.
type SourceRole string

// The source roles.
const (
	SourceRoleClinicalEngineering SourceRole = "clinical-engineering" // the CMMS of biomedical engineering
	SourceRoleIT                  SourceRole = "it"                   // the IT CMDB or asset register
	SourceRoleScanner             SourceRole = "scanner"              // active scans such as nmap
	SourceRoleNetwork             SourceRole = "network"              // passive capture
	SourceRoleOther               SourceRole = "other"
)

// SourceRoles lists the known source roles.
var SourceRoles = []SourceRole{SourceRoleClinicalEngineering, SourceRoleIT, SourceRoleScanner, SourceRoleNetwork, SourceRoleOther}

// Valid reports whether r is a known role.
func (r SourceRole) Valid() bool {
	for _, k := range SourceRoles {
		if k == r {
			return true
		}
	}
	return false
}

// DefaultSourceRole guesses a source's role from its kind and name when no
// one set it: clinical engineering for CMMS-like names, IT for CMDB-like
// ones.
func DefaultSourceRole(name string, kind SourceKind) SourceRole {
	n := strings.ToLower(name)
	switch {
	case kind == SourceScanner:
		return SourceRoleScanner
	case kind == SourceNetwork:
		return SourceRoleNetwork
	case kind != SourceInventory:
		return SourceRoleOther
	case strings.Contains(n, "cmms") || strings.Contains(n, "biomed") || strings.Contains(n, "clinical") || strings.HasPrefix(n, "ce"):
		return SourceRoleClinicalEngineering
	case strings.Contains(n, "cmdb") || strings.Contains(n, "it") || strings.Contains(n, "servicenow"):
		return SourceRoleIT
	}
	return SourceRoleOther
}

// IdentityDecision is a person's answer from the identity-conflict queue:
// the records with stable keys A and B are, or are not, the same device.
// Decisions are replayed on every resolution and override the automatic
// rules.
type IdentityDecision struct {
	A    string    `json:"a"`
	B    string    `json:"b"`
	Same bool      `json:"same"`
	By   string    `json:"by,omitempty"`
	At   time.Time `json:"at,omitempty"`
	Note string    `json:"note,omitempty"`
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
	Ref    int64  `json:"ref"`
	Source string `json:"source"`
	Key    string `json:"key"` // the stable key an IdentityDecision names
	Device int64  `json:"device"`
	Origin Origin `json:"origin"`
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

// QueuedConflict is a stored entry of the identity-conflict queue with the
// stable keys a decision about it names.
type QueuedConflict struct {
	Conflict
	KeyA, KeyB string
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

// DeviceProvenance is what reconciliation says about a device: its sources,
// the weakest link that joined its records, why it has its type, and every
// source's value of each field with the one chosen.
type DeviceProvenance struct {
	Sources    []string          `json:"sources"`
	Confidence float64           `json:"confidence"`
	TypeReason string            `json:"type_reason"`
	Fields     []FieldProvenance `json:"fields"`
}
