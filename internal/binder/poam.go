package binder

import (
	"fmt"
	"strconv"
	"strings"
)

type (
	oscalRisk struct {
		UUID                string                    `json:"uuid"`
		Title               string                    `json:"title"`
		Description         string                    `json:"description"`
		Statement           string                    `json:"statement"`
		Props               []oscalProp               `json:"props,omitempty"`
		Status              string                    `json:"status"`
		Origins             []oscalOrigin             `json:"origins,omitempty"`
		Deadline            string                    `json:"deadline,omitempty"`
		RelatedObservations []oscalRelatedObservation `json:"related-observations,omitempty"`
	}
	oscalPOAMItem struct {
		UUID                string                    `json:"uuid"`
		Title               string                    `json:"title"`
		Description         string                    `json:"description"`
		Props               []oscalProp               `json:"props,omitempty"`
		Origins             []oscalOrigin             `json:"origins,omitempty"`
		RelatedFindings     []oscalRelatedFinding     `json:"related-findings,omitempty"`
		RelatedObservations []oscalRelatedObservation `json:"related-observations,omitempty"`
		RelatedRisks        []oscalRelatedRisk        `json:"related-risks,omitempty"`
		Remarks             string                    `json:"remarks,omitempty"`
	}
	oscalRelatedFinding struct {
		FindingUUID string `json:"finding-uuid"`
	}
	oscalRelatedRisk struct {
		RiskUUID string `json:"risk-uuid"`
	}
)

// riskStatus maps a plan item's status to OSCAL's risk status.
func riskStatus(s string) string {
	switch strings.ToLower(strings.ReplaceAll(s, "_", "-")) {
	case "in-progress", "remediating", "started":
		return "remediating"
	case "investigating", "triage":
		return "investigating"
	case "risk-accepted", "accepted", "deviation-approved":
		return "deviation-approved"
	case "deviation-requested":
		return "deviation-requested"
	case "closed", "done", "resolved":
		return "closed"
	}
	return "open"
}

// writePOAM writes poam.json: a POA&M item and a risk for every open plan
// item, the findings of their controls and the observations of their
// evidence (the same uuids as in the assessment results), and the devices
// they concern.
func writePOAM(a *archive, b *book) error {
	d := newOSCAL(b)
	var items []oscalPOAMItem
	var risks []oscalRisk
	var findings []oscalFinding
	var observations []oscalObservation
	var inventory []oscalInventoryItem
	seenControl, seenEvidence, seenDevice := map[string]bool{}, map[string]bool{}, map[int64]bool{}
	for _, p := range b.plan {
		if !p.Open() {
			continue
		}
		riskID := b.id("risk/" + p.ID)
		item := oscalPOAMItem{UUID: b.id("poam-item/" + p.ID), Title: text(p.Title, p.ID),
			Description: text(p.Title, p.ID) + ".",
			Props: props("vigil:plan-item", p.ID, "vigil:priority", p.Priority, "vigil:status", p.Status, "vigil:owner", p.Owner,
				"vigil:due", date(p.Due), "vigil:control", p.Control),
			Origins: d.origins, RelatedRisks: []oscalRelatedRisk{{riskID}}}
		r := oscalRisk{UUID: riskID, Title: text(p.Title, p.ID), Status: riskStatus(p.Status), Origins: d.origins,
			Props: props("vigil:priority", p.Priority, "vigil:owner", p.Owner)}
		r.Description = fmt.Sprintf("Remediation item %s, owned by %s.", p.ID, text(p.Owner, "nobody yet"))
		r.Statement = "A gap in " + text(b.title(), b.in.Framework.ID) + "."
		if !p.Due.IsZero() {
			r.Deadline = oscalTime(p.Due)
		}
		if c := b.byID[p.Control]; c != nil {
			item.Description = fmt.Sprintf("%s Control %s (%s) is %s.", item.Description, c.Control.ID, c.Control.Title, c.Verdict())
			r.Statement = fmt.Sprintf("Control %s of %s is %s.", c.Control.ID, text(b.title(), b.in.Framework.ID), c.Verdict())
			f := d.finding(c)
			item.RelatedFindings = []oscalRelatedFinding{{f.UUID}}
			if !seenControl[c.Control.ID] {
				seenControl[c.Control.ID] = true
				f.RelatedObservations = nil // the observations they name are in the assessment results
				findings = append(findings, f)
			}
		}
		if p.Device != 0 {
			item.Description += " Device: " + b.deviceLabel(p.Device) + "."
			item.Props = append(item.Props, props("asset-id", strconv.FormatInt(p.Device, 10))...)
			if dev := b.devices[p.Device]; dev != nil && !seenDevice[p.Device] {
				seenDevice[p.Device] = true
				inventory = append(inventory, d.inventoryItem(dev))
			}
		}
		for _, id := range p.Evidence {
			e := b.findEvidence(id)
			if e == nil {
				continue
			}
			obs := d.evidenceUUID(e.Meta.ID)
			item.RelatedObservations = append(item.RelatedObservations, oscalRelatedObservation{obs})
			r.RelatedObservations = append(r.RelatedObservations, oscalRelatedObservation{obs})
			if !seenEvidence[e.Meta.ID] {
				seenEvidence[e.Meta.ID] = true
				o := d.evidenceObservation(e)
				o.Subjects = nil // the devices are described in the assessment results
				observations = append(observations, o)
			}
		}
		items = append(items, item)
		risks = append(risks, r)
	}
	if len(items) == 0 {
		// A POA&M needs at least one item; say there is nothing to do.
		items = append(items, oscalPOAMItem{UUID: b.id("poam-item/none"), Title: "No open remediation items",
			Description: "The remediation plan held no open item on " + date(b.in.At) + ".", Origins: d.origins})
	}
	doc := object{{"plan-of-action-and-milestones", object{
		{"uuid", b.id("poam")},
		{"metadata", d.metadata("Plan of action and milestones: " + text(b.title(), b.in.Framework.ID) + ", " + text(b.in.Hospital, "the hospital"))},
		{"local-definitions", object{
			{"components", []oscalComponent{d.toolComponent()}},
			{"inventory-items", inventory},
		}},
		{"observations", observations},
		{"risks", risks},
		{"findings", findings},
		{"poam-items", items},
	}}}
	w, err := a.create(FilePOAM)
	if err != nil {
		return err
	}
	return writeJSON(w, doc)
}
