package inventory

import (
	"fmt"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/classify"
)

// typer types the devices of one resolution, remembering the answer for
// each type label the sources use.
type typer struct {
	c     *classify.Classifier
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
		m, ok := tp.cache[d.DeviceType]
		if !ok {
			m.t, m.reason = typeByLabel(c, d.DeviceType)
			tp.cache[d.DeviceType] = m
		}
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
