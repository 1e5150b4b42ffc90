package ingest

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/xuri/excelize/v2"
)

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

// BenchmarkXMLScan tokenizes a 20,000-host scan, decoding every value.
func BenchmarkXMLScan(b *testing.B) {
	data := benchScan(20_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		s := &xmlScanner{data: data, pos: bytes.Index(data, []byte("?>")) + 2}
		for {
			tok, err := s.next()
			if err != nil {
				b.Fatal(err)
			}
			if tok == tokEOF {
				break
			}
			for i := range s.attrs {
				s.attrValue(&s.attrs[i])
			}
			if tok == tokText {
				s.textValue()
			}
		}
	}
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

// BenchmarkSheetRows reads every row of a 50,000-row worksheet.
func BenchmarkSheetRows(b *testing.B) {
	data := benchBook(b, 50_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		sr, _, _, err := openSheetAt(bytes.NewReader(data), int64(len(data)), "", 1<<30)
		if err != nil {
			b.Fatal(err)
		}
		sr.reuse = true
		n := 0
		for {
			_, _, err := sr.next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		sr.close()
		if n != 50_001 {
			b.Fatalf("%d rows", n)
		}
	}
}
