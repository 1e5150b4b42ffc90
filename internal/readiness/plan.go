package readiness

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// KEVDue is an open, unremediated match of a device to a vulnerability in
// CISA's KEV catalog, with the date CISA set for remediating it.
type KEVDue struct {
	DeviceID int64
	VulnID   string
	Due      time.Time
}

// PlanInput is everything the plan is built from.
type PlanInput struct {
	Evaluations  []*vigil.Evaluation // the latest of each framework the plan covers
	Audits       []*vigil.MockAudit  // stored mock audits, any order: the newest answer per request counts
	Attestations []vigil.Attestation // in force
	Devices      map[int64]Device
	KEV          []KEVDue
	Now          time.Time
}

// Windows from an item's opening to its due date, by priority, when no KEV
// due date applies.
var dueWindows = map[vigil.Priority]time.Duration{
	vigil.PriorityCritical: 14 * day,
	vigil.PriorityHigh:     30 * day,
	vigil.PriorityMedium:   90 * day,
	vigil.PriorityLow:      180 * day,
}

// DueWindow returns how long an item of a priority has from its opening.
func DueWindow(p vigil.Priority) time.Duration {
	if w, ok := dueWindows[p]; ok {
		return w
	}
	return dueWindows[vigil.PriorityLow]
}

// DevicePriority is the priority a device's clinical risk gives: its risk
// score (70 and above critical, 50 high, 25 medium), raised to high for a
// life-sustaining device and to medium for a life-supporting one.
func DevicePriority(d Device) vigil.Priority {
	p := vigil.PriorityLow
	switch {
	case d.Risk >= 70:
		p = vigil.PriorityCritical
	case d.Risk >= 50:
		p = vigil.PriorityHigh
	case d.Risk >= 25:
		p = vigil.PriorityMedium
	}
	switch d.Criticality {
	case vigil.CriticalityLifeSustaining:
		p = atLeast(p, vigil.PriorityHigh)
	case vigil.CriticalityLifeSupporting:
		p = atLeast(p, vigil.PriorityMedium)
	}
	return p
}

func atLeast(p, min vigil.Priority) vigil.Priority {
	if p.Rank() < min.Rank() {
		return min
	}
	return p
}

func atMost(p, max vigil.Priority) vigil.Priority {
	if p.Rank() > max.Rank() {
		return max
	}
	return p
}

// Gaps returns every gap as an open plan item, sorted by key: each failed
// or partially-met control with its failing devices (or its own negative
// attestation), each missing or stale request of the newest mock audits,
// each overdue attestation and each KEV vulnerability past its due date.
// Due is set only where a KEV due date applies; Reconcile sets the rest.
func Gaps(in PlanInput) []vigil.PlanItem {
	b := &planBuilder{in: &in, kev: map[int64]time.Time{}, items: map[string]*vigil.PlanItem{}}
	for _, k := range in.KEV {
		if cur, ok := b.kev[k.DeviceID]; !k.Due.IsZero() && (!ok || k.Due.Before(cur)) {
			b.kev[k.DeviceID] = k.Due
		}
	}
	for _, ev := range in.Evaluations {
		for i := range ev.Controls {
			b.failedControl(ev.Framework, &ev.Controls[i])
		}
	}
	b.evidence()
	frameworks := map[string]bool{}
	for _, ev := range in.Evaluations {
		frameworks[ev.Framework] = true
	}
	for _, a := range in.Attestations {
		if frameworks[a.Control.Framework] && a.Overdue(in.Now) {
			b.add(vigil.PlanItem{Key: "attestation/" + a.Control.Framework + "/" + a.Control.Control, Kind: vigil.PlanOverdueAttestation,
				Control: a.Control, Owner: a.Owner, Priority: vigil.PriorityMedium, Evidence: []string{fmt.Sprintf("attestation:%d", a.ID)},
				Title:  fmt.Sprintf("Renew the attestation for %s %s", a.Control.Framework, a.Control.Control),
				Detail: fmt.Sprintf("%s's answer (%s) was due again on %s.", a.Owner, a.Answer, a.NextDue.Format(time.DateOnly))})
		}
	}
	for _, k := range in.KEV {
		if k.Due.IsZero() || !k.Due.Before(in.Now) {
			continue
		}
		d := b.device(k.DeviceID)
		b.add(vigil.PlanItem{Key: fmt.Sprintf("kev/%d/%s", k.DeviceID, k.VulnID), Kind: vigil.PlanKEVPastDue, DeviceID: k.DeviceID, Devices: 1,
			Owner: or(d.Owner, DefaultOwner(vigil.AreaVulnerabilities)), Due: k.Due, Evidence: []string{},
			Priority: atLeast(DevicePriority(d), vigil.PriorityHigh),
			Title:    fmt.Sprintf("Remediate %s on %s", k.VulnID, d.Label),
			Detail:   fmt.Sprintf("%s is in CISA's KEV catalog; remediation was due on %s.", k.VulnID, k.Due.Format(time.DateOnly))})
	}
	out := make([]vigil.PlanItem, 0, len(b.items))
	for _, it := range b.items {
		out = append(out, *it)
	}
	slices.SortFunc(out, func(a, b vigil.PlanItem) int { return cmp.Compare(a.Key, b.Key) })
	return out
}

type planBuilder struct {
	in    *PlanInput
	kev   map[int64]time.Time // earliest KEV due by device
	items map[string]*vigil.PlanItem
}

func (b *planBuilder) add(it vigil.PlanItem) {
	it.Status = vigil.PlanOpen
	if it.Evidence == nil {
		it.Evidence = []string{}
	}
	b.items[it.Key] = &it
}

func (b *planBuilder) device(id int64) Device {
	if d, ok := b.in.Devices[id]; ok {
		if d.Label == "" {
			d.Label = fmt.Sprintf("device %d", id)
		}
		return d
	}
	return Device{ID: id, Label: fmt.Sprintf("device %d", id)}
}

// failedControl adds the item of a control that is not met: one item for
// all its failing devices, owned by the team owning most of them, as
// urgent as the riskiest and due by the earliest KEV date among them. A
// control failing only through its parts has none: the parts have theirs.
func (b *planBuilder) failedControl(fw string, ce *vigil.ControlEvaluation) {
	if ce.Verdict != vigil.VerdictNotMet && ce.Verdict != vigil.VerdictPartiallyMet {
		return
	}
	area := AreaOf(ce)
	it := vigil.PlanItem{Key: "failed-control/" + fw + "/" + ce.ID, Kind: vigil.PlanFailedControl,
		Control: vigil.ControlRef{Framework: fw, Control: ce.ID}, Title: fmt.Sprintf("%s %s %s: %s", fw, ce.ID, ce.Title, ce.Verdict)}
	if len(ce.FailingDevices) == 0 {
		for _, a := range ce.Attestations {
			if (a.Answer == vigil.VerdictNotMet || a.Answer == vigil.VerdictPartiallyMet) && !a.Overdue(b.in.Now) {
				it.Owner, it.Priority = a.Owner, vigil.PriorityMedium
				it.Evidence = []string{fmt.Sprintf("attestation:%d", a.ID)}
				it.Detail = fmt.Sprintf("%s attested %s on %s.", a.Owner, a.Answer, a.Date.Format(time.DateOnly))
				b.add(it)
				return
			}
		}
		return
	}
	owners := map[string]int{}
	seen := map[int64]bool{}
	var labels []string
	it.Priority = vigil.PriorityLow
	for _, fd := range ce.FailingDevices {
		if seen[fd.ID] {
			continue
		}
		seen[fd.ID] = true
		d := b.device(fd.ID)
		if d.Owner != "" {
			owners[d.Owner]++
		}
		it.Priority = atLeast(it.Priority, DevicePriority(d))
		if due, ok := b.kev[fd.ID]; ok && (it.Due.IsZero() || due.Before(it.Due)) {
			it.Due = due
		}
		if len(labels) < 5 {
			labels = append(labels, or(fd.AssetTag, d.Label))
		}
	}
	it.Devices = len(seen)
	if it.Devices == 1 {
		it.DeviceID = ce.FailingDevices[0].ID
	}
	it.Owner = mostCommon(owners, DefaultOwner(area))
	more := ""
	if it.Devices > len(labels) {
		more = fmt.Sprintf(" and %d more", it.Devices-len(labels))
	}
	it.Detail = fmt.Sprintf("%d device(s) fail: %s%s.", it.Devices, strings.Join(labels, ", "), more)
	b.add(it)
}

// evidence adds an item for every request whose newest answer, across the
// stored audits of its framework, is missing or stale. A request a later
// audit did not sample keeps its last answer: its gap is not known to be
// gone.
func (b *planBuilder) evidence() {
	audits := slices.Clone(b.in.Audits)
	slices.SortFunc(audits, func(x, y *vigil.MockAudit) int { return cmp.Compare(x.ID, y.ID) })
	type answer struct {
		fw string
		r  vigil.EvidenceRequest
	}
	latest := map[string]answer{}
	for _, a := range audits {
		for _, r := range a.Requests {
			latest[a.Framework+"|"+r.Key()] = answer{a.Framework, r}
		}
	}
	for _, x := range latest {
		r := x.r
		if r.Status == vigil.RequestHeld {
			continue
		}
		it := vigil.PlanItem{Key: fmt.Sprintf("evidence/%s/%s/%d/%s", x.fw, r.Control, r.Device, r.EvidenceNeeded),
			Kind: vigil.PlanMissingEvidence, Control: vigil.ControlRef{Framework: x.fw, Control: r.Control},
			Owner: DefaultOwner(r.Area), Priority: vigil.PriorityMedium, Evidence: slices.Clone(r.Evidence), Detail: r.Reason}
		verb := "Provide"
		if r.Status == vigil.RequestStale {
			it.Kind, verb = vigil.PlanStaleEvidence, "Renew"
		}
		on := ""
		if r.Device != 0 {
			d := b.device(r.Device)
			it.DeviceID, it.Devices, on = r.Device, 1, " on "+or(r.DeviceLabel, d.Label)
			it.Owner = or(d.Owner, it.Owner)
			it.Priority = atMost(DevicePriority(d), vigil.PriorityHigh)
		}
		if r.EvidenceNeeded == vigil.EvidenceAttestation {
			for _, a := range b.in.Attestations {
				if a.Control == it.Control {
					it.Owner = a.Owner
				}
			}
		}
		it.Title = fmt.Sprintf("%s %s for %s %s%s", verb, r.EvidenceNeeded, x.fw, r.Control, on)
		b.add(it)
	}
}

func mostCommon(counts map[string]int, def string) string {
	best, n := def, 0
	for k, c := range counts {
		if c > n || c == n && k < best {
			best, n = k, c
		}
	}
	return best
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
