// Package assurance holds the use cases that show a hospital is ready for
// its auditors: mock audits run the way an auditor runs them, comparing
// them, and the remediation plan that turns every gap into an owned, dated
// item. It gathers what the store holds and runs the pure engine
// (internal/readiness) over it, storing each run and plan change in one
// transaction with its audit events.
package assurance

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/catalog"
	"github.com/vigil-health/vigil/internal/readiness"
	"github.com/vigil-health/vigil/internal/risk"
	"github.com/vigil-health/vigil/internal/store"
)

// RiskAssessor scores the devices with vulnerabilities: internal/exposure
// provides it. The plan's priorities and KEV due dates come from it.
type RiskAssessor interface {
	AssessRisk(ctx context.Context, f vigil.RiskFilter) ([]risk.Assessment, error)
}

// auditsPerFramework is how many of a framework's latest mock audits the
// plan reads for its evidence gaps.
const auditsPerFramework = 20

// Service is the mock audit and remediation plan use cases over one store.
type Service struct {
	db   *store.DB
	risk RiskAssessor

	mu       sync.Mutex
	builtin  []string        // the built-in frameworks' ids, loaded on first use
	proposed map[string]bool // those not in force
}

// New returns the service; ra scores devices (nil leaves every device at
// its criticality alone, with no KEV due dates).
func New(db *store.DB, ra RiskAssessor) *Service {
	return &Service{db: db, risk: ra}
}

// inputs is what the store holds that audits and the plan weigh.
type inputs struct {
	devices map[int64]readiness.Device
	kev     []readiness.KEVDue
	atts    []vigil.Attestation
}

// gather reads the inventory with each device's risk score, the open KEV
// matches with their due dates, and the attestations in force.
func (s *Service) gather(ctx context.Context) (*inputs, error) {
	in := &inputs{devices: map[int64]readiness.Device{}}
	err := s.db.ScanDevices(ctx, vigil.DeviceFilter{}, func(d *vigil.Device) error {
		in.devices[d.ID] = readiness.Device{ID: d.ID, Label: d.Label(), Criticality: d.Criticality, Owner: d.OwnerTeam, LastSeen: d.LastSeen}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if s.risk != nil {
		as, err := s.risk.AssessRisk(ctx, vigil.RiskFilter{})
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			d, ok := in.devices[a.DeviceID]
			if !ok {
				continue
			}
			d.Risk = a.Score
			in.devices[a.DeviceID] = d
			for _, v := range a.Vulns {
				if v.KEV && !v.KEVDue.IsZero() && !v.Remediated && v.Status != vigil.StatusFixed && v.Status != vigil.StatusNotAffected {
					in.kev = append(in.kev, readiness.KEVDue{DeviceID: a.DeviceID, VulnID: v.VulnID, Due: v.KEVDue})
				}
			}
		}
	}
	if in.atts, err = s.db.FindAttestations(ctx, "", nil); err != nil {
		return nil, err
	}
	return in, nil
}

// deviceList is the devices in id order.
func (in *inputs) deviceList() []readiness.Device {
	out := make([]readiness.Device, 0, len(in.devices))
	for _, d := range in.devices {
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b readiness.Device) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// MockAudit audits a framework from its latest evaluation: sample devices
// (DefaultSample when 0) drawn with seed, weighted towards clinical risk.
// The run is stored, and the plan takes up its missing and stale evidence
// in the same transaction.
func (s *Service) MockAudit(ctx context.Context, actor *vigil.User, framework string, sample int, seed int64) (*vigil.MockAudit, error) {
	if sample < 0 || sample > 10000 {
		return nil, vigil.Errorf(vigil.EINVALID, "the sample is between 1 and 10000 devices")
	}
	ev, err := s.db.FindEvaluation(ctx, framework, 0)
	if vigil.ErrorCode(err) == vigil.ENOTFOUND {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "%s has not been evaluated yet: run 'vigil evaluate --framework %s' first", framework, framework)
	} else if err != nil {
		return nil, err
	}
	in, err := s.gather(ctx)
	if err != nil {
		return nil, err
	}
	evidence, held, err := s.evidence(ctx)
	if err != nil {
		return nil, err
	}
	a := readiness.Audit(readiness.AuditInput{Evaluation: ev, Devices: in.deviceList(), Evidence: evidence, NoRepository: !held,
		Attestations: in.atts, Seed: seed, Sample: sample, At: s.db.Now().UTC()})
	plan, err := s.planInput(ctx, in)
	if err != nil {
		return nil, err
	}
	err = s.db.Update(ctx, func(tx *store.Tx) error {
		if err := tx.SaveMockAudit(ctx, actor, a); err != nil {
			return err
		}
		plan.Audits = append(plan.Audits, a)
		_, err := applyPlan(ctx, tx, actor, plan)
		return err
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// evidence returns the newest version of every piece of evidence in the
// repository, as the engine weighs it, and whether any is recorded at all:
// with none, the audit says the repository is empty rather than that each
// piece is missing on its own.
func (s *Service) evidence(ctx context.Context) ([]readiness.Evidence, bool, error) {
	es, err := s.db.FindEvidence(ctx, vigil.EvidenceFilter{})
	if err != nil {
		return nil, false, err
	}
	out := make([]readiness.Evidence, 0, len(es))
	for _, e := range es {
		areas := make([]vigil.ControlArea, len(e.Areas))
		for i, a := range e.Areas {
			areas[i] = vigil.ControlArea(a) // the same spellings
		}
		piece := readiness.Evidence{ID: fmt.Sprintf("evidence:%d", e.ID), Areas: areas, Controls: e.Controls, Devices: e.Devices,
			Collected: e.CollectedAt, EffectiveFrom: e.EffectiveFrom, EffectiveTo: e.EffectiveTo, Expires: e.ExpiresAt}
		if e.Auto {
			// What Vigil gathers by itself (inventory snapshots, matches,
			// findings, evaluations) is an inventory record, a patch
			// history or a monitoring record, never a BAA, an access
			// review or a person's attestation.
			kind, ok := autoKind(areas)
			if !ok {
				continue
			}
			piece.Kind = kind
		}
		out = append(out, piece)
	}
	return out, len(out) > 0, nil
}

// autoKind is the request automatic evidence of the areas can answer.
func autoKind(areas []vigil.ControlArea) (vigil.EvidenceKind, bool) {
	for _, a := range areas {
		switch a {
		case vigil.AreaInventory, vigil.AreaVulnerabilities, vigil.AreaMonitoring:
			k, _ := readiness.Needs(a)
			return k, true
		}
	}
	return "", false
}

// CompareAudits says what changed from one stored mock audit to another
// of the same framework, the older taken as the starting point.
func (s *Service) CompareAudits(ctx context.Context, a, b int64) (*vigil.AuditComparison, error) {
	from, err := s.db.FindMockAudit(ctx, a)
	if err != nil {
		return nil, err
	}
	to, err := s.db.FindMockAudit(ctx, b)
	if err != nil {
		return nil, err
	}
	if from.Framework != to.Framework {
		return nil, vigil.Errorf(vigil.EINVALID, "mock audit %d is of %s and %d of %s: compare audits of one framework", a, from.Framework, b, to.Framework)
	}
	if from.ID > to.ID {
		from, to = to, from
	}
	return readiness.Compare(from, to), nil
}

// LatestComparison compares the two latest mock audits of a framework (of
// the framework audited last when framework is ""); nil when there are
// fewer than two.
func (s *Service) LatestComparison(ctx context.Context, framework string) (*vigil.AuditComparison, error) {
	if framework == "" {
		last, err := s.db.FindMockAudits(ctx, "", 1)
		if err != nil || len(last) == 0 {
			return nil, err
		}
		framework = last[0].Framework
	}
	two, err := s.db.FindMockAudits(ctx, framework, 2)
	if err != nil || len(two) < 2 {
		return nil, err
	}
	return s.CompareAudits(ctx, two[1].ID, two[0].ID)
}

// builtinFrameworks returns the built-in frameworks' ids and those not in
// force, which are shown for planning and never put in the plan.
func (s *Service) builtinFrameworks() ([]string, map[string]bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proposed == nil {
		cat, err := catalog.Load()
		if err != nil {
			return nil, nil, vigil.WrapError(vigil.EINTERNAL, "loading the control catalogs", err)
		}
		s.proposed = map[string]bool{}
		for _, fw := range cat.Frameworks() {
			s.builtin = append(s.builtin, fw.ID)
			if fw.Proposed {
				s.proposed[fw.ID] = true
			}
		}
	}
	return s.builtin, s.proposed, nil
}

// now is the service's clock.
func (s *Service) now() time.Time { return s.db.Now().UTC() }
