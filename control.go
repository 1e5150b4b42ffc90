package vigil

import "strings"

// Framework is a catalog of controls a hospital is measured against: a law
// (the HIPAA Security Rule), a framework (NIST CSF 2.0), a body of practice
// (HICP) or a hospital's own policy catalog imported from OSCAL.
type Framework struct {
	// ID is Vigil's short, fixed identifier, such as "hipaa" or "csf2".
	ID string `json:"id"`
	// Title is the framework's name as its publisher gives it.
	Title string `json:"title"`
	// Version is the edition the controls come from, such as "2.0".
	Version string `json:"version"`
	// Source cites where the controls were taken from.
	Source string `json:"source"`
	// Proposed marks a framework that is not yet in force (a proposed
	// rule). Its controls are shown for planning, never scored as
	// obligations.
	Proposed bool `json:"proposed,omitempty"`
	// Note holds caveats about the catalog as a whole, such as which facts
	// are not yet verified against the primary text.
	Note string `json:"note,omitempty"`
	// Controls are listed parents before children, in the publisher's order.
	Controls []Control `json:"controls"`
}

// Validate reports the first problem with the framework: a missing id or
// title, an invalid control, a duplicate control id, or a parent that is not
// listed before its child.
func (f *Framework) Validate() error {
	if err := validToken("framework id", f.ID); err != nil {
		return err
	} else if strings.TrimSpace(f.Title) == "" {
		return Errorf(EINVALID, "framework %s: title required", f.ID)
	}
	seen := make(map[string]bool, len(f.Controls))
	for i := range f.Controls {
		c := &f.Controls[i]
		if c.Framework != f.ID {
			return Errorf(EINVALID, "framework %s: control %q belongs to framework %q", f.ID, c.ID, c.Framework)
		} else if err := c.Validate(); err != nil {
			return err
		} else if seen[c.ID] {
			return Errorf(EINVALID, "framework %s: duplicate control %q", f.ID, c.ID)
		} else if c.Parent != "" && !seen[c.Parent] {
			return Errorf(EINVALID, "framework %s: control %q: parent %q is not listed before it", f.ID, c.ID, c.Parent)
		}
		seen[c.ID] = true
	}
	return nil
}

// ControlKind is the level a control sits at in its framework.
type ControlKind string

// Kinds used by Vigil's built-in catalogs. Imported catalogs may use others
// (an OSCAL control's class).
const (
	KindFunction       ControlKind = "function"            // CSF: GV, ID, PR, DE, RS, RC
	KindCategory       ControlKind = "category"            // CSF: PR.DS
	KindSubcategory    ControlKind = "subcategory"         // CSF: PR.DS-01
	KindSection        ControlKind = "section"             // HIPAA: 164.308 Administrative safeguards
	KindStandard       ControlKind = "standard"            // HIPAA: 164.308(a)(1)(i)
	KindImplementation ControlKind = "implementation-spec" // HIPAA: 164.308(a)(1)(ii)(A)
	KindRequirement    ControlKind = "requirement"         // a proposed or statutory requirement
	KindPractice       ControlKind = "practice"            // HICP: 9
	KindSubPractice    ControlKind = "sub-practice"        // HICP: 9.M.A
	KindGoal           ControlKind = "goal"                // HPH CPG: HPH-CPG-E01
	KindElement        ControlKind = "element"             // FDA guidance: FDA-SRM-5
	KindGroup          ControlKind = "group"               // an OSCAL group
	KindControl        ControlKind = "control"             // an OSCAL control without a class
)

// Requirement is HIPAA's mark on an implementation specification.
type Requirement string

// The two HIPAA marks. Standards without implementation specifications are
// treated as required (45 CFR Part 164 Subpart C, Appendix A).
const (
	Required    Requirement = "required"
	Addressable Requirement = "addressable"
)

// Tiers of the HPH Cybersecurity Performance Goals and the organisation
// sizes of HICP's sub-practices.
const (
	TierEssential = "essential"
	TierEnhanced  = "enhanced"
	TierMedium    = "medium"
	TierLarge     = "large"
)

// Control is one requirement, outcome, practice or goal of a framework.
type Control struct {
	// Framework is the id of the framework the control belongs to.
	Framework string `json:"framework"`
	// ID is the publisher's identifier, such as "164.308(a)(1)(ii)(A)",
	// "PR.DS-01" or "9.M.A".
	ID string `json:"id"`
	// Title is the control's official name, or for a CSF subcategory its
	// outcome statement.
	Title string `json:"title"`
	// Text is a longer description: the requirement in brief, or what a
	// hospital verifies.
	Text string `json:"text,omitempty"`
	// Parent is the id of the enclosing control, "" at the top level.
	Parent string `json:"parent,omitempty"`
	// Kind is the control's level, such as standard or sub-practice.
	Kind ControlKind `json:"kind"`
	// Requirement is HIPAA's required or addressable mark, "" elsewhere.
	Requirement Requirement `json:"requirement,omitempty"`
	// Tier is the HPH CPG tier (essential, enhanced) or the HICP
	// organisation size (medium, large), "" elsewhere.
	Tier string `json:"tier,omitempty"`
	// Withdrawn marks a control kept only so old references resolve.
	Withdrawn bool `json:"withdrawn,omitempty"`
	// Aliases are other spellings of the id found in other documents, such
	// as NIST's "164.310(a)" for the standard cited "164.310(a)(1)".
	Aliases []string `json:"aliases,omitempty"`
	// Note holds caveats: provenance, or facts not yet verified against the
	// primary text.
	Note string `json:"note,omitempty"`
}

// Ref returns the reference to the control.
func (c *Control) Ref() ControlRef { return ControlRef{Framework: c.Framework, Control: c.ID} }

// Validate reports a missing id, title or kind, or an unknown requirement mark.
func (c *Control) Validate() error {
	if strings.TrimSpace(c.ID) == "" {
		return Errorf(EINVALID, "framework %s: control id required", c.Framework)
	} else if strings.TrimSpace(c.Title) == "" {
		return Errorf(EINVALID, "control %s:%s: title required", c.Framework, c.ID)
	} else if c.Kind == "" {
		return Errorf(EINVALID, "control %s:%s: kind required", c.Framework, c.ID)
	} else if c.Parent == c.ID {
		return Errorf(EINVALID, "control %s:%s: a control cannot be its own parent", c.Framework, c.ID)
	}
	switch c.Requirement {
	case "", Required, Addressable:
	default:
		return Errorf(EINVALID, "control %s:%s: requirement %q is neither required nor addressable", c.Framework, c.ID, c.Requirement)
	}
	return nil
}

// ControlRef names a control of a framework. Verdicts, checks and crosswalks
// refer to controls by it.
type ControlRef struct {
	Framework string `json:"framework"`
	Control   string `json:"control"`
}

// String returns "framework:control", the form ParseControlRef reads.
func (r ControlRef) String() string { return r.Framework + ":" + r.Control }

// Validate reports a missing framework or control id.
func (r ControlRef) Validate() error {
	if err := validToken("framework id", r.Framework); err != nil {
		return err
	} else if strings.TrimSpace(r.Control) == "" {
		return Errorf(EINVALID, "control reference %q: control id required", r.String())
	}
	return nil
}

// ParseControlRef reads "framework:control", such as
// "hipaa:164.308(a)(1)(ii)(A)". Framework ids never hold a colon, so the
// first colon separates the two.
func ParseControlRef(s string) (ControlRef, error) {
	fw, id, ok := strings.Cut(s, ":")
	if !ok {
		return ControlRef{}, Errorf(EINVALID, "control reference %q: want framework:control", s)
	}
	r := ControlRef{Framework: fw, Control: id}
	return r, r.Validate()
}

// Verdict is the outcome of evaluating a control.
type Verdict string

// The verdicts. NotAssessed is the verdict of a control nobody has evaluated
// yet; NotApplicable needs a recorded reason.
const (
	VerdictMet           Verdict = "met"
	VerdictPartiallyMet  Verdict = "partially-met"
	VerdictNotMet        Verdict = "not-met"
	VerdictNotApplicable Verdict = "not-applicable"
	VerdictNotAssessed   Verdict = "not-assessed"
)

// Verdicts lists every verdict, best first.
func Verdicts() []Verdict {
	return []Verdict{VerdictMet, VerdictPartiallyMet, VerdictNotMet, VerdictNotApplicable, VerdictNotAssessed}
}

// Validate reports a verdict outside the vocabulary.
func (v Verdict) Validate() error {
	switch v {
	case VerdictMet, VerdictPartiallyMet, VerdictNotMet, VerdictNotApplicable, VerdictNotAssessed:
		return nil
	}
	return Errorf(EINVALID, "verdict %q is not one of met, partially-met, not-met, not-applicable, not-assessed", string(v))
}

// validToken reports an empty value or one holding white space or a colon.
func validToken(what, s string) error {
	if s == "" {
		return Errorf(EINVALID, "%s required", what)
	} else if strings.ContainsAny(s, ": \t\r\n") {
		return Errorf(EINVALID, "%s %q must not hold white space or a colon", what, s)
	}
	return nil
}
