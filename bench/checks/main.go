// Command checks times the policy engine at hospital scale: it draws
// random devices, compiles every shipped check and evaluates them all, and
// prints the time each step took.
//
//	go run ./bench/checks [-n 100000] [-seed 1] [-runs 3]
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/vigil-health/vigil/internal/checks"
	"github.com/vigil-health/vigil/internal/checks/checkstest"
)

func main() {
	n := flag.Int("n", 100_000, "devices")
	seed := flag.Uint64("seed", 1, "random seed")
	runs := flag.Int("runs", 3, "evaluations to time")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the evaluations to this file")
	flag.Parse()
	if err := run(*n, *seed, *runs, *profile); err != nil {
		fmt.Fprintln(os.Stderr, "checks:", err)
		os.Exit(1)
	}
}

func run(n int, seed uint64, runs int, profile string) error {
	start := time.Now()
	subjects := checkstest.Subjects(seed, n)
	gen := time.Since(start)

	start = time.Now()
	cs, err := checks.Library()
	if err != nil {
		return err
	}
	p, err := checks.Compile(cs)
	if err != nil {
		return err
	}
	compile := time.Since(start)

	fmt.Printf("devices %d, checks %d, GOMAXPROCS %d, %s\n", n, len(cs), runtime.GOMAXPROCS(0), runtime.Version())
	fmt.Printf("generate  %8.1f ms\n", ms(gen))
	fmt.Printf("compile   %8.1f ms  (parse and compile the library)\n", ms(compile))
	in := checks.Inputs{Policy: checkstest.Policy(), Now: checkstest.Now()}
	if profile != "" {
		f, err := os.Create(profile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	for r := range 2 * runs {
		in.VerdictsOnly = r >= runs
		counts := map[checks.Status]int{}
		cpu0, sys0 := cpuTime()
		start = time.Now()
		p.Evaluate(subjects, in, func(_ int, results []checks.Result) {
			for _, x := range results {
				counts[x.Status]++
			}
		})
		d := time.Since(start)
		cpu, sys := cpuTime()
		cpu, sys = cpu-cpu0, sys-sys0
		what := "evaluate"
		if in.VerdictsOnly {
			what = "verdicts"
		}
		fmt.Printf("%-9s %8.1f ms  %6.0f ns/device  cpu %8.1f ms (sys %6.1f)  pass %d fail %d n/a %d error %d\n",
			what, ms(d), float64(d.Nanoseconds())/float64(n), ms(cpu), ms(sys),
			counts[checks.StatusPass], counts[checks.StatusFail], counts[checks.StatusNotApplicable], counts[checks.StatusError])
	}
	return nil
}

// cpuTime returns the CPU time (user and system) and the system time the
// process has used: on a shared machine it shows what the evaluation cost
// when the wall clock also counts other programs' work, and the system
// time shows the kernel's part (page faults while the heap grows).
func cpuTime() (total, sys time.Duration) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), time.Duration(ru.Stime.Nano())
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
