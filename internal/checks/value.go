package checks

import (
	"fmt"
	"reflect"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
	"cel.dev/cel-go/common/types/ref"
	"cel.dev/cel-go/common/types/traits"
	"cel.dev/cel-go/interpreter"
)

// object is one of the subject's structs as a CEL value: a pointer to the
// Go struct and its CEL type. Its Value is the pointer itself, the form
// cel-go's native field getters read at a fixed offset, so neither a
// field access nor a list element costs an allocation or reflection.
// cel-go's own adapter would box a copy of each list element on every
// access instead.
type object[T any] struct {
	v  *T
	ot *objectType
}

// objectType is what every object of one CEL type shares.
type objectType struct {
	typ      *types.Type
	provider types.Provider
	adapter  types.Adapter
}

var (
	_ traits.Indexer     = (*object[Flow])(nil)
	_ traits.FieldTester = (*object[Flow])(nil)
)

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

// Value returns the pointer to the Go struct.
func (o *object[T]) Value() any { return o.v }

// Get returns a field, for accesses the type checker could not resolve to
// a struct field (through dyn).
func (o *object[T]) Get(field ref.Val) ref.Val {
	ft, err := o.field(field)
	if err != nil {
		return err
	}
	v, gerr := ft.GetFrom(o.v)
	if gerr != nil {
		return types.WrapErr(gerr)
	}
	return o.ot.adapter.NativeToValue(v)
}

// IsSet reports whether a field holds a non-zero value.
func (o *object[T]) IsSet(field ref.Val) ref.Val {
	ft, err := o.field(field)
	if err != nil {
		return err
	}
	return types.Bool(ft.IsSet(o.v))
}

func (o *object[T]) field(field ref.Val) (*types.FieldType, ref.Val) {
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
	b.elems = b.elems[:0]
	b.vals = b.vals[:0]
	for i := range xs {
		b.elems = append(b.elems, object[T]{v: &xs[i], ot: b.ot})
	}
	for i := range b.elems {
		b.vals = append(b.vals, &b.elems[i])
	}
	return types.NewRefValList(b.ot.adapter, b.vals)
}

// objectTypes holds the CEL type of each of the subject's structs.
type objectTypes struct {
	device, source, finding, vuln, flow, remote, policy *objectType
}

func newObjectTypes(env *cel.Env) objectTypes {
	t := func(name string) *objectType {
		return &objectType{
			typ:      types.NewObjectType("checks." + name),
			provider: env.CELTypeProvider(),
			adapter:  env.CELTypeAdapter(),
		}
	}
	return objectTypes{
		device: t("Device"), source: t("Source"), finding: t("Finding"), vuln: t("Vuln"),
		flow: t("Flow"), remote: t("RemoteAccess"), policy: t("Policy"),
	}
}

// binder adapts one subject at a time to CEL values, reusing its buffers
// and its activation from one subject to the next, and holds the execution
// frame every program evaluates in. It serves one goroutine.
type binder struct {
	act      activation
	frame    *interpreter.ExecutionFrame
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
		device:   object[Device]{ot: t.device},
		remote:   object[RemoteAccess]{ot: t.remote},
		sources:  objects[Source]{ot: t.source},
		findings: objects[Finding]{ot: t.finding},
		vulns:    objects[Vuln]{ot: t.vuln},
		flows:    objects[Flow]{ot: t.flow},
	}
	// Evaluating in one frame, rather than letting each Eval take one from
	// cel-go's pool for its activation, saves that work 60 times a device.
	frame, err := interpreter.NewExecutionFrame(&b.act)
	if err != nil {
		panic(err) // not reached: an activation always makes a frame
	}
	b.frame = frame
	return b
}

// close returns the frame to cel-go's pool.
func (b *binder) close() { b.frame.Close() }

// policyObject is the policy as a CEL value, every field adapted once per
// evaluation: a list or map field would otherwise be adapted again on
// every access, once per device and check.
type policyObject struct {
	object[Policy]
	fields map[string]ref.Val // by CEL field name
}

// Value returns the policy object itself, which the provider's field
// getters recognise.
func (p *policyObject) Value() any { return p }

func newPolicyObject(ot *objectType, pol *Policy) (*policyObject, error) {
	p := &policyObject{object: object[Policy]{v: pol, ot: ot}, fields: map[string]ref.Val{}}
	names, _ := ot.provider.FindStructFieldNames(ot.typ.TypeName())
	for _, name := range names {
		ft, _ := ot.provider.FindStructFieldType(ot.typ.TypeName(), name)
		v, err := ft.GetFrom(pol)
		if err != nil {
			return nil, err
		}
		p.fields[name] = ot.adapter.NativeToValue(v)
	}
	return p, nil
}

// provider reads a policy object's fields from those it adapted once, and
// leaves every other type and field to cel-go's native types.
type provider struct {
	types.Provider
}

// FindStructFieldType returns the field's type and, for the policy, getters
// that know a policy object.
func (p provider) FindStructFieldType(structType, field string) (*types.FieldType, bool) {
	ft, ok := p.Provider.FindStructFieldType(structType, field)
	if !ok || structType != "checks.Policy" {
		return ft, ok
	}
	get, isSet := ft.GetFrom, ft.IsSet
	return &types.FieldType{
		Type:        ft.Type,
		IsJSONField: ft.IsJSONField,
		IsSet: func(obj any) bool {
			if po, ok := obj.(*policyObject); ok {
				obj = po.v
			}
			return isSet(obj)
		},
		GetFrom: func(obj any) (any, error) {
			if po, ok := obj.(*policyObject); ok {
				return po.fields[field], nil
			}
			return get(obj)
		},
	}, true
}
