package ingest

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"
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

// benchScan writes an nmap-like document of n hosts.
func benchScan(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<nmaprun scanner="nmap" start="1399586500">` + "\n")
	for i := range n {
		fmt.Fprintf(&b, `<host starttime="1399586579" endtime="1399586600"><status state="up" reason="arp-response"/>`+
			`<address addr="10.%d.%d.%d" addrtype="ipv4"/><address addr="00:1A:2B:%02X:%02X:%02X" addrtype="mac" vendor="GE &amp; Co"/>`+
			"\n<hostnames><hostname name=\"dev-%d.hosp.local\" type=\"PTR\"/></hostnames><ports>"+
			`<port protocol="tcp" portid="443"><state state="open"/><service name="https" product="Apache httpd" version="2.4"><cpe>cpe:/a:apache:http_server:2.4</cpe></service></port>`+
			`<port protocol="tcp" portid="104"><state state="open"/><service name="dicom"/></port></ports>`+
			"<!-- os guess -->\n<os><osmatch name=\"Linux 4.X\" accuracy=\"95\"><osclass type=\"general purpose\"><cpe>cpe:/o:linux:linux_kernel:4</cpe></osclass></osmatch></os></host>\n",
			i>>16&0xff, i>>8&0xff, i&0xff, i>>16&0xff, i>>8&0xff, i&0xff, i)
	}
	b.WriteString(`<runstats><finished time="1399586700" exit="success"/></runstats></nmaprun>` + "\n")
	return b.Bytes()
}

// benchBook writes a workbook of n rows of CMDB-like cells.
func benchBook(tb testing.TB, n int) []byte {
	f := excelize.NewFile()
	defer f.Close()
	w, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		tb.Fatal(err)
	}
	for i := range n + 1 {
		row := []any{"CI Name", "Serial Number", "MAC Address", "IP Address", "Count", "Notes"}
		if i > 0 {
			row = []any{fmt.Sprintf("pump-%06d", i), fmt.Sprintf("SN%08d", i*7), fmt.Sprintf("00-1A-2B-%02X-%02X-%02X", i>>16&0xff, i>>8&0xff, i&0xff),
				fmt.Sprintf("10.%d.%d.%d", i>>16&0xff, i>>8&0xff, i&0xff), i % 97, "Tom & Jerry"}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := w.SetRow(cell, row); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
