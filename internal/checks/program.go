package checks

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/interpreter"
)

// Status is a check's verdict on one device.
type Status string

// The verdicts.
const (
	StatusPass          Status = "pass"
	StatusFail          Status = "fail"
	StatusNotApplicable Status = "not-applicable" // applies_to excludes the device
	StatusError         Status = "error"          // the expression failed on this device's data
)

// Result is one check's verdict on one device. Reason explains a failure
// (the check's reason expression, or its title) or an error.
type Result struct {
	Check  *Check
	Status Status
	Reason string
}

// Inputs is what an evaluation holds constant across devices: the
// hospital's policy and the time to evaluate at, so that an evaluation at
// a past date sees the clock as it stood then.
type Inputs struct {
	Policy Policy
	Now    time.Time
	// VerdictsOnly skips the reason expressions, for callers that only
	// count verdicts (a dashboard's pass rates): a failure's Reason is then
	// the check's title. Explaining failures is about half of the work when
	// a quarter of the verdicts fail.
	VerdictsOnly bool
}

// Program is a set of checks compiled once, ready to evaluate any number
// of devices. It is safe for concurrent use.
type Program struct {
	checks  []*compiled
	types   objectTypes
	binders sync.Pool // of *binder
}

// Compile type-checks and plans the checks. Check ids must be unique.
func Compile(cs []*Check) (*Program, error) {
	env, err := newEnv()
	if err != nil {
		return nil, fmt.Errorf("checks: environment: %w", err)
	}
	p := &Program{types: newObjectTypes(env)}
	ids := map[string]string{}
	for _, c := range cs {
		if f, dup := ids[c.ID]; dup {
			return nil, &FileError{File: c.File, Field: "id", Reason: fmt.Sprintf("check %q is also defined in %s", c.ID, f)}
		}
		ids[c.ID] = c.File
		cc, err := compileCheck(env, c)
		if err != nil {
			return nil, err
		}
		p.checks = append(p.checks, cc)
	}
	return p, nil
}

// Checks returns the compiled checks in order; Results follow this order.
func (p *Program) Checks() []*Check {
	out := make([]*Check, len(p.checks))
	for i, c := range p.checks {
		out[i] = c.check
	}
	return out
}

// EvaluateOne returns every check's verdict on one device, in the order of
// Checks.
func (p *Program) EvaluateOne(s *Subject, in Inputs) []Result {
	b := p.binder(&in)
	defer p.release(b)
	return p.evaluate(b, s, make([]Result, 0, len(p.checks)))
}

// Evaluate judges every subject, spreading them across GOMAXPROCS workers.
// It calls fn once per subject with the subject's index and its verdicts in
// the order of Checks; calls come one at a time but in no fixed order, and
// results is only valid during the call (copy what must be kept).
func (p *Program) Evaluate(subjects []*Subject, in Inputs, fn func(i int, results []Result)) {
	const chunk = 64
	var next atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), (len(subjects)+chunk-1)/chunk)
	for range workers {
		wg.Go(func() {
			buf := make([]Result, 0, len(p.checks))
			b := p.binder(&in)
			defer p.release(b)
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= len(subjects) {
					return
				}
				for i := lo; i < min(lo+chunk, len(subjects)); i++ {
					buf = p.evaluate(b, subjects[i], buf[:0])
					mu.Lock()
					fn(i, buf)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
}

// binder returns a binder for one goroutine, bound to in, from the
// program's pool: a binder's buffers, frame and policy then serve every
// subject of an Evaluate and many calls of EvaluateOne.
func (p *Program) binder(in *Inputs) *binder {
	b, _ := p.binders.Get().(*binder)
	if b == nil {
		b = p.newBinder()
	}
	b.inputs(in)
	return b
}

// release returns b to the pool, holding no subject or policy.
func (p *Program) release(b *binder) {
	b.forget()
	p.binders.Put(b)
}

// evaluate appends every check's verdict on s to out, adapting s with b.
func (p *Program) evaluate(b *binder, s *Subject, out []Result) []Result {
	b.bind(s)
	for _, c := range p.checks {
		out = append(out, c.evaluate(b.frame, b.act.verdictsOnly))
	}
	return out
}

// evaluate returns the check's verdict on the subject frame's activation
// binds.
func (c *compiled) evaluate(frame *interpreter.ExecutionFrame, verdictsOnly bool) Result {
	r := Result{Check: c.check}
	if c.applies != nil {
		ok, err := evalBool(c.applies, frame)
		if err != nil {
			r.Status, r.Reason = StatusError, "applies_to: "+err.Error()
			return r
		}
		if !ok {
			r.Status = StatusNotApplicable
			return r
		}
	}
	ok, err := evalBool(c.expr, frame)
	switch {
	case err != nil:
		r.Status, r.Reason = StatusError, "expr: "+err.Error()
	case ok:
		r.Status = StatusPass
	default:
		r.Status, r.Reason = StatusFail, c.failReason(frame, verdictsOnly)
	}
	return r
}

func (c *compiled) failReason(frame *interpreter.ExecutionFrame, verdictsOnly bool) string {
	if c.reason != nil && !verdictsOnly {
		if v, _, err := c.reason.Eval(frame); err == nil {
			if s, ok := v.(types.String); ok && s != "" {
				return string(s)
			}
		}
	}
	return c.check.Title
}

func evalBool(prg cel.Program, frame *interpreter.ExecutionFrame) (bool, error) {
	v, _, err := prg.Eval(frame)
	if err != nil {
		return false, err
	}
	b, ok := v.(types.Bool)
	if !ok {
		return false, fmt.Errorf("result is %s, not bool", v.Type())
	}
	return bool(b), nil
}

// activation binds the variables of one subject, adapted to CEL values
// once for all checks.
type activation struct {
	device, sources, findings, vulns, flows, remote, policy, now ref.Val
	verdictsOnly                                                 bool
}

// ResolveName returns the value of a variable.
func (a *activation) ResolveName(name string) (any, bool) {
	var v ref.Val
	switch name {
	case "device":
		v = a.device
	case "sources":
		v = a.sources
	case "findings":
		v = a.findings
	case "vulns":
		v = a.vulns
	case "flows":
		v = a.flows
	case "remote":
		v = a.remote
	case "policy":
		v = a.policy
	case "now":
		v = a.now
	}
	return v, v != nil
}

// Parent returns nil: the activation is the only scope.
func (a *activation) Parent() interpreter.Activation { return nil }
