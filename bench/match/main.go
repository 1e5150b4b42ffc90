// Command match benchmarks Vigil's vulnerability matcher on an NVD-sized
// synthetic corpus: it builds the index from about 300,000 CVE records and
// matches 100,000 devices, printing times, match counts and memory.
//
//	go run ./bench/match -cves 300000 -devices 100000
//	/usr/bin/time -v go run ./bench/match   # for the peak resident set
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/match"
)

func main() {
	cves := flag.Int("cves", 300000, "CVE records to synthesise")
	devices := flag.Int("devices", 100000, "devices to match")
	workers := flag.Int("workers", runtime.NumCPU(), "matching goroutines")
	seed := flag.Uint64("seed", 1, "generator seed")
	flag.Parse()
	if err := run(Scenario{CVEs: *cves, Devices: *devices, Seed: *seed}, *workers); err != nil {
		fmt.Fprintln(os.Stderr, "bench/match:", err)
		os.Exit(1)
	}
}

func run(s Scenario, workers int) error {
	t0 := time.Now()
	vulns, dict := Corpus(s)
	targets := Devices(s, dict)
	matches := 0
	for _, v := range vulns {
		for _, c := range v.Configurations {
			for _, n := range c.Nodes {
				matches += len(n.Matches)
			}
		}
	}
	fmt.Printf("generated %d CVEs (%d CPE criteria) and %d devices in %v\n", len(vulns), matches, len(targets), time.Since(t0).Round(time.Millisecond))

	t1 := time.Now()
	ix := match.NewIndex(vulns, nil, match.Options{})
	build := time.Since(t1)
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	fmt.Printf("index: %d vulnerabilities, %d skipped, built in %v; live heap %d MiB\n", ix.Len(), ix.Skipped(), build.Round(time.Millisecond), ms.HeapAlloc>>20)

	// MatchEach streams each device's matches, as the store would take
	// them, so memory measures the matcher rather than 10 million results.
	t2 := time.Now()
	total, hit := 0, 0
	err := ix.MatchEach(context.Background(), targets, workers, func(_ int, ms []vigil.VulnMatch) {
		total += len(ms)
		if len(ms) > 0 {
			hit++
		}
	})
	if err != nil {
		return err
	}
	dur := time.Since(t2)
	runtime.ReadMemStats(&ms)
	fmt.Printf("matched %d devices on %d workers in %v (%.1f µs/device): %d matches, %d devices affected\n",
		len(targets), workers, dur.Round(time.Millisecond), float64(dur.Microseconds())/float64(len(targets)), total, hit)
	fmt.Printf("build + match: %v; total allocated %d MiB, heap from OS %d MiB\n", (build + dur).Round(time.Millisecond), ms.TotalAlloc>>20, ms.HeapSys>>20)
	return nil
}
