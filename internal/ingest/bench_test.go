package ingest

import (
	"bytes"
	"context"
	"fmt"
	"testing"
)

// BenchmarkReadCSV100k parses a generated 100,000-row CMMS export with the
// usual columns; ns/row is the time per data row.
func BenchmarkReadCSV100k(b *testing.B) {
	const rows = 100_000
	var buf bytes.Buffer
	buf.WriteString("Asset Tag,Serial No.,Manufacturer,Model,MAC Address,IP Address,Host Name,Department,ePHI,Status,Last Seen\n")
	mfrs := []string{"GE Medical Systems", "Philips Healthcare", "Baxter", "B Braun", "Dräger", "Mindray"}
	for i := range rows {
		fmt.Fprintf(&buf, "BME-%06d,SN%08d,%s,Model %d,00-1A-2B-%02X-%02X-%02X,10.%d.%d.%d,dev-%d.hosp.local,ICU,%s,Active,2024-03-%02d\n",
			i, i*7, mfrs[i%len(mfrs)], i%40, (i>>16)&0xff, (i>>8)&0xff, i&0xff, (i>>16)&0xff, (i>>8)&0xff, i&0xff, i,
			[]string{"Y", "N"}[i%2], 1+i%28)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		res, err := Parse(context.Background(), "bench.csv", data, Options{Now: testNow})
		if err != nil || len(res.Records) != rows {
			b.Fatalf("%v, %d records", err, len(res.Records))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/rows, "ns/row")
}

// BenchmarkReadNmap imports a generated 20,000-host scan.
func BenchmarkReadNmap(b *testing.B) {
	data := benchScan(20_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		res, err := Parse(context.Background(), "bench.xml", data, Options{Now: testNow})
		if err != nil || len(res.Records) != 20_000 {
			b.Fatalf("%v, %d records", err, len(res.Records))
		}
	}
}

// BenchmarkReadXLSX imports a generated 50,000-row workbook.
func BenchmarkReadXLSX(b *testing.B) {
	data := benchBook(b, 50_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		res, err := Parse(context.Background(), "bench.xlsx", data, Options{Now: testNow})
		if err != nil || len(res.Records) != 50_000 {
			b.Fatalf("%v, %d records", err, len(res.Records))
		}
	}
}
