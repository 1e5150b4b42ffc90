// Command discover-bench generates a mixed clinical capture with pcapgen and
// measures Vigil's passive discovery over it: packets/s, bytes/s and peak
// memory. run.sh drives it and compares with tshark.
//
//	go run ./bench/discover -gen /tmp/clinical.pcap -mb 200
//	go run ./bench/discover -run /tmp/clinical.pcap
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/vigil-health/vigil/internal/discover"
	"github.com/vigil-health/vigil/internal/pcapgen"
)

func main() {
	gen := flag.String("gen", "", "write a generated capture to this file")
	mb := flag.Int64("mb", 200, "size of the generated capture in MB")
	seed := flag.Int64("seed", 1, "generator seed")
	run := flag.String("run", "", "run discovery over this capture")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the run to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "discover-bench:", err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if err := Main(*gen, *mb, *seed, *run); err != nil {
		fmt.Fprintln(os.Stderr, "discover-bench:", err)
		os.Exit(1)
	}
}

// Main generates and/or measures.
func Main(gen string, mb, seed int64, run string) error {
	if gen != "" {
		f, err := os.Create(gen)
		if err != nil {
			return err
		}
		start := time.Now()
		err = pcapgen.Write(f, pcapgen.Options{Seed: seed, TargetBytes: mb << 20, Monitors: 40, Pumps: 60})
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		fmt.Printf("generated %s (%d MB) in %v\n", gen, mb, time.Since(start).Round(time.Millisecond))
	}
	if run == "" {
		return nil
	}
	start := time.Now()
	r, err := discover.RunFiles(context.Background(), []string{run}, discover.Options{ClinicalVLANs: []uint16{10}})
	if err != nil {
		return err
	}
	el := time.Since(start)
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	fmt.Printf("vigil: %d packets, %d bytes in %v: %.0f packets/s, %.1f MB/s; %d devices, %d flow summaries\n",
		r.Stats.Packets, r.Stats.Bytes, el.Round(time.Millisecond), float64(r.Stats.Packets)/el.Seconds(),
		float64(r.Stats.Bytes)/el.Seconds()/1e6, len(r.Devices), len(r.Flows))
	fmt.Printf("vigil: peak RSS %d MB, Go heap in use at end %d MB, %d GC cycles\n", ru.Maxrss/1024, ms.HeapInuse>>20, ms.NumGC)
	return nil
}
