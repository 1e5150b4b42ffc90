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
	"time"

	"github.com/vigil-health/vigil/internal/checks"
	"github.com/vigil-health/vigil/internal/checks/checkstest"
)

func main() {
	n := flag.Int("n", 100_000, "devices")
	seed := flag.Uint64("seed", 1, "random seed")
	runs := flag.Int("runs", 3, "evaluations to time")
	flag.Parse()
	if err := run(*n, *seed, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "checks:", err)
		os.Exit(1)
	}
}

func run(n int, seed uint64, runs int) error {
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
	for r := range runs {
		counts := map[checks.Status]int{}
		start = time.Now()
		p.Evaluate(subjects, in, func(_ int, results []checks.Result) {
			for _, x := range results {
				counts[x.Status]++
			}
		})
		d := time.Since(start)
		fmt.Printf("evaluate  %8.1f ms  %6.0f ns/device  run %d  pass %d fail %d n/a %d error %d\n",
			ms(d), float64(d.Nanoseconds())/float64(n), r+1,
			counts[checks.StatusPass], counts[checks.StatusFail], counts[checks.StatusNotApplicable], counts[checks.StatusError])
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
