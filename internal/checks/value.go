package checks

import (
	"fmt"
	"reflect"

	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"cel.dev/cel-go/interpreter"
)

// object is one of the subject's structs as a CEL value: a pointer to the
// Go struct, its CEL type, and the fields read so far as CEL values.
// cel-go's own adapter would box a copy of each list element on every
// access, and box a string or timestamp field again on every read; an
// object costs nothing to bind (it points into the subject) and each field
// once per device, however many checks read it.
type object[T any] struct {
	v      *T
	ot     *objectType
	fields []ref.Val // by field index (objectType.index); nil: not read yet
}

// objectType is what every object of one CEL type shares.
type objectType struct {
	typ      *types.Type
	provider types.Provider
	adapter  types.Adapter
	names    []string // the CEL field names, in the provider's order
}

var (
	_ traits.Indexer     = (*object[Flow])(nil)
	_ traits.FieldTester = (*object[Flow])(nil)
)

// fieldReader is an object as the provider's field getters see it.
type fieldReader interface {
	// field returns field i, read with get on first use.
	field(i int, get ref.FieldGetter) (any, error)
	// native returns the pointer to the Go struct.
	native() any
}

func (o *object[T]) field(i int, get ref.FieldGetter) (any, error) {
	if v := o.fields[i]; v != nil {
		return v, nil
	}
	raw, err := get(o.v)
	if err != nil {
		return nil, err
	}
	v := o.ot.adapter.NativeToValue(raw)
	o.fields[i] = v
	return v, nil
}

func (o *object[T]) native() any { return o.v }

// reset points o at v, forgetting the fields read from the previous one.
func (o *object[T]) reset(v *T) {
	o.v = v
	clear(o.fields)
}

// ConvertToNative returns the pointer or a copy of the struct.
func (o *object[T]) ConvertToNative(t reflect.Type) (any, error) {
	switch t {
	case reflect.TypeFor[*T]():
		return o.v, nil
	case reflect.TypeFor[T]():
		return *o.v, nil
	}
	return nil, fmt.Errorf("type conversion error from '%s' to '%v'", o.ot.typ, t)
}

// ConvertToType converts to the object's own type or to its type value.
func (o *object[T]) ConvertToType(t ref.Type) ref.Val {
	switch {
	case t == types.TypeType:
		return o.ot.typ
	case t.TypeName() == o.ot.typ.TypeName():
		return o
	}
	return types.NewErr("type conversion error from '%s' to '%s'", o.ot.typ, t)
}

// Equal compares the structs field by field.
func (o *object[T]) Equal(other ref.Val) ref.Val {
	p, ok := other.(*object[T])
	if !ok {
		return types.False
	}
	return types.Bool(reflect.DeepEqual(o.v, p.v))
}

// Type returns the object's CEL type.
func (o *object[T]) Type() ref.Type { return o.ot.typ }

// Value returns the object itself, which the provider's getters read.
func (o *object[T]) Value() any { return o }

// Get returns a field, for accesses the type checker could not resolve to
// a struct field (through dyn).
func (o *object[T]) Get(field ref.Val) ref.Val {
	ft, err := o.fieldType(field)
	if err != nil {
		return err
	}
	v, gerr := ft.GetFrom(o)
	if gerr != nil {
		return types.WrapErr(gerr)
	}
	return o.ot.adapter.NativeToValue(v)
}

// IsSet reports whether a field holds a non-zero value.
func (o *object[T]) IsSet(field ref.Val) ref.Val {
	ft, err := o.fieldType(field)
	if err != nil {
		return err
	}
	return types.Bool(ft.IsSet(o))
}

func (o *object[T]) fieldType(field ref.Val) (*types.FieldType, ref.Val) {
	name, ok := field.(types.String)
	if !ok {
		return nil, types.MaybeNoSuchOverloadErr(field)
	}
	ft, found := o.ot.provider.FindStructFieldType(o.ot.typ.TypeName(), string(name))
	if !found {
		return nil, types.NewErr("no such field: %s", name)
	}
	return ft, nil
}

// objects binds a slice of the subject's structs as a CEL list, reusing
// the buffers of the previous subject: one evaluation at a time.
type objects[T any] struct {
	ot    *objectType
	elems []object[T]
	vals  []ref.Val
}

// list returns xs as a CEL list of objects.
func (b *objects[T]) list(xs []T) ref.Val {
	if len(xs) > len(b.elems) {
		n := max(len(xs), 2*len(b.elems))
		nf := len(b.ot.names)
		fields := make([]ref.Val, n*nf)
		b.elems = make([]object[T], n)
		b.vals = make([]ref.Val, n)
		for i := range b.elems {
			b.elems[i] = object[T]{ot: b.ot, fields: fields[i*nf : (i+1)*nf : (i+1)*nf]}
			b.vals[i] = &b.elems[i]
		}
	}
	for i := range xs {
		b.elems[i].reset(&xs[i])
	}
	return types.NewRefValList(b.ot.adapter, b.vals[:len(xs)])
}

// forget drops the references to the last subject's structs.
func (b *objects[T]) forget() {
	for i := range b.elems {
		b.elems[i].reset(nil)
	}
}

// binder adapts one subject at a time to CEL values, reusing its buffers
// and its activation from one subject to the next, and holds the execution
// frame every program evaluates in. It serves one goroutine.
type binder struct {
	act      activation
	frame    *interpreter.ExecutionFrame
	policy   object[Policy]
	device   object[Device]
	remote   object[RemoteAccess]
	sources  objects[Source]
	findings objects[Finding]
	vulns    objects[Vuln]
	flows    objects[Flow]
}

func (p *Program) newBinder() *binder {
	t := p.types
	b := &binder{
		policy:   object[Policy]{ot: t.policy, fields: make([]ref.Val, len(t.policy.names))},
		device:   object[Device]{ot: t.device, fields: make([]ref.Val, len(t.device.names))},
		remote:   object[RemoteAccess]{ot: t.remote, fields: make([]ref.Val, len(t.remote.names))},
		sources:  objects[Source]{ot: t.source},
		findings: objects[Finding]{ot: t.finding},
		vulns:    objects[Vuln]{ot: t.vuln},
		flows:    objects[Flow]{ot: t.flow},
	}
	// Evaluating in one frame, rather than letting each Eval take one from
	// cel-go's pool for its activation, saves that work 50 times a device.
	// The frame stays with the binder.
	frame, err := interpreter.NewExecutionFrame(&b.act)
	if err != nil {
		panic(err) // not reached: an activation always makes a frame
	}
	b.frame = frame
	return b
}

// inputs binds what all subjects share: the policy (its fields are read
// once for all subjects) and the time.
func (b *binder) inputs(in *Inputs) {
	b.policy.reset(&in.Policy)
	b.act = activation{verdictsOnly: in.VerdictsOnly, policy: &b.policy, now: types.Timestamp{Time: in.Now}}
}

// bind points the activation at s.
func (b *binder) bind(s *Subject) {
	b.device.reset(&s.Device)
	b.remote.reset(&s.Remote)
	b.act.device, b.act.remote = &b.device, &b.remote
	b.act.sources = b.sources.list(s.Sources)
	b.act.findings = b.findings.list(s.Findings)
	b.act.vulns = b.vulns.list(s.Vulns)
	b.act.flows = b.flows.list(s.Flows)
}

// forget drops the binder's references to the last inputs and subject,
// so that a pooled binder keeps neither alive.
func (b *binder) forget() {
	b.policy.reset(nil)
	b.device.reset(nil)
	b.remote.reset(nil)
	b.sources.forget()
	b.findings.forget()
	b.vulns.forget()
	b.flows.forget()
	b.act = activation{}
}
