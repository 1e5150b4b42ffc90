package main

import (
	"context"
	"runtime"
	"testing"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/match"
)

// BenchmarkBuildIndex builds the index from 300,000 synthetic CVE records:
//
//	go test -run XXX -bench . -benchtime 1x -benchmem ./bench/match/
func BenchmarkBuildIndex(b *testing.B) {
	vulns, _ := Corpus(Scenario{CVEs: 300000, Seed: 1})
	b.ReportAllocs()
	for b.Loop() {
		match.NewIndex(vulns, nil, match.Options{})
	}
}

// BenchmarkMatchAll matches 100,000 synthetic devices against that index on
// all cores, streaming the results (MatchEach).
func BenchmarkMatchAll(b *testing.B) {
	s := Scenario{CVEs: 300000, Devices: 100000, Seed: 1}
	vulns, dict := Corpus(s)
	targets := Devices(s, dict)
	ix := match.NewIndex(vulns, nil, match.Options{})
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		err := ix.MatchEach(context.Background(), targets, runtime.NumCPU(), func(_ int, ms []vigil.VulnMatch) { n += len(ms) })
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(targets)), "devices")
}

// TestGenerated checks that the synthetic fleet does hit the corpus, so the
// benchmark measures real matching work.
func TestGenerated(t *testing.T) {
	s := Scenario{CVEs: 3000, Devices: 1000, Seed: 1}
	vulns, dict := Corpus(s)
	ix := match.NewIndex(vulns, nil, match.Options{})
	if ix.Skipped() != 0 {
		t.Errorf("%d criteria skipped", ix.Skipped())
	}
	res, err := ix.MatchAll(context.Background(), Devices(s, dict), 2)
	if err != nil {
		t.Fatal(err)
	}
	hit := 0
	for _, r := range res {
		if len(r) > 0 {
			hit++
		}
	}
	if hit < 100 || hit == len(res) {
		t.Errorf("%d of 1000 devices matched; the generator should give a mix", hit)
	}
}
