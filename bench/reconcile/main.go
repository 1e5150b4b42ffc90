// Command reconcile-bench generates a hospital of devices seen by three
// sources (a CMMS, a CMDB and the passive capture) with realistic overlaps
// and conflicts, then times reconcile.Resolve and Result.Discrepancies and
// reports the heap they needed.
//
//	go run ./bench/reconcile -devices 100000
//	/usr/bin/time -v go run ./bench/reconcile   # for the peak RSS of the whole process
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/vigil-health/vigil/internal/reconcile"
)

func main() {
	devices := flag.Int("devices", 100000, "devices in the generated hospital")
	seed := flag.Uint64("seed", 1, "random seed")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the timed part to this file")
	flag.Parse()
	if err := run(*devices, *seed, *cpuprofile); err != nil {
		fmt.Fprintln(os.Stderr, "reconcile-bench:", err)
		os.Exit(1)
	}
}

func run(devices int, seed uint64, cpuprofile string) error {
	in := Generate(Scenario{Devices: devices, Seed: seed})
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
	res, err := reconcile.Resolve(in, nil, reconcile.Config{Sources: Sources()})
	if err != nil {
		return fmt.Errorf("resolve: %w", err)
	}
	resolved := time.Since(start)
	ds := res.Discrepancies(reconcile.DiscrepancyOptions{Now: Now(), StaleDays: 30})
	total := time.Since(start)
	cpu := cpuTime() - cpu0
	pprof.StopCPUProfile()
	close(stop)
	<-done

	var after runtime.MemStats
	runtime.ReadMemStats(&after)
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
	return nil
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
