// Command import measures Vigil's whole inventory path at hospital scale:
// it generates a demo hospital of N devices (three sources: a CMMS CSV, a
// CMDB workbook and an nmap scan, about N rows each), then times reading each
// file with the real importers and recording each as one snapshot in a fresh
// SQLite store (diff, reconciliation of every source's records, device
// versions, audit events, discrepancies), and reports peak memory.
//
//	go run ./bench/import -devices 100000
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"sync"
	"syscall"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/classify"
	"github.com/vigil-health/vigil/internal/exposure"
	"github.com/vigil-health/vigil/internal/gen"
	"github.com/vigil-health/vigil/internal/ingest"
	"github.com/vigil-health/vigil/internal/inventory"
	"github.com/vigil-health/vigil/internal/store"
)

func main() {
	devices := flag.Int("devices", 100000, "devices in the generated hospital")
	dir := flag.String("dir", "", "work directory (default: a temporary one, removed after)")
	dsn := flag.String("db", "", "store (default: a fresh SQLite file in the work directory)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the measured part to this file")
	memprofile := flag.String("memprofile", "", "write a heap profile taken after the measured part to this file")
	peakprofile := flag.String("peakprofile", "", "write a heap profile of live memory taken near the measured part's peak to this file")
	again := flag.Bool("again", false, "with -batch: import the same snapshots a second time, as a daily sync with no change would")
	perSource := flag.Int("per-source", 0, "cut each generated file to its first N rows, so that each source gives exactly N (-devices must be large enough: about 3.2 devices per scanned host)")
	batch := flag.Bool("batch", false, "record the three snapshots in one transaction with one reconciliation (ImportBatch) instead of one import each")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench/import:", err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if *peakprofile != "" {
		stop := watchPeak(*peakprofile)
		defer stop()
	}
	if err := run(*devices, *perSource, *dir, *dsn, *batch, *again); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "bench/import:", err)
		os.Exit(1)
	}
	if *memprofile != "" {
		if f, err := os.Create(*memprofile); err == nil {
			pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}
	}
}

func run(n, perSource int, dir, dsn string, batch, again bool) error {
	ctx := context.Background()
	if dir == "" {
		d, err := os.MkdirTemp("", "vigil-bench-import")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	t0 := time.Now()
	h, err := gen.Generate(gen.Options{Seed: 1, Devices: n})
	if err != nil {
		return err
	}
	if _, err := h.WriteFiles(dir); err != nil {
		return err
	}
	if perSource > 0 {
		if err := trimFiles(dir, perSource); err != nil {
			return err
		}
	}
	fmt.Printf("generated %d devices in %v (not part of the measurement)\n", n, time.Since(t0).Round(time.Millisecond))
	now := h.Now
	h = nil
	runtime.GC()
	debug.FreeOSMemory()
	resetPeakRSS()
	if dsn == "" {
		dsn = filepath.Join(dir, "vigil.db")
	}
	db, err := store.Open(ctx, store.Config{DSN: dsn})
	if err != nil {
		return err
	}
	closed := false
	defer func() {
		if !closed {
			db.Close()
		}
	}()
	runtime.GC()
	start, cpu0 := time.Now(), cpuTime()
	// Wired as cmd/vigil wires it: the import re-matches through exposure; the
	// classifier is built inside the timing, as the import built it before.
	cls, err := classify.New()
	if err != nil {
		return err
	}
	inv := inventory.New(db, cls, exposure.New(db, cls))
	var rows int
	var snaps []*vigil.Snapshot
	var readWall time.Duration
	sources := []struct {
		file, source, role, sheet string
		kind                      vigil.SourceKind
	}{
		{gen.FileCMMS, gen.SourceCMMS, "clinical-engineering", "", vigil.SourceInventory},
		{gen.FileCMDB, gen.SourceCMDB, "it", "cmdb_ci", vigil.SourceInventory},
		{gen.FileNmap, gen.SourceNmap, "scanner", "", vigil.SourceScanner},
	}
	// With -batch the files are read concurrently, one per core, as
	// `vigil import --batch` reads them; otherwise one after the other,
	// each imported before the next is read.
	results := make([]*ingest.Result, len(sources))
	took := make([]time.Duration, len(sources))
	errs := make([]error, len(sources))
	read := func(i int) {
		t := time.Now()
		results[i], errs[i] = ingest.Read(ctx, filepath.Join(dir, sources[i].file), ingest.Options{Sheet: sources[i].sheet, Now: now})
		took[i] = time.Since(t)
	}
	if batch {
		t := time.Now()
		sem := make(chan struct{}, runtime.GOMAXPROCS(0))
		var wg sync.WaitGroup
		for i := range sources {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				read(i)
			}()
		}
		wg.Wait()
		readWall = time.Since(t)
	}
	for i, s := range sources {
		if !batch {
			read(i)
		}
		if errs[i] != nil {
			return errs[i]
		}
		res := results[i]
		rows += len(res.Records)
		snap := &vigil.Snapshot{Source: vigil.Source{Name: s.source, Kind: s.kind, Role: s.role}, Files: []string{s.file}, TakenAt: now, Records: res.Records}
		if batch {
			fmt.Printf("%-5s %7d rows: read %8v\n", s.source, len(res.Records), took[i].Round(time.Millisecond))
			snaps = append(snaps, snap)
			continue
		}
		t := time.Now()
		ir, err := inv.Import(ctx, vigil.SystemUser, snap)
		if err != nil {
			return err
		}
		fmt.Printf("%-5s %7d rows: read %8v  import+reconcile %8v  (%d devices after)\n", s.source, len(res.Records), took[i].Round(time.Millisecond), time.Since(t).Round(time.Millisecond), ir.Devices)
	}
	results = nil
	if batch {
		fmt.Printf("read the 3 files concurrently: %v\n", readWall.Round(time.Millisecond))
	}
	if batch {
		t := time.Now()
		res, err := inv.ImportBatch(ctx, vigil.SystemUser, snaps)
		if err != nil {
			return err
		}
		fmt.Printf("batch import+reconcile of 3 sources: %v (%d devices)\n", time.Since(t).Round(time.Millisecond), res[0].Devices)
		if again {
			// The next day's sync: the same files again, nothing changed.
			// Its own peak is measured from the memory the snapshots
			// hold, as in a process that had just read the files.
			firstPeak := peakRSS()
			debug.FreeOSMemory()
			resetPeakRSS()
			t := time.Now()
			res, err := inv.ImportBatch(ctx, vigil.SystemUser, snaps)
			if err != nil {
				return err
			}
			fmt.Printf("re-import of the same 3 sources (a sync with no change): %v (%d added, %d changed, %d removed); its peak RSS %s (the first import's %s)\n",
				time.Since(t).Round(time.Millisecond), res[0].Added+res[1].Added+res[2].Added, res[0].Changed+res[1].Changed+res[2].Changed, res[0].Removed+res[1].Removed+res[2].Removed,
				peakRSS(), firstPeak)
		}
	}
	total := time.Since(start)
	engine := db.Engine()
	// The store folds SQLite's write-ahead log into the database file in
	// the background after a commit; closing waits for that, so the time
	// to a closed, fully checkpointed database is reported too.
	closed = true
	if err := db.Close(); err != nil {
		return err
	}
	withClose := time.Since(start)
	fmt.Printf("total: %d rows from 3 sources in %v (%.0f rows/s); %v with the checkpoint and close; CPU %v; peak RSS %s; engine %s; GOMAXPROCS %d\n",
		rows, total.Round(time.Millisecond), float64(rows)/total.Seconds(), withClose.Round(time.Millisecond), (cpuTime() - cpu0).Round(time.Millisecond), peakRSS(), engine, runtime.GOMAXPROCS(0))
	return nil
}

// cpuTime is the process's user plus system CPU time so far: on a shared
// machine it is steadier than the wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// resetPeakRSS starts the high-water mark again (Linux: clear_refs 5), so
// the generator's memory is not counted.
func resetPeakRSS() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS reads the process's high-water resident set size (Linux).
func peakRSS() string {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "unknown"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:"))
		}
	}
	return "unknown"
}

// watchPeak samples the live heap every 50 ms and, each time it reaches a new
// high, writes a heap profile to path, so the file ends up describing the
// memory held near the peak. The returned function stops the watch.
func watchPeak(path string) func() {
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		var high uint64
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc <= high+high/20 {
				continue
			}
			high = ms.HeapAlloc
			if f, err := os.Create(path); err == nil {
				pprof.Lookup("heap").WriteTo(f, 0)
				f.Close()
			}
		}
	}()
	return func() { close(done); <-stopped }
}
