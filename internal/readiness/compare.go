package readiness

import (
	vigil "github.com/vigil-health/vigil"
)

// Compare says what changed from one mock audit to a later one: the
// overall and per-area scores, and every request both asked for whose
// status improved (missing to stale or held, stale to held) or regressed.
// Requests only one of them sampled are counted, not compared.
func Compare(from, to *vigil.MockAudit) *vigil.AuditComparison {
	c := &vigil.AuditComparison{From: from.ID, To: to.ID, Framework: to.Framework, ScoreFrom: from.Score, ScoreTo: to.Score,
		Areas: []vigil.AreaChange{}, Improved: []vigil.StatusChange{}, Regressed: []vigil.StatusChange{}}
	fa, ta := areaMap(from), areaMap(to)
	for _, area := range vigil.ControlAreas() {
		f, inF := fa[area]
		t, inT := ta[area]
		if inF || inT {
			c.Areas = append(c.Areas, vigil.AreaChange{Area: area, From: f, To: t})
		}
	}
	before := map[string]vigil.RequestStatus{}
	for _, r := range from.Requests {
		before[r.Key()] = r.Status
	}
	seen := map[string]bool{}
	for _, r := range to.Requests {
		k := r.Key()
		seen[k] = true
		old, ok := before[k]
		if !ok {
			c.OnlyInTo++
			continue
		}
		ch := vigil.StatusChange{Control: r.Control, Device: r.Device, EvidenceNeeded: r.EvidenceNeeded, From: old, To: r.Status}
		switch d := statusRank(r.Status) - statusRank(old); {
		case d > 0:
			c.Improved = append(c.Improved, ch)
		case d < 0:
			c.Regressed = append(c.Regressed, ch)
		}
	}
	for k := range before {
		if !seen[k] {
			c.OnlyInFrom++
		}
	}
	return c
}

func areaMap(a *vigil.MockAudit) map[vigil.ControlArea]float64 {
	m := make(map[vigil.ControlArea]float64, len(a.Areas))
	for _, s := range a.Areas {
		m[s.Area] = s.Score
	}
	return m
}

func statusRank(s vigil.RequestStatus) int {
	switch s {
	case vigil.RequestHeld:
		return 2
	case vigil.RequestStale:
		return 1
	}
	return 0
}
