package checks

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"
)

// filled returns a T with every field set to a value of its own, so that
// reading the wrong field shows.
func filled[T any](seed int) T {
	var x T
	v := reflect.ValueOf(&x).Elem()
	for i := range v.NumField() {
		f, n := v.Field(i), seed*100+i+1
		switch f.Kind() {
		case reflect.String:
			f.SetString(strings.Repeat("x", n%7+1) + v.Type().Field(i).Name)
		case reflect.Bool:
			f.SetBool(n%2 == 0)
		case reflect.Int64:
			f.SetInt(int64(n))
		case reflect.Float64:
			f.SetFloat(float64(n) / 8)
		case reflect.Struct: // time.Time
			f.Set(reflect.ValueOf(time.Date(2026, 1, n%28+1, n%24, 0, 0, 0, time.UTC)))
		case reflect.Slice: // []string
			f.Set(reflect.ValueOf([]string{"a", v.Type().Field(i).Name}))
		case reflect.Map: // map[string]int64
			f.Set(reflect.ValueOf(map[string]int64{"high": int64(n)}))
		}
	}
	return x
}

// TestObjectFields reads every field of every struct of the subject through
// Vigil's binding and through cel-go's own adaptation of the Go values, and
// wants the same values, read twice (the second time from the cache).
func TestObjectFields(t *testing.T) {
	s := &Subject{
		Device:   filled[Device](1),
		Sources:  []Source{filled[Source](2), filled[Source](3)},
		Findings: []Finding{filled[Finding](4), filled[Finding](5)},
		Vulns:    []Vuln{filled[Vuln](6), filled[Vuln](7)},
		Flows:    []Flow{filled[Flow](8), filled[Flow](9)},
		Remote:   filled[RemoteAccess](10),
	}
	in := Inputs{Policy: filled[Policy](11), Now: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)}
	env, err := newEnv()
	if err != nil {
		t.Fatal(err)
	}
	p, err := Compile(nil)
	if err != nil {
		t.Fatal(err)
	}
	b := p.binder(&in)
	defer p.release(b)
	b.bind(s)
	native := map[string]any{
		"device": &s.Device, "sources": s.Sources, "findings": s.Findings, "vulns": s.Vulns,
		"flows": s.Flows, "remote": &s.Remote, "policy": &in.Policy, "now": in.Now,
	}
	for _, x := range []struct {
		prefix string
		typ    reflect.Type
	}{
		{"device", reflect.TypeFor[Device]()}, {"remote", reflect.TypeFor[RemoteAccess]()},
		{"policy", reflect.TypeFor[Policy]()}, {"sources[1]", reflect.TypeFor[Source]()},
		{"findings[1]", reflect.TypeFor[Finding]()}, {"vulns[1]", reflect.TypeFor[Vuln]()},
		{"flows[1]", reflect.TypeFor[Flow]()},
	} {
		for i := range x.typ.NumField() {
			name, _, _ := strings.Cut(x.typ.Field(i).Tag.Get("json"), ",")
			src := x.prefix + "." + name
			ast, iss := env.Compile(src)
			if iss.Err() != nil {
				t.Fatalf("%s: %v", src, iss.Err())
			}
			prg, err := env.Program(ast, cel.EvalOptions(cel.OptOptimize))
			if err != nil {
				t.Fatal(err)
			}
			want, _, err := prg.Eval(native)
			if err != nil {
				t.Fatalf("%s: %v", src, err)
			}
			for range 2 {
				got, _, err := prg.Eval(b.frame)
				if err != nil {
					t.Fatalf("%s: %v", src, err)
				}
				if got.Equal(want) != types.True {
					t.Errorf("%s = %v, want %v", src, got, want)
				}
			}
			hasPrg := mustProgram(t, env, "has("+src+")")
			want, _, _ = hasPrg.Eval(native)
			if got, _, err := hasPrg.Eval(b.frame); err != nil || got != want {
				t.Errorf("has(%s) = %v, %v; want %v", src, got, err, want)
			}
		}
	}
}

func mustProgram(t *testing.T, env *cel.Env, src string) cel.Program {
	t.Helper()
	ast, iss := env.Compile(src)
	if iss.Err() != nil {
		t.Fatalf("%s: %v", src, iss.Err())
	}
	prg, err := env.Program(ast)
	if err != nil {
		t.Fatal(err)
	}
	return prg
}
