package vigil

import (
	"strings"
	"time"
)

// ModelSupport is what a manufacturer has announced about the life of one
// model: when it stopped selling it, when it stops supporting it and when
// it stops shipping security patches for it. Every change is a new
// version; the newest one set on or before a date is the one in force.
type ModelSupport struct {
	ID           int64     `json:"id"`
	Manufacturer string    `json:"manufacturer"`
	Model        string    `json:"model"`
	EndOfSale    time.Time `json:"end_of_sale,omitzero"`
	EndOfSupport time.Time `json:"end_of_support,omitzero"`
	// EndOfPatches is the end of security patches; it may come before or
	// after the end of support.
	EndOfPatches time.Time `json:"end_of_patches,omitzero"`
	// Source says where the dates come from: a notice, a letter, a URL.
	Source string    `json:"source,omitempty"`
	SetBy  string    `json:"set_by"`
	SetAt  time.Time `json:"set_at"`
}

// Validate reports the first problem with the dates, after trimming.
func (m *ModelSupport) Validate() error {
	m.Manufacturer, m.Model, m.Source = strings.TrimSpace(m.Manufacturer), strings.TrimSpace(m.Model), strings.TrimSpace(m.Source)
	switch {
	case m.Manufacturer == "":
		return Errorf(EINVALID, "end of support: no manufacturer")
	case m.Model == "":
		return Errorf(EINVALID, "end of support: no model")
	case m.EndOfSale.IsZero() && m.EndOfSupport.IsZero() && m.EndOfPatches.IsZero():
		return Errorf(EINVALID, "end of support for %s %s: give at least one of end of sale, end of support, end of security patches", m.Manufacturer, m.Model)
	case !m.EndOfSale.IsZero() && !m.EndOfSupport.IsZero() && m.EndOfSupport.Before(m.EndOfSale):
		return Errorf(EINVALID, "end of support for %s %s: support ends before sale does", m.Manufacturer, m.Model)
	case len(m.Source) > 500:
		return Errorf(EINVALID, "end of support: the source is at most 500 characters")
	}
	return nil
}

// Describes reports whether the dates are those of the device's model: the
// same model (case and spacing aside) by the same maker (SameMaker).
func (m *ModelSupport) Describes(d *Device) bool {
	return d.Model != "" && MDS2ModelKey(m.Model) == MDS2ModelKey(d.Model) && SameMaker(m.Manufacturer, d.Manufacturer)
}

// SupportState says where a model stands at a moment.
type SupportState string

// The states, from the worst.
const (
	SupportEnded     SupportState = "unsupported" // past end of support
	SupportNoPatches SupportState = "no-patches"  // supported, but past end of security patches
	SupportNoSale    SupportState = "end-of-sale" // no longer sold, still supported and patched
	SupportCurrent   SupportState = "supported"   // none of the dates has passed
	SupportUnknown   SupportState = "unknown"     // no dates on record
)

// State returns where the model stands at t.
func (m *ModelSupport) State(t time.Time) SupportState {
	passed := func(d time.Time) bool { return !d.IsZero() && !d.After(t) }
	switch {
	case m == nil:
		return SupportUnknown
	case passed(m.EndOfSupport):
		return SupportEnded
	case passed(m.EndOfPatches):
		return SupportNoPatches
	case passed(m.EndOfSale):
		return SupportNoSale
	}
	return SupportCurrent
}
