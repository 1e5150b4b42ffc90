package compliance

import (
	"context"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/catalog"
	"github.com/vigil-health/vigil/internal/checks"
	"github.com/vigil-health/vigil/internal/evaluate"
	"github.com/vigil-health/vigil/internal/store"
)

// EvalOptions says what to evaluate.
type EvalOptions struct {
	// Framework is the framework's id; "" evaluates every framework.
	Framework string
	// At, when set, evaluates from what Vigil knew at that time: the
	// inventory's versions, the sources' records, the findings, flows and
	// matches recorded by then, and the checks and attestations in force
	// then. Unset evaluates now.
	At *time.Time
	// Keep stores the runs (evaluations are dated and kept for the trend).
	Keep bool
}

// Run is the result of checking every device: what each check found, and
// the subjects it judged.
type Run struct {
	At       time.Time
	Checks   []*evaluate.CheckRun
	Subjects []*checks.Subject
}

// CheckDevices runs every enabled check in force at opt.At against every
// device as it stood then.
func (s *Service) CheckDevices(ctx context.Context, at *time.Time) (*Run, error) {
	now := s.db.Now().UTC()
	if at != nil {
		now = at.UTC()
	}
	prog, err := s.program(ctx, at)
	if err != nil {
		return nil, err
	}
	ev, err := s.gather(ctx, at, now)
	if err != nil {
		return nil, err
	}
	policy, err := s.Policy(ctx)
	if err != nil {
		return nil, err
	}
	subjects := s.subjects(ev)
	return &Run{At: now, Subjects: subjects, Checks: runChecks(prog, subjects, checks.Inputs{Policy: policy, Now: now})}, nil
}

// runChecks evaluates the program over the subjects and tallies each
// check's verdicts, with the failing devices in device order.
func runChecks(prog *checks.Program, subjects []*checks.Subject, in checks.Inputs) []*evaluate.CheckRun {
	cs := prog.Checks()
	runs := make([]*evaluate.CheckRun, len(cs))
	for i, c := range cs {
		runs[i] = &evaluate.CheckRun{ID: c.ID, Title: c.Title, Severity: string(c.Severity), Controls: c.Controls}
	}
	failing := make([][][]vigil.FailingDevice, len(cs)) // by check, by subject
	for i := range failing {
		failing[i] = make([][]vigil.FailingDevice, len(subjects))
	}
	prog.Evaluate(subjects, in, func(si int, results []checks.Result) {
		d := &subjects[si].Device
		for ci, r := range results {
			run := runs[ci]
			switch r.Status {
			case checks.StatusPass:
				run.Passed++
			case checks.StatusFail:
				run.Failed++
				failing[ci][si] = append(failing[ci][si], vigil.FailingDevice{ID: d.ID, AssetTag: d.AssetTag, Check: run.ID, Reason: r.Reason})
			case checks.StatusNotApplicable:
				run.NotApplicable++
			default:
				run.Errors++
				failing[ci][si] = append(failing[ci][si], vigil.FailingDevice{ID: d.ID, AssetTag: d.AssetTag, Check: run.ID, Reason: "could not evaluate: " + r.Reason})
			}
		}
	})
	for ci, run := range runs {
		for _, fd := range failing[ci] {
			run.Failing = append(run.Failing, fd...)
		}
	}
	return runs
}

// Evaluate decides every control of one framework, or of all, from the
// checks' verdicts on every device and the attestations in force, and with
// opt.Keep stores each run, dated.
func (s *Service) Evaluate(ctx context.Context, actor *vigil.User, opt EvalOptions) ([]*vigil.Evaluation, error) {
	if opt.At == nil {
		// The shipped checks are stored, and kept current, before the first
		// evaluation: a check is evidence only as a stored version.
		if _, err := s.InstallLibrary(ctx, vigil.SystemUser); err != nil {
			return nil, err
		}
	}
	cat, err := s.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	var fws []*vigil.Framework
	if opt.Framework != "" {
		fw, err := cat.Framework(opt.Framework)
		if err != nil {
			return nil, vigil.Errorf(vigil.ENOTFOUND, "no framework %q (see 'vigil controls list')", opt.Framework)
		}
		fws = []*vigil.Framework{fw}
	} else {
		fws = cat.Frameworks()
	}
	run, err := s.CheckDevices(ctx, opt.At)
	if err != nil {
		return nil, err
	}
	atts, err := s.db.FindAttestations(ctx, "", opt.At)
	if err != nil {
		return nil, err
	}
	out := make([]*vigil.Evaluation, 0, len(fws))
	for _, fw := range fws {
		out = append(out, decide(cat, fw, run, atts))
	}
	if !opt.Keep {
		return out, nil
	}
	err = s.db.Update(ctx, func(tx *store.Tx) error {
		for _, ev := range out {
			if err := tx.SaveEvaluation(ctx, actor, ev); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// A current evaluation moves the evidence and the plan on; one at a
	// past date only answers a question.
	if opt.At == nil {
		if err := vigil.TellChanged(ctx, s.observer, actor, "the evaluation was saved"); err != nil {
			return out, err
		}
	}
	return out, nil
}

// decide weighs a check run and the attestations for one framework.
func decide(cat *catalog.Catalog, fw *vigil.Framework, run *Run, atts []vigil.Attestation) *vigil.Evaluation {
	return evaluate.Decide(evaluate.Input{
		Framework:    fw,
		At:           run.At,
		Checks:       run.Checks,
		Attestations: atts,
		Crosswalk:    cat.Crosswalk,
		Resolve:      cat.Resolve,
	})
}

// Changed runs and stores the evaluation of every framework now: the
// inventory and exposure services call it after a change commits.
func (s *Service) Changed(ctx context.Context, actor *vigil.User) error {
	_, err := s.Evaluate(ctx, actor, EvalOptions{Keep: true})
	return err
}

// reevaluate evaluates every framework after one of this service's own
// changes committed; a failure says the change itself was saved.
func (s *Service) reevaluate(ctx context.Context, actor *vigil.User, saved string) error {
	if err := s.Changed(ctx, actor); err != nil {
		return vigil.WrapError(vigil.ErrorCode(err), saved+", but re-evaluating the controls failed: "+vigil.ErrorMessage(err), err)
	}
	return nil
}

// DeviceResult is one check's verdict on one device.
type DeviceResult struct {
	DeviceID int64         `json:"device_id"`
	AssetTag string        `json:"asset_tag"`
	Label    string        `json:"label"`
	Check    string        `json:"check"`
	Title    string        `json:"title"`
	Severity string        `json:"severity"`
	Status   checks.Status `json:"status"`
	Reason   string        `json:"reason,omitempty"`
}

// TestCheck parses a check file, refusing it as SaveCheck would, and runs
// it against every device of the current inventory without storing
// anything: what `vigil checks test FILE` and the check editor show.
func (s *Service) TestCheck(ctx context.Context, name string, source []byte) (*checks.Check, []DeviceResult, error) {
	c, err := s.ParseCheck(ctx, name, source)
	if err != nil {
		return nil, nil, err
	}
	prog, err := checks.Compile([]*checks.Check{c})
	if err != nil {
		return nil, nil, vigil.WrapError(vigil.EINVALID, err.Error(), err)
	}
	now := s.db.Now().UTC()
	ev, err := s.gather(ctx, nil, now)
	if err != nil {
		return nil, nil, err
	}
	policy, err := s.Policy(ctx)
	if err != nil {
		return nil, nil, err
	}
	subjects := s.subjects(ev)
	out := make([]DeviceResult, len(subjects))
	prog.Evaluate(subjects, checks.Inputs{Policy: policy, Now: now}, func(i int, rs []checks.Result) {
		out[i] = deviceResult(subjects[i], ev.devices[i], rs[0])
	})
	return c, out, nil
}

// DeviceChecks runs every enabled check against one device as it stands
// now: the device page's compliance section.
func (s *Service) DeviceChecks(ctx context.Context, id int64) ([]DeviceResult, error) {
	prog, err := s.program(ctx, nil)
	if err != nil {
		return nil, err
	}
	now := s.db.Now().UTC()
	ev, err := s.gather(ctx, nil, now)
	if err != nil {
		return nil, err
	}
	policy, err := s.Policy(ctx)
	if err != nil {
		return nil, err
	}
	for i, d := range ev.devices {
		if d.ID != id {
			continue
		}
		sub := s.subject(ev, d)
		rs := prog.EvaluateOne(sub, checks.Inputs{Policy: policy, Now: now})
		out := make([]DeviceResult, len(rs))
		for j, r := range rs {
			out[j] = deviceResult(sub, ev.devices[i], r)
		}
		return out, nil
	}
	return nil, vigil.Errorf(vigil.ENOTFOUND, "no device %d", id)
}

func deviceResult(sub *checks.Subject, d *vigil.Device, r checks.Result) DeviceResult {
	return DeviceResult{DeviceID: d.ID, AssetTag: d.AssetTag, Label: d.Label(), Check: r.Check.ID, Title: r.Check.Title,
		Severity: string(r.Check.Severity), Status: r.Status, Reason: r.Reason}
}
