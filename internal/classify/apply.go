package classify

import "github.com/vigil-health/vigil"

// Result is a classification of one device and the evidence for it.
type Result struct {
	Type       Type    `json:"type"`
	Confidence float64 `json:"confidence"`
	Reason     string  `json:"reason"`
	MACVendor  string  `json:"mac_vendor,omitempty"`
}

// Apply classifies a resolved device and fills in what its sources left
// blank: DeviceType (the type's name), Criticality, and the ePHI flags,
// which are only ever raised, never cleared, since a source that says a
// device holds ePHI knows better than a taxonomy. A DeviceType a source
// already gave is kept, and its taxonomy entry is used for the other fields
// when the name is known. It returns what it inferred, even when it changed
// nothing.
func (c *Classifier) Apply(d *vigil.Device) Result {
	res := Result{MACVendor: c.Vendor(d.MAC)}
	res.Type, res.Confidence, res.Reason = c.Classify(d.Manufacturer, d.Model, d.Hostname, res.MACVendor)
	t := res.Type
	if d.DeviceType != "" {
		known, ok := c.Type(d.DeviceType)
		if !ok {
			return res // a type the sources name but the taxonomy does not know
		}
		t = known
	}
	if t.Name == "" {
		return res
	}
	d.DeviceType = t.Name
	if d.Criticality == vigil.CriticalityUnknown {
		d.Criticality = t.Criticality
	}
	d.StoresEPHI = d.StoresEPHI || t.StoresEPHI
	d.SendsEPHI = d.SendsEPHI || t.SendsEPHI
	return res
}
