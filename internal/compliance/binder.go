package compliance

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"io"
	"strconv"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/binder"
	"github.com/vigil-health/vigil/internal/blob"
	"github.com/vigil-health/vigil/internal/store"
)

// BinderOptions says which binder to write.
type BinderOptions struct {
	Framework string
	// At, when set, writes the binder as of that time: the evaluation, the
	// inventory and the evidence Vigil held then. The remediation plan is
	// today's (its history is kept, its past state is not rebuilt yet).
	At       *time.Time
	Path     string             // the .zip to write, atomically
	Key      ed25519.PrivateKey // the installation's signing key
	Blobs    *blob.Store        // the evidence files; nil leaves them out
	Hospital string
}

// BinderResult says what a binder holds.
type BinderResult struct {
	Path        string
	Evaluation  *vigil.Evaluation
	Devices     int
	Evidence    int
	PlanItems   int
	AuditHead   string
	Fingerprint string
}

// ExportBinder writes the auditor's binder of one framework: the
// evaluation (run afresh, and stored, for the date asked), the inventory,
// the evidence of the framework's controls with its files, the remediation
// plan and the audit trail's head, signed with the installation's key
// (internal/binder). The export is audited.
func (s *Service) ExportBinder(ctx context.Context, actor *vigil.User, opt BinderOptions) (*BinderResult, error) {
	cat, err := s.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	fw, err := cat.Framework(opt.Framework)
	if err != nil {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "no framework %q (see 'vigil controls list')", opt.Framework)
	}
	evs, err := s.Evaluate(ctx, actor, EvalOptions{Framework: fw.ID, At: opt.At, Keep: true})
	if err != nil {
		return nil, err
	}
	ev := evs[0]
	in := &binder.Input{Framework: *fw, Evaluation: *ev, At: ev.At, Hospital: opt.Hospital}
	devs, _, err := s.db.FindDevices(ctx, vigil.DeviceFilter{AsOf: opt.At})
	if err != nil {
		return nil, err
	}
	for _, d := range devs {
		in.Devices = append(in.Devices, *d)
	}
	if opt.Blobs != nil {
		if in.Evidence, err = s.binderEvidence(ctx, fw.ID, ev.At, opt.Blobs); err != nil {
			return nil, err
		}
	}
	items, err := s.db.FindPlanItems(ctx, vigil.PlanFilter{Framework: fw.ID})
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		pi := binder.PlanItem{ID: strconv.FormatInt(it.ID, 10), Device: it.DeviceID, Title: it.Title, Owner: it.Owner,
			Due: it.Due, Priority: string(it.Priority), Status: string(it.Status), Evidence: it.Evidence}
		if it.Control.Framework == fw.ID {
			pi.Control = it.Control.Control
		}
		in.Plan = append(in.Plan, pi)
	}
	seq, head, err := s.db.AuditHead(ctx)
	if err != nil {
		return nil, err
	}
	in.AuditHead = fmt.Sprintf("%d:%s", seq, head)
	if err := binder.WriteFile(opt.Path, in, opt.Key); err != nil {
		return nil, vigil.WrapError(vigil.EINTERNAL, "writing the binder "+opt.Path, err)
	}
	res := &BinderResult{Path: opt.Path, Evaluation: ev, Devices: len(in.Devices), Evidence: len(in.Evidence), PlanItems: len(in.Plan),
		AuditHead: in.AuditHead, Fingerprint: binder.Fingerprint(opt.Key.Public().(ed25519.PublicKey))}
	err = s.db.Update(ctx, func(tx *store.Tx) error {
		return tx.Audit(ctx, actor, "binder.export", "framework", fw.ID, map[string]any{
			"at": ev.At, "evaluation_id": ev.ID, "devices": res.Devices, "evidence": res.Evidence, "plan_items": res.PlanItems,
			"audit_head": in.AuditHead, "key": res.Fingerprint})
	})
	return res, err
}

// binderEvidence lists the current versions of the evidence of the
// framework's controls that was collected by at, each read from the blob
// store (the binder refuses a file whose bytes do not match its key).
func (s *Service) binderEvidence(ctx context.Context, framework string, at time.Time, blobs *blob.Store) ([]binder.EvidenceFile, error) {
	all, err := s.db.FindEvidence(ctx, vigil.EvidenceFilter{})
	if err != nil {
		return nil, err
	}
	var out []binder.EvidenceFile
	for _, e := range all {
		if e.CollectedAt.After(at) || e.AddedAt.After(at) {
			continue
		}
		var controls []string
		for _, c := range e.Controls {
			if c.Framework == framework {
				controls = append(controls, c.Control)
			}
		}
		if len(controls) == 0 {
			continue
		}
		key := e.Key
		out = append(out, binder.EvidenceFile{
			Meta: binder.EvidenceMeta{ID: strconv.FormatInt(e.ID, 10), Title: e.Title, Controls: controls, Devices: e.Devices,
				Collected: e.CollectedAt, EffectiveFrom: e.EffectiveFrom, EffectiveTo: e.EffectiveTo, FileName: e.FileName, SHA256: e.Key},
			Open: func() (io.ReadCloser, error) { return blobs.Open(key) },
		})
	}
	return out, nil
}
