package assurance

import (
	"context"
	"slices"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/readiness"
	"github.com/vigil-health/vigil/internal/store"
)

// SyncResult counts what a plan sync changed.
type SyncResult struct {
	Opened   int `json:"opened"`
	Reopened int `json:"reopened"`
	Updated  int `json:"updated"`
	Closed   int `json:"closed"`
}

// SyncPlan rebuilds the plan from the latest evaluation of every framework
// in force, the stored mock audits, the attestations and the KEV due dates:
// a new gap opens an item, a gap that is gone closes its item, a gap that
// returns reopens it. Owners and due dates set by hand are kept.
func (s *Service) SyncPlan(ctx context.Context, actor *vigil.User) (*SyncResult, error) {
	in, err := s.gather(ctx)
	if err != nil {
		return nil, err
	}
	plan, err := s.planInput(ctx, in)
	if err != nil {
		return nil, err
	}
	var res *SyncResult
	err = s.db.Update(ctx, func(tx *store.Tx) error {
		res, err = applyPlan(ctx, tx, actor, plan)
		return err
	})
	return res, err
}

// Changed syncs the plan: the binary calls it after every evaluation.
func (s *Service) Changed(ctx context.Context, actor *vigil.User) error {
	_, err := s.SyncPlan(ctx, actor)
	return err
}

// planInput reads the latest evaluation of every framework in force and
// the latest mock audits of each.
func (s *Service) planInput(ctx context.Context, in *inputs) (*readiness.PlanInput, error) {
	builtin, proposed, err := s.builtinFrameworks()
	if err != nil {
		return nil, err
	}
	imported, err := s.db.FindFrameworks(ctx)
	if err != nil {
		return nil, err
	}
	ids := slices.Clone(builtin)
	for _, fw := range imported {
		ids = append(ids, fw.ID)
	}
	p := &readiness.PlanInput{Attestations: in.atts, Devices: in.devices, KEV: in.kev, Now: s.now()}
	for _, id := range ids {
		if proposed[id] {
			continue
		}
		ev, err := s.db.FindEvaluation(ctx, id, 0)
		if vigil.ErrorCode(err) == vigil.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		p.Evaluations = append(p.Evaluations, ev)
		runs, err := s.db.FindMockAudits(ctx, id, auditsPerFramework)
		if err != nil {
			return nil, err
		}
		for _, r := range runs {
			a, err := s.db.FindMockAudit(ctx, r.ID)
			if err != nil {
				return nil, err
			}
			p.Audits = append(p.Audits, a)
		}
	}
	return p, nil
}

// applyPlan reconciles the stored items with the gaps inside tx.
func applyPlan(ctx context.Context, tx *store.Tx, actor *vigil.User, p *readiness.PlanInput) (*SyncResult, error) {
	p.Now = tx.Now()
	stored, err := tx.PlanItems(ctx)
	if err != nil {
		return nil, err
	}
	old := make([]vigil.PlanItem, len(stored))
	for i, it := range stored {
		old[i] = *it
	}
	res := &SyncResult{}
	for _, c := range readiness.Reconcile(old, readiness.Gaps(*p), p.Now) {
		if err := tx.SavePlanItem(ctx, actor, &c.Item, c.What); err != nil {
			return nil, err
		}
		switch c.What {
		case readiness.ChangeOpened:
			res.Opened++
		case readiness.ChangeReopened:
			res.Reopened++
		case readiness.ChangeUpdated:
			res.Updated++
		case readiness.ChangeClosed:
			res.Closed++
		}
	}
	return res, nil
}

// ListPlan returns the plan items the filter selects.
func (s *Service) ListPlan(ctx context.Context, f vigil.PlanFilter) ([]*vigil.PlanItem, error) {
	if f.Status != "" && f.Status != vigil.PlanOpen && f.Status != vigil.PlanClosed {
		return nil, vigil.Errorf(vigil.EINVALID, "a plan item's status is open or closed, not %q", f.Status)
	}
	return s.db.FindPlanItems(ctx, f)
}

// SetOwner gives a plan item an owner; syncs keep it.
func (s *Service) SetOwner(ctx context.Context, actor *vigil.User, id int64, owner string) (*vigil.PlanItem, error) {
	var it *vigil.PlanItem
	err := s.db.Update(ctx, func(tx *store.Tx) (err error) {
		it, err = tx.SetPlanOwner(ctx, actor, id, owner)
		return err
	})
	return it, err
}

// SetDue gives a plan item a due date; syncs keep it.
func (s *Service) SetDue(ctx context.Context, actor *vigil.User, id int64, due time.Time) (*vigil.PlanItem, error) {
	var it *vigil.PlanItem
	err := s.db.Update(ctx, func(tx *store.Tx) (err error) {
		it, err = tx.SetPlanDue(ctx, actor, id, due)
		return err
	})
	return it, err
}
