// Command reconcile-bench generates a hospital of devices seen by three
// sources (a CMMS, a CMDB and the passive capture) with realistic overlaps
// and conflicts, then times reconcile.Resolve and Result.Discrepancies and
// reports the heap they needed.
//
//	go run ./bench/reconcile -devices 100000
//	go run ./bench/reconcile -gen -devices 146000   # internal/gen's hospital, as bench/import reads it
//	go build -o /tmp/rbench ./bench/reconcile && /usr/bin/time -v /tmp/rbench   # peak RSS
//
// -provenance all|chosen|none sets Config.Provenance (the store's import
// path needs only "none"); -again times a second run whose records carry
// the device ids of a first, untimed one, as every import after the first.
//
// -hash prints a SHA-256 of the whole output (devices with provenance,
// conflicts, id changes, discrepancies), outside the timed part, to check
// that a change to the package left the output alone.
package main

import (
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/gen"
	"github.com/vigil-health/vigil/internal/reconcile"
)

func main() {
	devices := flag.Int("devices", 100000, "devices in the generated hospital")
	seed := flag.Uint64("seed", 1, "random seed")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the timed part to this file")
	memprofile := flag.String("memprofile", "", "write a heap profile, taken with the result and discrepancies live, to this file")
	useGen := flag.Bool("gen", false, "use internal/gen's hospital (cmms, cmdb, nmap) instead of this command's")
	hash := flag.Bool("hash", false, "print a SHA-256 of the whole output after timing")
	prov := flag.String("provenance", "all", "provenance kept per device: all, chosen or none")
	again := flag.Bool("again", false, "time a second run, with the device ids of a first one")
	flag.Parse()
	levels := map[string]reconcile.ProvenanceDetail{"all": reconcile.ProvenanceAll, "chosen": reconcile.ProvenanceChosen, "none": reconcile.ProvenanceNone}
	level, ok := levels[*prov]
	if !ok {
		fmt.Fprintln(os.Stderr, "reconcile-bench: -provenance must be all, chosen or none")
		os.Exit(2)
	}
	if err := run(*devices, *seed, *cpuprofile, *memprofile, *useGen, *hash, *again, level); err != nil {
		fmt.Fprintln(os.Stderr, "reconcile-bench:", err)
		os.Exit(1)
	}
}

func run(devices int, seed uint64, cpuprofile, memprofile string, useGen, hash, again bool, level reconcile.ProvenanceDetail) error {
	in, sources, now := Generate(Scenario{Devices: devices, Seed: seed}), Sources(), Now()
	if useGen {
		var err error
		if in, sources, now, err = genInputs(devices, int64(seed)); err != nil {
			return err
		}
	}
	cfg := reconcile.Config{Sources: sources, Provenance: level}
	if again {
		first, err := reconcile.Resolve(in, nil, reconcile.Config{Sources: sources, Provenance: reconcile.ProvenanceNone})
		if err != nil {
			return fmt.Errorf("resolve: %w", err)
		}
		first.CarryIDs(in)
		cfg.NextID = first.NextID
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	// Sample the live heap while resolving, for its peak.
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				runtime.ReadMemStats(&ms)
				if ms.HeapAlloc > peak.Load() {
					peak.Store(ms.HeapAlloc)
				}
			}
		}
	}()

	if cpuprofile != "" {
		f, err := os.Create(cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	cpu0 := cpuTime()
	start := time.Now()
	res, err := reconcile.Resolve(in, nil, cfg)
	if err != nil {
		return fmt.Errorf("resolve: %w", err)
	}
	resolved := time.Since(start)
	ds := res.Discrepancies(reconcile.DiscrepancyOptions{Now: now, StaleDays: 30})
	total := time.Since(start)
	cpu := cpuTime() - cpu0
	pprof.StopCPUProfile()
	close(stop)
	<-done

	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if memprofile != "" {
		f, err := os.Create(memprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		runtime.GC()
		if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
			return err
		}
	}
	kinds := make(map[string]int)
	for _, d := range ds {
		kinds[string(d.Kind)]++
	}
	fmt.Printf("records %d  devices %d  conflicts %d  id changes %d\n", len(in), len(res.Devices), len(res.Conflicts), len(res.IDChanges))
	fmt.Printf("discrepancies %d  %v\n", len(ds), kinds)
	fmt.Printf("resolve %v  discrepancies %v  total %v  (GOMAXPROCS %d)\n",
		resolved.Round(time.Millisecond), (total - resolved).Round(time.Millisecond), total.Round(time.Millisecond), runtime.GOMAXPROCS(0))
	fmt.Printf("CPU time (user+system, all threads incl. GC) %v\n", cpu.Round(time.Millisecond))
	fmt.Printf("heap before %d MiB  peak sampled %d MiB  after %d MiB  allocated %d MiB\n",
		before.HeapAlloc>>20, peak.Load()>>20, after.HeapAlloc>>20, (after.TotalAlloc-before.TotalAlloc)>>20)
	if hash {
		h := sha256.New()
		enc := json.NewEncoder(h)
		if err := enc.Encode(res); err != nil {
			return err
		}
		if err := enc.Encode(ds); err != nil {
			return err
		}
		fmt.Printf("output sha256 %x\n", h.Sum(nil))
	}
	return nil
}

// genInputs returns the records of internal/gen's hospital, the data
// bench/import reads from files, with refs from 1 in source order.
func genInputs(devices int, seed int64) ([]reconcile.Input, []reconcile.SourceInfo, time.Time, error) {
	h, err := gen.Generate(gen.Options{Seed: seed, Devices: devices})
	if err != nil {
		return nil, nil, time.Time{}, err
	}
	sources := []reconcile.SourceInfo{
		{Name: gen.SourceCMMS, Kind: vigil.SourceInventory, Role: vigil.SourceRoleClinicalEngineering},
		{Name: gen.SourceCMDB, Kind: vigil.SourceInventory, Role: vigil.SourceRoleIT},
		{Name: gen.SourceNmap, Kind: vigil.SourceScanner, Role: vigil.SourceRoleScanner},
	}
	recs := h.Records()
	var in []reconcile.Input
	for _, s := range sources {
		for _, r := range recs[s.Name] {
			in = append(in, reconcile.Input{Ref: int64(len(in) + 1), Source: s.Name, Kind: s.Kind, Record: r})
		}
	}
	return in, sources, h.Now, nil
}

// cpuTime returns the CPU time the process has used, which a busy shared
// machine does not inflate the way it inflates wall-clock time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
