package readiness

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// Device is a device as the engine weighs it: its clinical criticality and
// risk score (0 to 100, internal/risk's), its owner team and when a source
// last listed it.
type Device struct {
	ID          int64
	Label       string
	Criticality vigil.Criticality
	Risk        float64
	Owner       string
	LastSeen    time.Time
}

// Evidence is one piece of evidence held: what it supports and when it is
// good for. Kind, when set, says which request it answers; otherwise it
// answers any request of the controls (and areas, when set) it names.
// Devices empty means the whole program.
type Evidence struct {
	ID            string // "evidence:12"
	Kind          vigil.EvidenceKind
	Areas         []vigil.ControlArea
	Controls      []vigil.ControlRef
	Devices       []int64
	Collected     time.Time
	EffectiveFrom time.Time
	EffectiveTo   time.Time
	Expires       time.Time
}

// AuditInput is everything a mock audit weighs.
type AuditInput struct {
	Evaluation   *vigil.Evaluation
	Devices      []Device
	Evidence     []Evidence
	Attestations []vigil.Attestation // in force, of any framework
	// NoRepository says evidence is not recorded anywhere yet: requests
	// nothing else answers say so.
	NoRepository bool
	Seed         int64
	Sample       int // devices to draw; DefaultSample when 0
	Controls     int // controls to draw; DefaultControls when 0
	At           time.Time
}

// The default sample sizes.
const (
	DefaultSample   = 10
	DefaultControls = 15
)

// Audit runs a mock audit: it draws controls (weighted towards failing
// ones) and devices (weighted towards clinical risk) with the seed, asks
// for the evidence each control's area needs, marks what is held, missing
// or stale, and scores the result. The same input gives the same audit.
func Audit(in AuditInput) *vigil.MockAudit {
	if in.Sample <= 0 {
		in.Sample = DefaultSample
	}
	if in.Controls <= 0 {
		in.Controls = DefaultControls
	}
	rng := rand.New(rand.NewPCG(uint64(in.Seed), uint64(in.Seed)^0x9e3779b97f4a7c15))
	ev := in.Evaluation
	a := &vigil.MockAudit{Framework: ev.Framework, Seed: in.Seed, Sample: in.Sample, At: in.At, EvaluationID: ev.ID,
		Devices: []vigil.SampledDevice{}, Areas: []vigil.AreaScore{}, Requests: []vigil.EvidenceRequest{}}
	controls := drawControls(rng, ev.Controls, in.Controls)
	devices := drawDevices(rng, in.Devices, in.Sample)
	for _, d := range devices {
		a.Devices = append(a.Devices, vigil.SampledDevice{ID: d.ID, Label: d.Label, Criticality: d.Criticality, Risk: d.Risk})
	}
	h := &holdings{in: &in, atts: attestationsOf(in.Attestations, ev.Framework)}
	for _, ce := range controls {
		a.Requests = append(a.Requests, h.requests(ce, devices)...)
	}
	a.Areas, a.Score = score(a.Requests)
	if in.NoRepository {
		a.Notes = append(a.Notes, "The evidence repository holds nothing yet: only inventory records and attestations can be shown, every other request is missing.")
	}
	if len(in.Devices) == 0 {
		a.Notes = append(a.Notes, "The inventory is empty: no device could be sampled.")
	}
	return a
}

// drawControls picks up to n controls, weighting not-met and partially-met
// ones three times and not-assessed ones twice, leaving out the
// not-applicable; they are returned in the framework's order.
func drawControls(rng *rand.Rand, cs []vigil.ControlEvaluation, n int) []*vigil.ControlEvaluation {
	idx := make([]int, 0, len(cs))
	w := make([]float64, 0, len(cs))
	for i := range cs {
		switch cs[i].Verdict {
		case vigil.VerdictNotApplicable:
			continue
		case vigil.VerdictNotMet, vigil.VerdictPartiallyMet:
			w = append(w, 3)
		case vigil.VerdictNotAssessed:
			w = append(w, 2)
		default:
			w = append(w, 1)
		}
		idx = append(idx, i)
	}
	picked := weightedSample(rng, w, n)
	slices.Sort(picked)
	out := make([]*vigil.ControlEvaluation, len(picked))
	for i, p := range picked {
		out[i] = &cs[idx[p]]
	}
	return out
}

// drawDevices picks up to n devices, each weighted by its criticality and
// risk score, in the order drawn.
func drawDevices(rng *rand.Rand, ds []Device, n int) []Device {
	sorted := slices.Clone(ds)
	slices.SortFunc(sorted, func(a, b Device) int { return cmp.Compare(a.ID, b.ID) })
	w := make([]float64, len(sorted))
	for i, d := range sorted {
		w[i] = DeviceWeight(d)
	}
	picked := weightedSample(rng, w, n)
	out := make([]Device, len(picked))
	for i, p := range picked {
		out[i] = sorted[p]
	}
	return out
}

// DeviceWeight is how much likelier than a non-clinical device without
// vulnerabilities a device is to be sampled: 1, plus 2 per criticality
// rank (life-sustaining is 4), plus a tenth of its risk score.
func DeviceWeight(d Device) float64 {
	return 1 + 2*float64(d.Criticality.Rank()) + math.Max(0, d.Risk)/10
}

// weightedSample draws up to n distinct indexes with probability
// proportional to their weights (Efraimidis and Spirakis: the n largest
// u^(1/w)), heaviest key first.
func weightedSample(rng *rand.Rand, w []float64, n int) []int {
	type keyed struct {
		i int
		k float64
	}
	ks := make([]keyed, len(w))
	for i, wi := range w {
		u := rng.Float64()
		for u == 0 {
			u = rng.Float64()
		}
		ks[i] = keyed{i, math.Log(u) / wi}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int { return cmp.Compare(b.k, a.k) })
	if n > len(ks) {
		n = len(ks)
	}
	out := make([]int, n)
	for i := range out {
		out[i] = ks[i].i
	}
	return out
}

// holdings answers requests from what is held.
type holdings struct {
	in   *AuditInput
	atts map[string][]vigil.Attestation // by control id
}

func attestationsOf(atts []vigil.Attestation, fw string) map[string][]vigil.Attestation {
	out := map[string][]vigil.Attestation{}
	for _, a := range atts {
		if a.Control.Framework == fw {
			out[a.Control.Control] = append(out[a.Control.Control], a)
		}
	}
	return out
}

// requests are what an auditor asks for one control: its area's evidence
// (for every sampled device or once), the attestation when the control is
// attested, and compensating controls for each sampled device that fails
// it.
func (h *holdings) requests(ce *vigil.ControlEvaluation, devices []Device) []vigil.EvidenceRequest {
	area := AreaOf(ce)
	need, perDevice := Needs(area)
	var out []vigil.EvidenceRequest
	add := func(d *Device, kind vigil.EvidenceKind) {
		for _, r := range out {
			if r.EvidenceNeeded == kind && (d == nil && r.Device == 0 || d != nil && r.Device == d.ID) {
				return
			}
		}
		out = append(out, h.answer(ce.ID, area, d, kind))
	}
	if perDevice {
		for i := range devices {
			add(&devices[i], need)
		}
	} else {
		add(nil, need)
	}
	if len(h.atts[ce.ID]) > 0 || len(ce.Attestations) > 0 {
		add(nil, vigil.EvidenceAttestation)
	}
	failing := map[int64]bool{}
	for _, fd := range ce.FailingDevices {
		failing[fd.ID] = true
	}
	for i := range devices {
		if failing[devices[i].ID] {
			add(&devices[i], vigil.EvidenceCompensatingControls)
		}
	}
	return out
}

// answer decides one request: held when a current piece answers it,
// stale when only expired or old ones do, missing otherwise.
func (h *holdings) answer(control string, area vigil.ControlArea, d *Device, kind vigil.EvidenceKind) vigil.EvidenceRequest {
	r := vigil.EvidenceRequest{Control: control, Area: area, EvidenceNeeded: kind, Evidence: []string{}}
	if d != nil {
		r.Device, r.DeviceLabel = d.ID, d.Label
	}
	at, fresh := h.in.At, Freshness(area)
	var held, stale []string
	why := ""
	switch kind {
	case vigil.EvidenceInventoryRecord:
		if d != nil {
			ref := fmt.Sprintf("device:%d", d.ID)
			if !d.LastSeen.IsZero() && d.LastSeen.Before(at.Add(-fresh)) {
				stale, why = append(stale, ref), fmt.Sprintf("no source has listed the device since %s", d.LastSeen.Format(time.DateOnly))
			} else {
				held = append(held, ref)
			}
		}
	case vigil.EvidenceAttestation:
		for _, a := range h.atts[control] {
			ref := fmt.Sprintf("attestation:%d", a.ID)
			if a.Overdue(at) {
				stale, why = append(stale, ref), fmt.Sprintf("the attestation by %s was due again on %s", a.Owner, a.NextDue.Format(time.DateOnly))
			} else {
				held = append(held, ref)
			}
		}
	}
	for _, e := range h.in.Evidence {
		if !e.answers(h.in.Evaluation.Framework, control, area, d, kind) {
			continue
		}
		if reason := e.staleness(at, fresh); reason != "" {
			stale, why = append(stale, e.ID), reason
		} else {
			held = append(held, e.ID)
		}
	}
	switch {
	case len(held) > 0:
		r.Status, r.Evidence = vigil.RequestHeld, held
	case len(stale) > 0:
		r.Status, r.Evidence, r.Reason = vigil.RequestStale, stale, why
	default:
		r.Status, r.Reason = vigil.RequestMissing, missingReason(kind, d != nil, h.in.NoRepository)
	}
	return r
}

func missingReason(kind vigil.EvidenceKind, device, noRepo bool) string {
	switch {
	case kind == vigil.EvidenceAttestation:
		return "nobody has attested to the control"
	case kind == vigil.EvidenceInventoryRecord && device:
		return "the device is not in the inventory"
	case noRepo:
		return "no evidence is recorded: the evidence repository is empty"
	case device:
		return fmt.Sprintf("no %s covers this device and control", kind)
	}
	return fmt.Sprintf("no %s is recorded for this control", kind)
}

// answers reports whether the piece speaks to the request.
func (e *Evidence) answers(fw, control string, area vigil.ControlArea, d *Device, kind vigil.EvidenceKind) bool {
	if e.Kind != "" && e.Kind != kind {
		return false
	}
	if len(e.Areas) > 0 && !slices.Contains(e.Areas, area) {
		return false
	}
	if !slices.Contains(e.Controls, vigil.ControlRef{Framework: fw, Control: control}) {
		return false
	}
	return len(e.Devices) == 0 || d != nil && slices.Contains(e.Devices, d.ID)
}

// staleness says why a piece no longer counts at t, "" when it does.
func (e *Evidence) staleness(t time.Time, fresh time.Duration) string {
	switch {
	case !e.Expires.IsZero() && !t.Before(e.Expires):
		return fmt.Sprintf("%s expired on %s", e.ID, e.Expires.Format(time.DateOnly))
	case !e.EffectiveFrom.IsZero() && t.Before(e.EffectiveFrom):
		return fmt.Sprintf("%s is effective only from %s", e.ID, e.EffectiveFrom.Format(time.DateOnly))
	case !e.EffectiveTo.IsZero() && e.EffectiveTo.Before(t):
		return fmt.Sprintf("%s was effective until %s", e.ID, e.EffectiveTo.Format(time.DateOnly))
	case !e.Collected.IsZero() && e.Collected.Before(t.Add(-fresh)):
		return fmt.Sprintf("%s was collected on %s, more than %d days ago", e.ID, e.Collected.Format(time.DateOnly), int(fresh/day))
	}
	return ""
}

// score is each area's readiness and the overall readiness: held requests
// count 1, stale ones 1/2, missing ones 0, as a percentage to one decimal.
func score(rs []vigil.EvidenceRequest) ([]vigil.AreaScore, float64) {
	by := map[vigil.ControlArea]*vigil.AreaScore{}
	total := vigil.AreaScore{}
	for _, r := range rs {
		s := by[r.Area]
		if s == nil {
			s = &vigil.AreaScore{Area: r.Area}
			by[r.Area] = s
		}
		for _, x := range []*vigil.AreaScore{s, &total} {
			switch r.Status {
			case vigil.RequestHeld:
				x.Held++
			case vigil.RequestStale:
				x.Stale++
			default:
				x.Missing++
			}
		}
	}
	out := []vigil.AreaScore{}
	for _, area := range vigil.ControlAreas() {
		if s := by[area]; s != nil {
			s.Score = percent(s)
			out = append(out, *s)
		}
	}
	return out, percent(&total)
}

func percent(s *vigil.AreaScore) float64 {
	n := s.Held + s.Stale + s.Missing
	if n == 0 {
		return 0
	}
	return math.Round(1000*(float64(s.Held)+float64(s.Stale)/2)/float64(n)) / 10
}
