package checks_test

import (
	"runtime"
	"testing"

	"github.com/vigil-health/vigil/internal/checks"
	"github.com/vigil-health/vigil/internal/checks/checkstest"
)

func compileLibrary(tb testing.TB) (*checks.Program, []*checks.Check) {
	tb.Helper()
	cs, err := checks.Library()
	if err != nil {
		tb.Fatal(err)
	}
	p, err := checks.Compile(cs)
	if err != nil {
		tb.Fatal(err)
	}
	return p, cs
}

// BenchmarkEvaluate times every shipped check on random devices, in
// parallel across GOMAXPROCS workers as Evaluate runs them; one op is one
// device.
func BenchmarkEvaluate(b *testing.B) {
	p, _ := compileLibrary(b)
	subjects := checkstest.Subjects(1, 10_000)
	for _, verdictsOnly := range []bool{false, true} {
		name := "reasons"
		if verdictsOnly {
			name = "verdicts"
		}
		b.Run(name, func(b *testing.B) {
			in := checks.Inputs{Policy: checkstest.Policy(), Now: checkstest.Now(), VerdictsOnly: verdictsOnly}
			b.ReportAllocs()
			for done := 0; done < b.N; {
				n := min(b.N-done, len(subjects))
				p.Evaluate(subjects[:n], in, func(int, []checks.Result) {})
				done += n
			}
			b.ReportMetric(float64(runtime.GOMAXPROCS(0)), "workers")
		})
	}
}

// BenchmarkDesign compares the ways of giving CEL a subject, on one core,
// one op being one device against every shipped check:
//
//   - native: Go structs as CEL native types, each struct and list element
//     bound once per device as a pointer, in one activation and execution
//     frame (the design Evaluate uses);
//   - native-mapvars: the same types adapted by cel-go (each list element
//     copied and adapted on every access) through its map activation;
//   - maps: the subject converted to maps of dyn values (no field type
//     checking), conversion included.
func BenchmarkDesign(b *testing.B) {
	p, cs := compileLibrary(b)
	subjects := checkstest.Subjects(2, 1000)
	in := checks.Inputs{Policy: checkstest.Policy(), Now: checkstest.Now()}
	b.Run("native", func(b *testing.B) {
		b.ReportAllocs()
		for i := range b.N {
			p.EvaluateOne(subjects[i%len(subjects)], in)
		}
	})
	native, err := checks.NewNativeEnv()
	if err != nil {
		b.Fatal(err)
	}
	nps, err := checks.CompileAlt(native, cs)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("native-mapvars", func(b *testing.B) {
		b.ReportAllocs()
		for i := range b.N {
			if _, err := checks.EvalAlt(nps, checks.NativeMap(subjects[i%len(subjects)], in)); err != nil {
				b.Fatal(err)
			}
		}
	})
	menv, err := checks.NewMapEnv()
	if err != nil {
		b.Fatal(err)
	}
	mps, err := checks.CompileAlt(menv, cs)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("maps", func(b *testing.B) {
		b.ReportAllocs()
		for i := range b.N {
			if _, err := checks.EvalAlt(mps, checks.SubjectMap(subjects[i%len(subjects)], in)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
