package xmlscan

import (
	"bytes"
	"fmt"
	"testing"
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
		s := New(data)
		if _, err := s.Prolog(0); err != nil {
			b.Fatal(err)
		}
		for {
			tok, err := s.Next()
			if err != nil {
				b.Fatal(err)
			}
			if tok == EOF {
				break
			}
			for i := range s.attrs {
				s.AttrValue(&s.attrs[i])
			}
			if tok == Text {
				s.TextValue()
			}
		}
	}
}
