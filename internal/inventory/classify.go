package inventory

import (
	"fmt"
	"strings"
	"sync"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/classify"
)

// typer types the devices of one resolution, remembering the answer for
// each type label the sources use.
type typer struct {
	c     *classify.Classifier
	mu    sync.Mutex // guards cache: recordType may be called concurrently
	cache map[string]typeMatch
}

// typeMatch is a cached typeByLabel answer.
type typeMatch struct {
	t      classify.Type
	reason string
}

func newTyper(c *classify.Classifier) *typer {
	return &typer{c: c, cache: map[string]typeMatch{}}
}

// classify maps the sources' device type onto the taxonomy, or infers one
// from model, manufacturer, host name and MAC vendor, and fills criticality
// and ePHI defaults that no source gave. It returns the reason.
func (tp *typer) classify(d *vigil.Device, storesKnown, sendsKnown bool) string {
	c := tp.c
	var t classify.Type
	var reason string
	if d.DeviceType != "" {
		m := tp.label(d.DeviceType)
		t, reason = m.t, m.reason
	}
	if t.Name == "" {
		var conf float64
		t, conf, reason = c.Classify(d.Manufacturer, d.Model, d.Hostname, c.Vendor(d.MAC))
		if t.Name != "" {
			reason = fmt.Sprintf("%s (confidence %.2f)", reason, conf)
		}
	}
	if t.Name == "" {
		return "unclassified: no model, manufacturer, host name or MAC vendor rule matched"
	}
	d.DeviceType = t.Name
	if d.Criticality == vigil.CriticalityUnknown {
		d.Criticality = t.Criticality
	}
	// What a source says about ePHI wins; otherwise the type's default.
	if !storesKnown {
		d.StoresEPHI = t.StoresEPHI
	}
	if !sendsKnown {
		d.SendsEPHI = t.SendsEPHI
	}
	return reason
}

// label maps a source's type wording onto the taxonomy, remembered.
func (tp *typer) label(s string) typeMatch {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	m, ok := tp.cache[s]
	if !ok {
		m.t, m.reason = typeByLabel(tp.c, s)
		tp.cache[s] = m
	}
	return m
}

// recordType is reconcile's DiscrepancyOptions.DeviceType: the taxonomy
// type of one source's record as classify would type a device that record
// alone described: by its own type wording ("Pumps, Infusion,
// Large-Volume"), else, when the wording names no type ("Medical Device"),
// by its model, manufacturer, host name and MAC vendor. It is safe for
// concurrent use.
func (tp *typer) recordType(r *vigil.Record) string {
	if s := strings.TrimSpace(r.Get(vigil.FieldDeviceType)); s != "" {
		if m := tp.label(s); m.t.Name != "" {
			return m.t.Name
		}
	}
	c := tp.c
	t, _, _ := c.Classify(r.Get(vigil.FieldManufacturer), r.Get(vigil.FieldModel), r.Get(vigil.FieldHostname), c.Vendor(r.Get(vigil.FieldMAC)))
	return t.Name
}

// typeByLabel matches a source's own type text ("Infusion Pump", "PUMP,
// INFUSION") to a taxonomy type by name or label, ignoring case and
// punctuation, then by the model rules.
func typeByLabel(c *classify.Classifier, s string) (classify.Type, string) {
	norm := func(x string) string {
		return strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, strings.ToLower(x))
	}
	want := norm(s)
	for _, t := range c.Types() {
		if norm(t.Name) == want || norm(t.Label) == want {
			return t, fmt.Sprintf("the sources call it %q", s)
		}
	}
	if t, _, r := c.Classify("", s, "", ""); t.Name != "" {
		return t, fmt.Sprintf("the sources' type %q: %s", s, r)
	}
	return classify.Type{}, ""
}
