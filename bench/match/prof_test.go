package main

import (
	"context"
	"testing"

	"github.com/vigil-health/vigil/internal/match"
)

func BenchmarkSmall(b *testing.B) {
	s := Scenario{CVEs: 20000, Devices: 3000, Seed: 1}
	vulns, dict := Corpus(s)
	targets := Devices(s, dict)
	for b.Loop() {
		ix := match.NewIndex(vulns, nil, match.Options{})
		ix.MatchAll(context.Background(), targets, 1)
	}
}
