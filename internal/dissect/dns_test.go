package dissect

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// dnsWire encodes a name without compression.
func dnsWire(name string) []byte {
	var b []byte
	for _, l := range splitDots(name) {
		b = append(b, byte(len(l)))
		b = append(b, l...)
	}
	return append(b, 0)
}

func splitDots(s string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return out
}

func dnsRR(name []byte, typ uint16, data []byte) []byte {
	b := append([]byte{}, name...)
	b = binary.BigEndian.AppendUint16(b, typ)
	b = binary.BigEndian.AppendUint16(b, 0x8001) // IN with the mDNS cache-flush bit
	b = binary.BigEndian.AppendUint32(b, 120)
	b = binary.BigEndian.AppendUint16(b, uint16(len(data)))
	return append(b, data...)
}

// mdnsAnnounce is an mDNS response: printer.local A, a PTR for _ipp._tcp
// using a compression pointer, and SRV and TXT records.
func mdnsAnnounce() []byte {
	h := []byte{0, 0, 0x84, 0, 0, 0, 0, 4, 0, 0, 0, 0}
	host := dnsWire("printer.local")
	b := append(h, dnsRR(host, DNSTypeA, []byte{10, 20, 1, 60})...)
	ptrAt := len(b)
	svc := dnsWire("_ipp._tcp.local")
	inst := append([]byte{7}, "Printer"...)
	inst = append(inst, 0xc0, byte(ptrAt)) // -> _ipp._tcp.local
	b = append(b, dnsRR(svc, DNSTypePTR, inst)...)
	srv := []byte{0, 0, 0, 0, 0x02, 0x77}
	srv = append(srv, 0xc0, 12) // -> printer.local
	b = append(b, dnsRR(dnsWire("Printer._ipp._tcp.local"), DNSTypeSRV, srv)...)
	b = append(b, dnsRR(dnsWire("Printer._ipp._tcp.local"), DNSTypeTXT, []byte("\x09txtvers=1\x0bty=LaserJet"))...)
	return b
}

func TestParseDNSAnnouncement(t *testing.T) {
	m, err := ParseDNS(mdnsAnnounce())
	if err != nil {
		t.Fatal(err)
	}
	if !m.Response || len(m.Answers) != 4 {
		t.Fatalf("response %v, %d answers", m.Response, len(m.Answers))
	}
	if diff := cmp.Diff([]string{"printer.local"}, m.SelfNames()); diff != "" {
		t.Errorf("self names (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"_ipp._tcp.local"}, m.Services()); diff != "" {
		t.Errorf("services (-want +got):\n%s", diff)
	}
	a := m.Answers
	if a[0].Addr != netip.MustParseAddr("10.20.1.60") || a[1].Target != "Printer._ipp._tcp.local" ||
		a[2].Port != 631 || a[2].Target != "printer.local" || !cmp.Equal(a[3].Text, []string{"txtvers=1", "ty=LaserJet"}) {
		t.Errorf("records %+v", a)
	}
}

func TestParseDNSQuery(t *testing.T) {
	b := []byte{0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0}
	b = append(b, dnsWire("_ipps._tcp.local")...)
	b = append(b, 0, 12, 0x80, 1)
	b = append(b, dnsWire("_ipp._tcp.local")...)
	b = append(b, 0, 12, 0, 1)
	m, err := ParseDNS(b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"_ipps._tcp.local", "_ipp._tcp.local"}, m.Browsed()); diff != "" {
		t.Errorf("browsed (-want +got):\n%s", diff)
	}
	if m.SelfNames() != nil || m.Questions[0].Class != 1 {
		t.Errorf("self names %v, class %d", m.SelfNames(), m.Questions[0].Class)
	}
}

func TestParseDNSErrors(t *testing.T) {
	loop := []byte{0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12}
	for name, b := range map[string][]byte{
		"short": {1, 2, 3},
		"loop":  loop,
		"label": {0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 40, 'a'},
		"rdata": append(mdnsAnnounce()[:40], 0xff),
	} {
		if _, err := ParseDNS(b); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func FuzzParseDNS(f *testing.F) {
	f.Add(mdnsAnnounce())
	f.Add([]byte{0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, _ := ParseDNS(b)
		if m != nil {
			m.SelfNames()
			m.Services()
			m.Browsed()
		}
	})
}
