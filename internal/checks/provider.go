package checks

import (
	"slices"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
)

// structNames are the CEL names of the subject's structs.
func structNames() []string {
	return []string{"Device", "Source", "Finding", "Vuln", "Flow", "RemoteAccess", "Policy"}
}

// provider is cel-go's provider of the native types with field getters
// that read an object's fields through its cache (object.field).
type provider struct {
	types.Provider
	index map[string]map[string]int // struct type, field name: field index
}

// withObjects returns an environment option that installs the provider
// over the environment's own.
func withObjects() cel.EnvOption {
	return func(e *cel.Env) (*cel.Env, error) {
		base := e.CELTypeProvider()
		p := provider{Provider: base, index: map[string]map[string]int{}}
		for _, name := range structNames() {
			// Sorted: the index must not depend on the environment, whose
			// field names come in map order.
			names, _ := base.FindStructFieldNames("checks." + name)
			slices.Sort(names)
			idx := map[string]int{}
			for i, f := range names {
				idx[f] = i
			}
			p.index["checks."+name] = idx
		}
		return cel.CustomTypeProvider(p)(e)
	}
}

// FindStructFieldType returns the field's type, with getters that know an
// object.
func (p provider) FindStructFieldType(structType, field string) (*types.FieldType, bool) {
	ft, ok := p.Provider.FindStructFieldType(structType, field)
	i, ours := p.index[structType][field]
	if !ok || !ours {
		return ft, ok
	}
	get, isSet := ft.GetFrom, ft.IsSet
	return &types.FieldType{
		Type:        ft.Type,
		IsJSONField: ft.IsJSONField,
		IsSet: func(obj any) bool {
			if o, ok := obj.(fieldReader); ok {
				obj = o.native()
			}
			return isSet(obj)
		},
		GetFrom: func(obj any) (any, error) {
			if o, ok := obj.(fieldReader); ok {
				return o.field(i, get)
			}
			return get(obj)
		},
	}, true
}

// objectTypes holds the CEL type of each of the subject's structs.
type objectTypes struct {
	device, source, finding, vuln, flow, remote, policy *objectType
}

func newObjectTypes(env *cel.Env) objectTypes {
	t := func(name string) *objectType {
		names, _ := env.CELTypeProvider().FindStructFieldNames("checks." + name)
		return &objectType{
			typ:      types.NewObjectType("checks." + name),
			provider: env.CELTypeProvider(),
			adapter:  env.CELTypeAdapter(),
			names:    names,
		}
	}
	return objectTypes{
		device: t("Device"), source: t("Source"), finding: t("Finding"), vuln: t("Vuln"),
		flow: t("Flow"), remote: t("RemoteAccess"), policy: t("Policy"),
	}
}
