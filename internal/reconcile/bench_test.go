package reconcile

import (
	"testing"
)

// benchDevices sizes the benchmarks' hospital: about 57,000 records, enough
// for the devices to be built in two halves.
const benchDevices = 30000

// BenchmarkResolve times Resolve on internal/gen's hospital, first import:
//
//	go test -run XXX -bench . -benchmem ./internal/reconcile/
func BenchmarkResolve(b *testing.B) {
	in, _ := hospitalInputs(b, benchDevices, 1)
	for _, level := range []struct {
		name string
		p    ProvenanceDetail
	}{{"all", ProvenanceAll}, {"none", ProvenanceNone}} {
		b.Run(level.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				mustResolve(b, in, nil, Config{Sources: genSources, Provenance: level.p})
			}
			b.ReportMetric(float64(len(in)), "records")
		})
	}
}

// BenchmarkResolveAgain times Resolve on records that carry the device ids
// of a previous run, as every import after the first.
func BenchmarkResolveAgain(b *testing.B) {
	in, _ := hospitalInputs(b, benchDevices, 1)
	first := mustResolve(b, in, nil, Config{Sources: genSources})
	first.CarryIDs(in)
	b.ReportAllocs()
	for b.Loop() {
		mustResolve(b, in, nil, Config{Sources: genSources, NextID: first.NextID})
	}
}

// BenchmarkDiscrepancies times Result.Discrepancies on the same hospital.
func BenchmarkDiscrepancies(b *testing.B) {
	in, now := hospitalInputs(b, benchDevices, 1)
	res := mustResolve(b, in, nil, Config{Sources: genSources})
	b.ReportAllocs()
	for b.Loop() {
		res.Discrepancies(DiscrepancyOptions{Now: now})
	}
}
