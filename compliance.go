package vigil

import (
	"net/netip"
	"strings"
	"time"
)

// Attestation is a person's answer to a program-level control that no data
// can decide: a security officer is named, the risk analysis was reviewed
// this year, training is current, the incident response plan was tested,
// backups were restored. It holds until NextDue; after that it counts as not
// met until it is renewed.
type Attestation struct {
	ID      int64      `json:"id"`
	Control ControlRef `json:"control"`
	// Owner is the person or role who answers for the control.
	Owner string `json:"owner"`
	// Answer is met, partially-met, not-met or not-applicable.
	Answer Verdict `json:"answer"`
	// Date is when the answer was established (the review, the test, the
	// restore); NextDue is when it must be established again.
	Date    time.Time `json:"date"`
	NextDue time.Time `json:"next_due"`
	Notes   string    `json:"notes,omitempty"`
	// Evidence lists the ids of the evidence the answer rests on.
	Evidence []int64 `json:"evidence,omitempty"`
	// RecordedBy and RecordedAt say who entered it in Vigil and when.
	RecordedBy string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
}

// Validate reports the first problem with an attestation.
func (a *Attestation) Validate() error {
	if err := a.Control.Validate(); err != nil {
		return err
	}
	if strings.TrimSpace(a.Owner) == "" {
		return Errorf(EINVALID, "an attestation needs an owner")
	}
	switch a.Answer {
	case VerdictMet, VerdictPartiallyMet, VerdictNotMet, VerdictNotApplicable:
	default:
		return Errorf(EINVALID, "an attestation's answer is met, partially-met, not-met or not-applicable, not %q", a.Answer)
	}
	if a.Date.IsZero() || a.NextDue.IsZero() {
		return Errorf(EINVALID, "an attestation needs the date it was established and the date it is next due")
	}
	if !a.NextDue.After(a.Date) {
		return Errorf(EINVALID, "an attestation's next due date must come after its date")
	}
	return nil
}

// Overdue reports whether the attestation had lapsed at t.
func (a *Attestation) Overdue(t time.Time) bool { return !t.Before(a.NextDue) }

// CheckVersion is one version of a device-level check as stored: its YAML
// source (the check file), who saved it and when.
type CheckVersion struct {
	ID      string    `json:"id"`      // the check's id
	Version int       `json:"version"` // 1 for the first version
	Source  string    `json:"source"`  // the check file, YAML
	Enabled bool      `json:"enabled"` // disabled checks are kept but not run
	Builtin bool      `json:"builtin"` // shipped with Vigil, not edited since
	SavedBy string    `json:"saved_by"`
	SavedAt time.Time `json:"saved_at"`
}

// Evaluation is every control of one framework decided at one time: the
// `vigil evaluate` JSON.
type Evaluation struct {
	ID        int64               `json:"id,omitempty"`
	Framework string              `json:"framework"`
	At        time.Time           `json:"at"`
	RanAt     time.Time           `json:"ran_at,omitzero"`
	Summary   map[Verdict]int     `json:"summary"`
	Controls  []ControlEvaluation `json:"controls"`
}

// ControlEvaluation is one control's verdict and the evidence behind it.
type ControlEvaluation struct {
	ID             string          `json:"id"`
	Title          string          `json:"title"`
	Verdict        Verdict         `json:"verdict"`
	FailingDevices []FailingDevice `json:"failing_devices"`
	Checks         []CheckOutcome  `json:"checks"`
	Attestations   []Attestation   `json:"attestations"`
	Crosswalk      []ControlRef    `json:"crosswalk"`
	// Basis says how the verdict was reached, in a sentence.
	Basis string `json:"basis,omitempty"`
}

// FailingDevice is a device that fails a control, with why.
type FailingDevice struct {
	ID       int64  `json:"id"`
	AssetTag string `json:"asset_tag"`
	Check    string `json:"check,omitempty"`
	Reason   string `json:"reason"`
}

// CheckOutcome is what one check found across the devices it applies to.
type CheckOutcome struct {
	ID            string  `json:"id"`
	Title         string  `json:"title"`
	Severity      string  `json:"severity"`
	Verdict       Verdict `json:"verdict"`
	Passed        int     `json:"passed"`
	Failed        int     `json:"failed"`
	NotApplicable int     `json:"not_applicable"`
	Errors        int     `json:"errors,omitempty"`
}

// EvaluationSummary is one stored evaluation run without its controls: a
// point of a framework's trend.
type EvaluationSummary struct {
	ID        int64           `json:"id"`
	Framework string          `json:"framework"`
	At        time.Time       `json:"at"`
	RanAt     time.Time       `json:"ran_at"`
	Summary   map[Verdict]int `json:"summary"`
}

// Segment is a network segment the hospital designates: a subnet, a VLAN or
// both, and whether it is clinical (where ePHI may live). Checks compare a
// device's segment and its peers' with the clinical ones.
type Segment struct {
	Name     string `json:"name"`
	CIDR     string `json:"cidr,omitempty"`
	VLAN     int    `json:"vlan,omitempty"`
	Clinical bool   `json:"clinical"`
	// Site is the hospital the subnet belongs to, when the list says: its
	// subnet then joins the site's address blocks (vigil segments import).
	Site string `json:"site,omitempty"`
}

// Validate reports a segment without a name, or without a subnet or VLAN,
// or with one that does not parse.
func (s *Segment) Validate() error {
	if strings.TrimSpace(s.Name) == "" {
		return Errorf(EINVALID, "a segment needs a name")
	}
	if s.CIDR == "" && s.VLAN == 0 {
		return Errorf(EINVALID, "segment %q needs a subnet (cidr) or a VLAN", s.Name)
	}
	if s.CIDR != "" {
		if _, err := netip.ParsePrefix(s.CIDR); err != nil {
			return Errorf(EINVALID, "segment %q: %q is not a CIDR subnet", s.Name, s.CIDR)
		}
	}
	if s.VLAN < 0 || s.VLAN > 4094 {
		return Errorf(EINVALID, "segment %q: VLAN %d is outside 1-4094", s.Name, s.VLAN)
	}
	return nil
}
