// Command evaluate benchmarks control evaluation at hospital scale: it
// loads a generated hospital of -devices devices (its CMMS, CMDB and nmap
// files, its captured traffic, SBOMs, advisories and feeds) into a fresh
// SQLite store through the same services the binary uses, then evaluates
// every framework against every shipped check several times and prints
// how long each part took:
//
//	go run ./bench/evaluate -devices 100000 -runs 3
//
// Loading is not part of the measurement. The first run compiles the
// checks; the later ones reuse the compiled set, as a server does.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/assurance"
	"github.com/vigil-health/vigil/internal/binder"
	"github.com/vigil-health/vigil/internal/classify"
	"github.com/vigil-health/vigil/internal/compliance"
	"github.com/vigil-health/vigil/internal/discover"
	"github.com/vigil-health/vigil/internal/exposure"
	"github.com/vigil-health/vigil/internal/gen"
	"github.com/vigil-health/vigil/internal/ingest"
	"github.com/vigil-health/vigil/internal/inventory"
	"github.com/vigil-health/vigil/internal/store"
)

func main() {
	devices := flag.Int("devices", 100000, "devices in the generated hospital")
	runs := flag.Int("runs", 3, "evaluations to time")
	capture := flag.Bool("capture", true, "generate and load the hospital's traffic too (flows and findings)")
	dir := flag.String("dir", "", "work directory (default: a temporary one, removed after)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the timed runs to this file")
	binderOut := flag.Bool("binder", false, "after the runs, time the export of the HIPAA binder of the whole hospital (evaluation, inventory, plan; no evidence files)")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "evaluate:", err)
			os.Exit(1)
		}
		profile = f
	}
	if err := run(*devices, *runs, *capture, *dir, *binderOut); err != nil {
		fmt.Fprintln(os.Stderr, "evaluate:", err)
		os.Exit(1)
	}
}

// profile, when set, receives a CPU profile of the timed runs.
var profile *os.File

func run(n, runs int, withCapture bool, dir string, withBinder bool) error {
	ctx := context.Background()
	if dir == "" {
		d, err := os.MkdirTemp("", "vigil-bench-evaluate")
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
	extras := []gen.Extra{gen.Vulns{}}
	if withCapture {
		extras = append(extras, gen.Capture{})
	}
	if _, err := h.WriteFiles(dir, extras...); err != nil {
		return err
	}
	db, err := store.Open(ctx, store.Config{DSN: filepath.Join(dir, "vigil.db")})
	if err != nil {
		return err
	}
	defer db.Close()
	cls, err := classify.New()
	if err != nil {
		return err
	}
	// Loaded without an observer, so that loading evaluates nothing.
	exp := exposure.New(db, cls)
	inv := inventory.New(db, cls, exp)
	comp := compliance.New(db, cls)
	var snaps []*vigil.Snapshot
	for _, s := range []struct{ file, source, sheet string }{{gen.FileCMMS, gen.SourceCMMS, ""}, {gen.FileCMDB, gen.SourceCMDB, "cmdb_ci"}, {gen.FileNmap, gen.SourceNmap, ""}} {
		res, err := ingest.Read(ctx, filepath.Join(dir, s.file), ingest.Options{Sheet: s.sheet, Now: h.Now})
		if err != nil {
			return err
		}
		snaps = append(snaps, &vigil.Snapshot{Source: vigil.Source{Name: s.source, Kind: ingest.SourceKindOf(res.Format)}, Files: []string{s.file}, TakenAt: h.Now, Records: res.Records})
	}
	if _, err := inv.ImportBatch(ctx, vigil.SystemUser, snaps); err != nil {
		return err
	}
	if withCapture {
		opt := discover.Options{VendorOf: cls.Vendor}
		for _, nw := range h.Networks {
			if nw.Clinical {
				opt.ClinicalVLANs = append(opt.ClinicalVLANs, uint16(nw.VLAN))
			}
		}
		rep, err := discover.RunFiles(ctx, []string{filepath.Join(dir, gen.FileCapture)}, opt)
		if err != nil {
			return err
		}
		if _, err := inv.RecordDiscovery(ctx, vigil.SystemUser, []string{gen.FileCapture}, rep, true); err != nil {
			return err
		}
	}
	var files []exposure.FeedFile
	for _, sub := range []string{gen.DirSBOM, gen.DirAdvisories, gen.DirFeeds} {
		err := filepath.WalkDir(filepath.Join(dir, sub), func(p string, e os.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			defer f.Close()
			ff, err := exposure.ReadFeedFile(ctx, filepath.Base(p), f)
			files = append(files, ff)
			return err
		})
		if err != nil {
			return err
		}
	}
	fr, err := exp.ImportFeeds(ctx, vigil.SystemUser, files)
	if err != nil {
		return err
	}
	var segs []vigil.Segment
	for _, nw := range h.Networks {
		segs = append(segs, vigil.Segment{Name: nw.Name, CIDR: nw.Prefix.String(), VLAN: nw.VLAN, Clinical: nw.Clinical})
	}
	if err := comp.SetSegments(ctx, vigil.SystemUser, segs); err != nil {
		return err
	}
	if _, err := comp.InstallLibrary(ctx, vigil.SystemUser); err != nil {
		return err
	}
	count, err := db.CountDevices(ctx, nil)
	if err != nil {
		return err
	}
	fmt.Printf("loaded %d devices, %d matches (capture %v) in %v (not measured)\n", count.Total, fr.Matches, withCapture, time.Since(t0).Round(time.Millisecond))
	if profile != nil {
		pprof.StartCPUProfile(profile)
		defer pprof.StopCPUProfile()
	}
	for i := range runs {
		runtime.GC()
		t := time.Now()
		cr, err := comp.CheckDevices(ctx, nil)
		if err != nil {
			return err
		}
		checked := time.Since(t)
		runtime.GC()
		t = time.Now()
		evs, err := comp.Evaluate(ctx, vigil.SystemUser, compliance.EvalOptions{})
		if err != nil {
			return err
		}
		total := time.Since(t)
		controls, failing := 0, 0
		for _, ev := range evs {
			controls += len(ev.Controls)
		}
		for _, c := range cr.Checks {
			failing += c.Failed
		}
		fmt.Printf("run %d: %d devices x %d checks checked in %v (%.1f µs a device); evaluate (read the store, check every device, decide all %d controls of every framework): %v; %d failures\n",
			i+1, len(cr.Subjects), len(cr.Checks), checked.Round(time.Millisecond), float64(checked.Microseconds())/float64(max(1, len(cr.Subjects))),
			controls, total.Round(time.Millisecond), failing)
	}
	if withBinder {
		if _, err := assurance.New(db, exp).SyncPlan(ctx, vigil.SystemUser); err != nil {
			return err
		}
		key, err := binder.LoadOrCreateKey(filepath.Join(dir, "signing.key"))
		if err != nil {
			return err
		}
		runtime.GC()
		t := time.Now()
		res, err := comp.ExportBinder(ctx, vigil.SystemUser, compliance.BinderOptions{Framework: "hipaa", Path: filepath.Join(dir, "binder.zip"), Key: key, Hospital: "bench"})
		if err != nil {
			return err
		}
		took := time.Since(t)
		st, err := os.Stat(res.Path)
		if err != nil {
			return err
		}
		fmt.Printf("binder: hipaa of %d devices, %d plan items, %d MiB, exported (evaluation included) in %v\n", res.Devices, res.PlanItems, st.Size()>>20, took.Round(time.Millisecond))
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("heap in use at end %d MiB; GOMAXPROCS %d\n", ms.HeapInuse>>20, runtime.GOMAXPROCS(0))
	return nil
}
