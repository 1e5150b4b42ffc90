package binder

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// oscalVersion is the OSCAL release the documents declare. They validate
// against the 1.1.3 and 1.2.1 schemas (see the tests).
const oscalVersion = "1.1.3"

// vigilNS is the namespace of Vigil's own OSCAL properties.
const vigilNS = "https://github.com/vigil-health/vigil/ns/oscal"

// The OSCAL model's pieces that the binder writes. Empty fields are left
// out: OSCAL allows no empty strings or lists.
type (
	oscalProp struct {
		Name  string `json:"name"`
		NS    string `json:"ns,omitempty"`
		Value string `json:"value"`
	}
	oscalParty struct {
		UUID string `json:"uuid"`
		Type string `json:"type"`
		Name string `json:"name"`
	}
	oscalMetadata struct {
		Title        string       `json:"title"`
		LastModified string       `json:"last-modified"`
		Version      string       `json:"version"`
		OSCALVersion string       `json:"oscal-version"`
		Props        []oscalProp  `json:"props,omitempty"`
		Parties      []oscalParty `json:"parties,omitempty"`
	}
	oscalStatus struct {
		State   string `json:"state"`
		Reason  string `json:"reason,omitempty"`
		Remarks string `json:"remarks,omitempty"`
	}
	oscalComponent struct {
		UUID        string      `json:"uuid"`
		Type        string      `json:"type"`
		Title       string      `json:"title"`
		Description string      `json:"description"`
		Props       []oscalProp `json:"props,omitempty"`
		Status      oscalStatus `json:"status"`
	}
	oscalInventoryItem struct {
		UUID        string      `json:"uuid"`
		Description string      `json:"description"`
		Props       []oscalProp `json:"props,omitempty"`
	}
	oscalActor struct {
		Type      string `json:"type"`
		ActorUUID string `json:"actor-uuid"`
	}
	oscalOrigin struct {
		Actors []oscalActor `json:"actors"`
	}
	oscalSubject struct {
		SubjectUUID string `json:"subject-uuid"`
		Type        string `json:"type"`
		Title       string `json:"title,omitempty"`
		Remarks     string `json:"remarks,omitempty"`
	}
	oscalEvidence struct {
		Href        string      `json:"href,omitempty"`
		Description string      `json:"description"`
		Props       []oscalProp `json:"props,omitempty"`
	}
	oscalObservation struct {
		UUID             string          `json:"uuid"`
		Title            string          `json:"title,omitempty"`
		Description      string          `json:"description"`
		Props            []oscalProp     `json:"props,omitempty"`
		Methods          []string        `json:"methods"`
		Origins          []oscalOrigin   `json:"origins,omitempty"`
		Subjects         []oscalSubject  `json:"subjects,omitempty"`
		RelevantEvidence []oscalEvidence `json:"relevant-evidence,omitempty"`
		Collected        string          `json:"collected"`
		Expires          string          `json:"expires,omitempty"`
	}
	oscalTarget struct {
		Type     string      `json:"type"`
		TargetID string      `json:"target-id"`
		Title    string      `json:"title,omitempty"`
		Status   oscalStatus `json:"status"`
	}
	oscalRelatedObservation struct {
		ObservationUUID string `json:"observation-uuid"`
	}
	oscalFinding struct {
		UUID                string                    `json:"uuid"`
		Title               string                    `json:"title"`
		Description         string                    `json:"description"`
		Props               []oscalProp               `json:"props,omitempty"`
		Origins             []oscalOrigin             `json:"origins,omitempty"`
		Target              oscalTarget               `json:"target"`
		RelatedObservations []oscalRelatedObservation `json:"related-observations,omitempty"`
	}
)

// oscalDoc holds what the assessment results and the POA&M share: the
// identifiers, the tool, the devices and the observations.
type oscalDoc struct {
	b        *book
	at       string
	tool     string // the Vigil component's uuid
	origins  []oscalOrigin
	checkObs map[string]string // check id -> observation uuid
}

func newOSCAL(b *book) *oscalDoc {
	d := &oscalDoc{b: b, at: oscalTime(b.in.At), tool: b.id("component/vigil"), checkObs: map[string]string{}}
	d.origins = []oscalOrigin{{Actors: []oscalActor{{Type: "tool", ActorUUID: d.tool}}}}
	return d
}

// id returns the binder's identifier for name.
func (b *book) id(name string) string { return newUUID(b.ns, name).String() }

func oscalTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// text trims s; OSCAL strings may not start or end with white space.
func text(s, fallback string) string {
	if s = strings.TrimSpace(s); s == "" {
		return fallback
	}
	return s
}

// props keeps the name and value pairs whose value is not blank; names
// given as "vigil:name" are put in Vigil's namespace.
func props(kv ...string) []oscalProp {
	var ps []oscalProp
	for i := 0; i+1 < len(kv); i += 2 {
		v := strings.TrimSpace(kv[i+1])
		if v == "" {
			continue
		}
		p := oscalProp{Name: kv[i], Value: v}
		if n, ok := strings.CutPrefix(p.Name, "vigil:"); ok {
			p.Name, p.NS = n, vigilNS
		}
		ps = append(ps, p)
	}
	return ps
}

func (d *oscalDoc) metadata(title string) oscalMetadata {
	b := d.b
	return oscalMetadata{Title: title, LastModified: d.at, Version: d.at, OSCALVersion: oscalVersion,
		Props:   props("vigil:framework", b.in.Framework.ID, "vigil:audit-head", b.in.AuditHead),
		Parties: []oscalParty{{UUID: b.id("party/hospital"), Type: "organization", Name: text(b.in.Hospital, "the hospital")}}}
}

func (d *oscalDoc) toolComponent() oscalComponent {
	return oscalComponent{UUID: d.tool, Type: "software", Title: "Vigil",
		Description: "Vigil keeps the hospital's inventory of networked medical devices and decides the framework's controls from device checks and attestations.",
		Status:      oscalStatus{State: "operational"}}
}

func (d *oscalDoc) deviceUUID(id int64) string { return d.b.id("device/" + strconv.FormatInt(id, 10)) }

// inventoryItem describes a device with OSCAL's inventory-item properties.
func (d *oscalDoc) inventoryItem(dev *vigil.Device) oscalInventoryItem {
	desc := text(join(dev.Manufacturer, dev.Model), text(dev.DeviceType, "Device"))
	if dev.DeviceType != "" && desc != dev.DeviceType {
		desc += " (" + dev.DeviceType + ")"
	}
	return oscalInventoryItem{UUID: d.deviceUUID(dev.ID), Description: desc, Props: props(
		"asset-id", strconv.FormatInt(dev.ID, 10), "asset-tag", dev.AssetTag, "serial-number", dev.Serial,
		"vendor-name", dev.Manufacturer, "hardware-model", dev.Model, "asset-type", dev.DeviceType,
		"software-version", dev.Firmware, "mac-address", dev.MAC, ipProp(dev.IP), dev.IP, "fqdn", dev.Hostname,
		"physical-location", dev.Location, "vigil:criticality", string(dev.Criticality), "vigil:lifecycle", string(dev.Lifecycle),
		"vigil:ephi", yesNo(dev.HasEPHI()))}
}

func ipProp(ip string) string {
	if strings.Contains(ip, ":") {
		return "ipv6-address"
	}
	return "ipv4-address"
}

// inventory streams the devices, and after them an item for every failing
// device the inventory does not hold, so that every subject resolves.
func (d *oscalDoc) inventory() stream {
	return func(add func(any) error) error {
		b := d.b
		for i := range b.in.Devices {
			it := d.inventoryItem(&b.in.Devices[i])
			if err := add(&it); err != nil {
				return err
			}
		}
		seen := map[int64]bool{}
		for _, c := range b.controls {
			if c.Eval == nil {
				continue
			}
			for _, f := range c.Eval.FailingDevices {
				if b.devices[f.ID] != nil || seen[f.ID] {
					continue
				}
				seen[f.ID] = true
				it := oscalInventoryItem{UUID: d.deviceUUID(f.ID), Description: "A device no longer in the inventory",
					Props: props("asset-id", strconv.FormatInt(f.ID, 10), "asset-tag", f.AssetTag)}
				if err := add(&it); err != nil {
					return err
				}
			}
		}
		return nil
	}
}

// observations streams an observation per check (its failing devices the
// subjects), per attestation and per evidence file.
func (d *oscalDoc) observations() stream {
	return func(add func(any) error) error {
		b := d.b
		for _, c := range b.controls {
			if c.Eval == nil {
				continue
			}
			for _, ch := range c.Eval.Checks {
				if d.checkObs[ch.ID] != "" {
					continue
				}
				o := d.checkObservation(c, ch)
				d.checkObs[ch.ID] = o.UUID
				if err := add(&o); err != nil {
					return err
				}
			}
			for i := range c.Eval.Attestations {
				o := d.attestationObservation(c, i)
				if err := add(&o); err != nil {
					return err
				}
			}
		}
		for i := range b.in.Evidence {
			o := d.evidenceObservation(&b.in.Evidence[i])
			if err := add(&o); err != nil {
				return err
			}
		}
		return nil
	}
}

func (d *oscalDoc) checkObservation(c *controlEntry, ch vigil.CheckOutcome) oscalObservation {
	o := oscalObservation{UUID: d.b.id("check/" + ch.ID), Title: "Check " + ch.ID + ": " + text(ch.Title, ch.ID),
		Description: fmt.Sprintf("Vigil's device check %s ran on every device: %d passed, %d failed, %d not applicable, %d could not be evaluated. Verdict: %s.",
			ch.ID, ch.Passed, ch.Failed, ch.NotApplicable, ch.Errors, ch.Verdict),
		Props:   props("vigil:check", ch.ID, "vigil:severity", ch.Severity, "vigil:verdict", string(ch.Verdict)),
		Methods: []string{"TEST"}, Origins: d.origins, Collected: oscalTime(evalAt(d.b))}
	for _, f := range c.Eval.FailingDevices {
		if f.Check == ch.ID {
			o.Subjects = append(o.Subjects, oscalSubject{SubjectUUID: d.deviceUUID(f.ID), Type: "inventory-item",
				Title: text(f.AssetTag, d.b.deviceLabel(f.ID)), Remarks: text(f.Reason, "")})
		}
	}
	return o
}

func evalAt(b *book) time.Time {
	if !b.in.Evaluation.At.IsZero() {
		return b.in.Evaluation.At
	}
	return b.in.At
}

func (d *oscalDoc) attestationObservation(c *controlEntry, i int) oscalObservation {
	a := &c.Eval.Attestations[i]
	desc := fmt.Sprintf("%s attested %s for %s on %s; next due %s.", text(a.Owner, "Someone"), a.Answer, c.Control.ID, date(a.Date), date(a.NextDue))
	if a.Overdue(d.b.in.At) {
		desc += " The attestation is overdue and counts as not met."
	}
	if n := strings.TrimSpace(a.Notes); n != "" {
		desc += " Notes: " + n
	}
	o := oscalObservation{UUID: d.attestationUUID(c, i), Title: "Attestation for " + c.Control.ID, Description: desc,
		Props:   props("vigil:owner", a.Owner, "vigil:answer", string(a.Answer), "vigil:recorded-by", a.RecordedBy),
		Methods: []string{"INTERVIEW"}, Collected: oscalTime(firstSet(a.Date, d.b.in.At))}
	if !a.NextDue.IsZero() {
		o.Expires = oscalTime(a.NextDue)
	}
	return o
}

func (d *oscalDoc) attestationUUID(c *controlEntry, i int) string {
	a := &c.Eval.Attestations[i]
	if a.ID != 0 {
		return d.b.id("attestation/" + strconv.FormatInt(a.ID, 10))
	}
	return d.b.id("attestation/" + c.Control.ID + "/" + strconv.Itoa(i))
}

func firstSet(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

func (d *oscalDoc) evidenceUUID(id string) string { return d.b.id("evidence/" + id) }

func (d *oscalDoc) evidenceObservation(e *EvidenceFile) oscalObservation {
	m := &e.Meta
	o := oscalObservation{UUID: d.evidenceUUID(m.ID), Title: text(m.Title, m.ID),
		Description: fmt.Sprintf("Evidence %s, %s, supports %s.", m.ID, text(m.FileName, "a file"), text(strings.Join(m.Controls, ", "), "no control of this framework")),
		Props:       props("vigil:evidence-id", m.ID, "vigil:effective", period(m.EffectiveFrom, m.EffectiveTo)),
		Methods:     []string{"EXAMINE"},
		RelevantEvidence: []oscalEvidence{{Href: evidencePath(m), Description: text(m.Title, m.ID),
			Props: props("vigil:sha256", m.SHA256)}},
		Collected: oscalTime(firstSet(m.Collected, d.b.in.At))}
	if !m.EffectiveTo.IsZero() {
		o.Expires = oscalTime(m.EffectiveTo)
	}
	for _, id := range m.Devices {
		o.Subjects = append(o.Subjects, oscalSubject{SubjectUUID: d.deviceUUID(id), Type: "inventory-item", Title: d.b.deviceLabel(id)})
	}
	return o
}

// finding states a control's verdict as OSCAL: met is satisfied (pass),
// not applicable is satisfied (other), partially met and not met are not
// satisfied (fail), not assessed is not satisfied (other). Vigil's verdict
// stays in a property.
func (d *oscalDoc) finding(c *controlEntry) oscalFinding {
	v := c.Verdict()
	st := oscalStatus{State: "not-satisfied", Reason: "fail"}
	switch v {
	case vigil.VerdictMet:
		st = oscalStatus{State: "satisfied", Reason: "pass"}
	case vigil.VerdictNotApplicable:
		st = oscalStatus{State: "satisfied", Reason: "other", Remarks: "Not applicable."}
	case vigil.VerdictNotAssessed:
		st = oscalStatus{State: "not-satisfied", Reason: "other", Remarks: "Not assessed: no check or attestation decides this control."}
	}
	basis := ""
	if c.Eval != nil {
		basis = c.Eval.Basis
	}
	f := oscalFinding{UUID: d.b.id("finding/" + c.Control.ID), Title: text(c.Control.ID+" "+c.Control.Title, c.Control.ID),
		Description: fmt.Sprintf("%s is %s. %s", c.Control.ID, v, text(basis, "")),
		Props: props("label", c.Control.ID, "vigil:verdict", string(v), "vigil:failing-devices", strconv.Itoa(c.Failing),
			"vigil:regulatory-status", proposed(d.b.in.Framework.Proposed)),
		Origins: d.origins,
		Target:  oscalTarget{Type: "objective-id", TargetID: c.Token, Title: text(c.Control.Title, ""), Status: st}}
	f.Description = strings.TrimSpace(f.Description)
	if c.Eval != nil {
		seen := map[string]bool{}
		for _, ch := range c.Eval.Checks {
			if !seen[ch.ID] {
				seen[ch.ID] = true
				f.RelatedObservations = append(f.RelatedObservations, oscalRelatedObservation{d.b.id("check/" + ch.ID)})
			}
		}
		for i := range c.Eval.Attestations {
			f.RelatedObservations = append(f.RelatedObservations, oscalRelatedObservation{d.attestationUUID(c, i)})
		}
	}
	for _, e := range c.Evidence {
		f.RelatedObservations = append(f.RelatedObservations, oscalRelatedObservation{d.evidenceUUID(e.Meta.ID)})
	}
	return f
}

func proposed(p bool) string {
	if p {
		return "proposed"
	}
	return ""
}

// writeAR writes assessment-results.json: one result for the evaluation,
// the devices as inventory items, an observation per check, attestation
// and evidence file, and a finding per control.
func writeAR(a *archive, b *book) error {
	d := newOSCAL(b)
	planRes := b.id("resource/assessment-plan")
	var selected []map[string]string
	for _, c := range b.controls {
		selected = append(selected, map[string]string{"control-id": c.Token})
	}
	controlSelection := map[string]any{"description": "Every control of " + text(b.title(), b.in.Framework.ID) + "."}
	if len(selected) > 0 {
		controlSelection["include-controls"] = selected
	} else {
		controlSelection["include-all"] = map[string]any{}
	}
	findings := func(add func(any) error) error {
		for _, c := range b.controls {
			f := d.finding(c)
			if err := add(&f); err != nil {
				return err
			}
		}
		return nil
	}
	result := object{
		{"uuid", b.id("result")},
		{"title", "Evaluation of " + text(b.title(), b.in.Framework.ID)},
		{"description", fmt.Sprintf("Vigil decided every control of %s for %s from its device checks across the inventory and the attestations in force, as of %s.",
			text(b.title(), b.in.Framework.ID), text(b.in.Hospital, "the hospital"), stamp(evalAt(b)))},
		{"start", oscalTime(evalAt(b))},
		{"end", oscalTime(evalAt(b))},
		{"props", props("vigil:framework", b.in.Framework.ID, "vigil:regulatory-status", proposed(b.in.Framework.Proposed))},
		{"local-definitions", object{
			{"components", []oscalComponent{d.toolComponent()}},
			{"inventory-items", nonEmpty(len(b.in.Devices) > 0 || hasFailing(b), d.inventory())},
		}},
		{"reviewed-controls", map[string]any{"control-selections": []any{controlSelection}}},
		{"observations", nonEmpty(hasObservations(b), d.observations())},
		{"findings", nonEmpty(len(b.controls) > 0, stream(findings))},
	}
	doc := object{{"assessment-results", object{
		{"uuid", b.id("assessment-results")},
		{"metadata", d.metadata("Assessment results: " + text(b.title(), b.in.Framework.ID) + ", " + text(b.in.Hospital, "the hospital"))},
		{"import-ap", map[string]string{"href": "#" + planRes, "remarks": "Vigil evaluates continuously; there is no separate assessment plan."}},
		{"results", []any{result}},
		{"back-matter", map[string]any{"resources": []any{map[string]any{"uuid": planRes, "title": "Continuous evaluation by Vigil",
			"description": "The controls were decided by Vigil's device checks and the attestations in force; see index.html."}}}},
	}}}
	w, err := a.create(FileAR)
	if err != nil {
		return err
	}
	return writeJSON(w, doc)
}

// nonEmpty returns s when it will yield something, else nil (left out).
func nonEmpty(ok bool, s stream) any {
	if !ok {
		return nil
	}
	return s
}

func hasFailing(b *book) bool {
	for _, c := range b.controls {
		if c.Eval != nil && len(c.Eval.FailingDevices) > 0 {
			return true
		}
	}
	return false
}

func hasObservations(b *book) bool {
	if len(b.in.Evidence) > 0 {
		return true
	}
	for _, c := range b.controls {
		if c.Eval != nil && (len(c.Eval.Checks) > 0 || len(c.Eval.Attestations) > 0) {
			return true
		}
	}
	return false
}
