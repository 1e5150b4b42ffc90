package ingest

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// benchFixture is one of the three files bench/import writes (see
// internal/gen): a clinical engineering CSV, an IT CMDB workbook and an
// nmap scan.
type benchFixture struct {
	name, file string
	opt        Options
}

var benchFixtures = []benchFixture{
	{"cmms", "cmms_clinical_engineering.csv", Options{}},
	{"cmdb", "it_cmdb.xlsx", Options{Sheet: "cmdb_ci"}},
	{"nmap", "nmap_scan.xml", Options{}},
}

// fixtureDir returns $VIGIL_INGEST_BENCH_DIR or skips: the files are large
// and generated, never committed. Make them with
//
//	go build -o /tmp/ibench ./bench/import
//	/tmp/ibench -devices 146000 -batch -dir /tmp/ingest-fixture
//	rm /tmp/ingest-fixture/vigil.db
//	VIGIL_INGEST_BENCH_DIR=/tmp/ingest-fixture go test -run '^$' -bench Fixture ./internal/ingest
func fixtureDir(b *testing.B) string {
	dir := os.Getenv("VIGIL_INGEST_BENCH_DIR")
	if dir == "" {
		b.Skip("VIGIL_INGEST_BENCH_DIR is not set")
	}
	for _, f := range benchFixtures {
		if _, err := os.Stat(filepath.Join(dir, f.file)); err != nil {
			b.Skipf("VIGIL_INGEST_BENCH_DIR: %v", err)
		}
	}
	return dir
}

// liveHeap returns the heap in use after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkReadFixture reads each bench/import file; heap-MB is what its
// Result keeps alive after a collection, cpu-ms/op the CPU time the process
// spent per read, garbage collection included (on a shared machine a
// steadier figure than ns/op).
func BenchmarkReadFixture(b *testing.B) {
	dir := fixtureDir(b)
	for _, f := range benchFixtures {
		b.Run(f.name, func(b *testing.B) {
			path := filepath.Join(dir, f.file)
			opt := f.opt
			opt.Now = testNow
			var res *Result
			cpu := processCPU()
			for b.Loop() {
				res = nil
				var err error
				if res, err = Read(context.Background(), path, opt); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64((processCPU()-cpu).Milliseconds())/float64(b.N), "cpu-ms/op")
			res = nil
			before := liveHeap()
			res, _ = Read(context.Background(), path, opt)
			after := liveHeap()
			b.ReportMetric(float64(len(res.Records)), "records")
			b.ReportMetric(float64(int64(after)-int64(before))/(1<<20), "heap-MB")
			runtime.KeepAlive(res)
		})
	}
}

// BenchmarkReadFixtureAll reads the three files in a row, as bench/import
// does; heap-MB is what the three Results keep alive together.
func BenchmarkReadFixtureAll(b *testing.B) {
	dir := fixtureDir(b)
	read := func() []*Result {
		var out []*Result
		for _, f := range benchFixtures {
			opt := f.opt
			opt.Now = testNow
			res, err := Read(context.Background(), filepath.Join(dir, f.file), opt)
			if err != nil {
				b.Fatal(err)
			}
			out = append(out, res)
		}
		return out
	}
	cpu := processCPU()
	for b.Loop() {
		read()
	}
	b.StopTimer()
	b.ReportMetric(float64((processCPU()-cpu).Milliseconds())/float64(b.N), "cpu-ms/op")
	before := liveHeap()
	res := read()
	after := liveHeap()
	b.ReportMetric(float64(int64(after)-int64(before))/(1<<20), "heap-MB")
	runtime.KeepAlive(res)
}
