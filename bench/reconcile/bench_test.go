package main

import (
	"testing"

	"github.com/vigil-health/vigil/internal/reconcile"
)

// BenchmarkResolve times Resolve and Discrepancies on 100,000 generated
// devices (about 240,000 records):
//
//	go test -run XXX -bench Resolve -benchmem ./bench/reconcile/
func BenchmarkResolve(b *testing.B) {
	in := Generate(Scenario{Devices: 100000, Seed: 1})
	now := Now()
	b.ReportAllocs()
	for b.Loop() {
		res, err := reconcile.Resolve(in, nil, reconcile.Config{Sources: Sources()})
		if err != nil {
			b.Fatal(err)
		}
		res.Discrepancies(reconcile.DiscrepancyOptions{Now: now})
	}
	b.ReportMetric(float64(len(in)), "records")
}

// TestGenerate checks the generator yields the overlaps the benchmark claims.
func TestGenerate(t *testing.T) {
	in := Generate(Scenario{Devices: 2000, Seed: 1})
	res, err := reconcile.Resolve(in, nil, reconcile.Config{Sources: Sources()})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(res.Devices); n < 2000 || n > 2300 {
		t.Errorf("got %d devices for 2000 generated", n)
	}
}
