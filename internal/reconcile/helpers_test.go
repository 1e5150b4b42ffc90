package reconcile

import (
	"testing"
	"time"

	"github.com/vigil-health/vigil"
)

// t0 is the time of the test imports.
var t0 = time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)

// batch builds the inputs of one source import.
type batch struct {
	t      testing.TB
	source string
	kind   vigil.SourceKind
	file   string
	next   int64
	at     time.Time
	out    *[]Input
}

func newBatch(t testing.TB, out *[]Input, source string, kind vigil.SourceKind, firstRef int64) *batch {
	return &batch{t: t, source: source, kind: kind, file: source + ".csv", next: firstRef, at: t0, out: out}
}

// add appends a record from field/value pairs; "mac" values may be in any
// notation and are normalised as the importer would.
func (b *batch) add(kv ...string) *batch {
	b.t.Helper()
	if len(kv)%2 != 0 {
		b.t.Fatalf("odd field list %v", kv)
	}
	f := make(map[string]string, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		v := kv[i+1]
		if kv[i] == vigil.FieldMAC && v != "" {
			m, err := vigil.NormalizeMAC(v)
			if err != nil {
				b.t.Fatal(err)
			}
			v = m
		}
		f[kv[i]] = v
	}
	line := int(b.next%1000) + 1
	*b.out = append(*b.out, Input{
		Ref: b.next, Source: b.source, Kind: b.kind,
		Record: &vigil.Record{Origin: vigil.Origin{File: b.file, Line: line}, ObservedAt: b.at, Fields: vigil.MakeFields(f)},
	})
	b.next++
	return b
}

// seen sets the observation time of the following records.
func (b *batch) seen(at time.Time) *batch { b.at = at; return b }

func mustResolve(t testing.TB, in []Input, ds []vigil.IdentityDecision, cfg Config) *Result {
	t.Helper()
	res, err := Resolve(in, ds, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// deviceOf returns the device holding a record ref.
func deviceOf(t testing.TB, res *Result, ref int64) *Device {
	t.Helper()
	for _, d := range res.Devices {
		for _, m := range d.Members {
			if m == ref {
				return d
			}
		}
	}
	t.Fatalf("record %d is in no device", ref)
	return nil
}

// ofKind keeps the discrepancies of some kinds.
func ofKind(ds []vigil.Discrepancy, kinds ...vigil.DiscrepancyKind) []vigil.Discrepancy {
	var out []vigil.Discrepancy
	for _, d := range ds {
		for _, k := range kinds {
			if d.Kind == k {
				out = append(out, d)
			}
		}
	}
	return out
}

// ceIT is the source configuration of most tests.
var ceIT = []SourceInfo{
	{Name: "cmms", Kind: vigil.SourceInventory, Role: vigil.SourceRoleClinicalEngineering},
	{Name: "cmdb", Kind: vigil.SourceInventory, Role: vigil.SourceRoleIT},
	{Name: "nmap", Kind: vigil.SourceScanner, Role: vigil.SourceRoleScanner},
}
