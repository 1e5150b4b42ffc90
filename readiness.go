package vigil

import (
	"strconv"
	"strings"
	"time"
)

// ControlArea is the part of a security program a control belongs to. An
// auditor asks for different evidence in each, and expects it fresher in
// some (vulnerability management) than in others (governance).
type ControlArea string

// The control areas.
const (
	AreaGovernance       ControlArea = "governance"
	AreaInventory        ControlArea = "inventory"
	AreaAccessControl    ControlArea = "access-control"
	AreaVulnerabilities  ControlArea = "vulnerability-management"
	AreaMonitoring       ControlArea = "monitoring"
	AreaIncidentResponse ControlArea = "incident-response"
	AreaVendorManagement ControlArea = "vendor-management"
	AreaTraining         ControlArea = "training"
)

// ControlAreas lists the areas in the order reports show them.
func ControlAreas() []ControlArea {
	return []ControlArea{AreaGovernance, AreaInventory, AreaAccessControl, AreaVulnerabilities,
		AreaMonitoring, AreaIncidentResponse, AreaVendorManagement, AreaTraining}
}

// EvidenceKind is what an auditor asks to see for a control and a device.
type EvidenceKind string

// The kinds of evidence a mock audit asks for.
const (
	EvidenceInventoryRecord      EvidenceKind = "inventory-record"
	EvidencePatchHistory         EvidenceKind = "patch-history"
	EvidenceAccessReview         EvidenceKind = "access-review"
	EvidenceBAA                  EvidenceKind = "baa"
	EvidenceCompensatingControls EvidenceKind = "compensating-controls"
	EvidenceAttestation          EvidenceKind = "attestation"
)

// RequestStatus is what Vigil could show for one evidence request.
type RequestStatus string

// The request statuses: held and current, not held at all, or held but
// expired, outside its effective period or older than its area allows.
const (
	RequestHeld    RequestStatus = "held"
	RequestMissing RequestStatus = "missing"
	RequestStale   RequestStatus = "stale"
)

// MockAudit is one mock audit of a framework: the controls and devices
// sampled the way an auditor samples them, the evidence asked for and
// whether Vigil holds it, and the readiness score per control area and
// overall (0 to 100). The same seed over the same data draws the same audit.
type MockAudit struct {
	ID           int64     `json:"id,omitempty"`
	Framework    string    `json:"framework"`
	Seed         int64     `json:"seed"`
	Sample       int       `json:"sample"`
	At           time.Time `json:"at"`
	RanBy        string    `json:"ran_by,omitempty"`
	EvaluationID int64     `json:"evaluation_id,omitempty"`
	Score        float64   `json:"score"`
	// Devices are the sampled devices, in the order they were drawn.
	Devices  []SampledDevice   `json:"devices"`
	Areas    []AreaScore       `json:"areas"`
	Requests []EvidenceRequest `json:"requests"`
	// Notes say what the audit could not see, such as evidence that is
	// not recorded anywhere yet.
	Notes []string `json:"notes,omitempty"`
}

// SampledDevice is one device a mock audit drew, with what weighted it.
type SampledDevice struct {
	ID          int64       `json:"id"`
	Label       string      `json:"label"`
	Criticality Criticality `json:"criticality,omitempty"`
	Risk        float64     `json:"risk"`
}

// AreaScore is the readiness of one control area: held requests count
// fully, stale ones half, missing ones not at all.
type AreaScore struct {
	Area    ControlArea `json:"area"`
	Score   float64     `json:"score"`
	Held    int         `json:"held"`
	Stale   int         `json:"stale"`
	Missing int         `json:"missing"`
}

// EvidenceRequest is one thing an auditor asks for: a kind of evidence for
// a control, for one device or (Device 0) for the program as a whole.
type EvidenceRequest struct {
	Control        string        `json:"control"`
	Device         int64         `json:"device,omitempty"`
	DeviceLabel    string        `json:"device_label,omitempty"`
	Area           ControlArea   `json:"area"`
	EvidenceNeeded EvidenceKind  `json:"evidence_needed"`
	Status         RequestStatus `json:"status"`
	// Evidence names what answers the request: "evidence:12",
	// "attestation:3", "device:42".
	Evidence []string `json:"evidence"`
	// Reason says why the request is missing or stale.
	Reason string `json:"reason,omitempty"`
}

// Key identifies the request within its framework across audits.
func (r *EvidenceRequest) Key() string {
	return r.Control + "|" + strconv.FormatInt(r.Device, 10) + "|" + string(r.EvidenceNeeded)
}

// MockAuditSummary is a stored mock audit without its requests: a row of
// the audits list.
type MockAuditSummary struct {
	ID        int64       `json:"id"`
	Framework string      `json:"framework"`
	Seed      int64       `json:"seed"`
	Sample    int         `json:"sample"`
	At        time.Time   `json:"at"`
	RanBy     string      `json:"ran_by,omitempty"`
	Score     float64     `json:"score"`
	Areas     []AreaScore `json:"areas"`
	Requests  int         `json:"requests"`
}

// AuditComparison says what changed between two mock audits of one
// framework: the score, each area, and the requests both asked for whose
// status got better or worse.
type AuditComparison struct {
	From       int64          `json:"from"`
	To         int64          `json:"to"`
	Framework  string         `json:"framework"`
	ScoreFrom  float64        `json:"score_from"`
	ScoreTo    float64        `json:"score_to"`
	Areas      []AreaChange   `json:"areas"`
	Improved   []StatusChange `json:"improved"`
	Regressed  []StatusChange `json:"regressed"`
	OnlyInFrom int            `json:"only_in_from"` // requests the later audit did not sample
	OnlyInTo   int            `json:"only_in_to"`
}

// AreaChange is one area's score in two audits.
type AreaChange struct {
	Area ControlArea `json:"area"`
	From float64     `json:"from"`
	To   float64     `json:"to"`
}

// StatusChange is one request whose status differs between two audits.
type StatusChange struct {
	Control        string        `json:"control"`
	Device         int64         `json:"device,omitempty"`
	EvidenceNeeded EvidenceKind  `json:"evidence_needed"`
	From           RequestStatus `json:"from"`
	To             RequestStatus `json:"to"`
}

// PlanKind is the kind of gap a remediation plan item closes.
type PlanKind string

// The plan item kinds.
const (
	PlanFailedControl      PlanKind = "failed-control"
	PlanMissingEvidence    PlanKind = "missing-evidence"
	PlanStaleEvidence      PlanKind = "stale-evidence"
	PlanOverdueAttestation PlanKind = "overdue-attestation"
	PlanKEVPastDue         PlanKind = "kev-past-due"
)

// PlanStatus is whether a plan item's gap is still there.
type PlanStatus string

// The plan item statuses.
const (
	PlanOpen   PlanStatus = "open"
	PlanClosed PlanStatus = "closed"
)

// Priority is how urgent a plan item is, from the clinical risk of the
// devices behind it.
type Priority string

// The priorities, most urgent first.
const (
	PriorityCritical Priority = "critical"
	PriorityHigh     Priority = "high"
	PriorityMedium   Priority = "medium"
	PriorityLow      Priority = "low"
)

// Rank returns 4 for critical down to 1 for low, 0 for anything else.
func (p Priority) Rank() int {
	switch p {
	case PriorityCritical:
		return 4
	case PriorityHigh:
		return 3
	case PriorityMedium:
		return 2
	case PriorityLow:
		return 1
	}
	return 0
}

// PlanItem is one gap of the remediation plan with who closes it by when.
// Key identifies the gap, so that the same gap keeps its item across
// syncs; an item closes when its gap is gone and reopens if it returns.
type PlanItem struct {
	ID       int64      `json:"id"`
	Key      string     `json:"key"`
	Kind     PlanKind   `json:"kind"`
	Control  ControlRef `json:"control,omitzero"`
	DeviceID int64      `json:"device_id,omitempty"`
	// Devices counts the devices behind the gap (a control's failing
	// devices); DeviceID is set when there is one.
	Devices  int        `json:"devices,omitempty"`
	Title    string     `json:"title"`
	Detail   string     `json:"detail,omitempty"`
	Owner    string     `json:"owner"`
	Due      time.Time  `json:"due"`
	Priority Priority   `json:"priority"`
	Status   PlanStatus `json:"status"`
	// Evidence names the evidence linked to the item, as in EvidenceRequest.
	Evidence []string  `json:"evidence"`
	Opened   time.Time `json:"opened"`
	Closed   time.Time `json:"closed,omitzero"`
	// OwnerSet and DueSet mark an owner or due date set by hand, which a
	// sync keeps.
	OwnerSet bool `json:"owner_set,omitempty"`
	DueSet   bool `json:"due_set,omitempty"`
}

// Validate reports an item without a key, kind, title or owner, or with an
// unknown kind, status or priority.
func (p *PlanItem) Validate() error {
	switch p.Kind {
	case PlanFailedControl, PlanMissingEvidence, PlanStaleEvidence, PlanOverdueAttestation, PlanKEVPastDue:
	default:
		return Errorf(EINVALID, "plan item kind %q is unknown", p.Kind)
	}
	if p.Status != PlanOpen && p.Status != PlanClosed {
		return Errorf(EINVALID, "plan item status is open or closed, not %q", p.Status)
	}
	if p.Priority.Rank() == 0 {
		return Errorf(EINVALID, "plan item priority %q is not critical, high, medium or low", p.Priority)
	}
	if p.Key == "" || strings.TrimSpace(p.Title) == "" {
		return Errorf(EINVALID, "a plan item needs a key and a title")
	}
	if strings.TrimSpace(p.Owner) == "" {
		return Errorf(EINVALID, "a plan item needs an owner")
	}
	return nil
}

// PlanFilter selects plan items; zero fields match every item.
type PlanFilter struct {
	Status    PlanStatus
	Owner     string
	Kind      PlanKind
	Framework string
	DeviceID  int64
}

// PlanEvent is one change of a plan item's status, owner or due date.
type PlanEvent struct {
	ItemID int64     `json:"item_id"`
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Change string    `json:"change"` // opened, closed, reopened, owner, due
	Detail string    `json:"detail,omitempty"`
}
