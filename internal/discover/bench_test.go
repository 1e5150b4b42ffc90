package discover

import (
	"bytes"
	"context"
	"testing"

	"github.com/vigil-health/vigil/internal/capture"
	"github.com/vigil-health/vigil/internal/pcapgen"
)

// BenchmarkDiscover measures the whole engine (read, decode, flows,
// reassembly, dissectors, aggregation) over a 32 MB generated capture held
// in memory. It reports packets/s; SetBytes gives MB/s.
func BenchmarkDiscover(b *testing.B) {
	var buf bytes.Buffer
	if err := pcapgen.Write(&buf, pcapgen.Options{Seed: 1, TargetBytes: 32 << 20, Monitors: 20, Pumps: 20}); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var packets uint64
	for b.Loop() {
		src, err := capture.NewReader("bench.pcap", bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		r, err := Run(context.Background(), []capture.Source{src}, Options{})
		if err != nil {
			b.Fatal(err)
		}
		packets += r.Stats.Packets
	}
	b.ReportMetric(float64(packets)/b.Elapsed().Seconds(), "packets/s")
}
