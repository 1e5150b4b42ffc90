package capture

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-health/vigil/internal/bound"
)

// pcapFile builds a classic pcap file with the given byte order and
// resolution holding one record per frame, 1 s apart starting at t0.
func pcapFile(order binary.AppendByteOrder, nano bool, link LinkType, frames ...[]byte) []byte {
	var b []byte
	magic := uint32(0xa1b2c3d4)
	if nano {
		magic = 0xa1b23c4d
	}
	b = order.AppendUint32(b, magic)
	b = order.AppendUint16(b, 2)
	b = order.AppendUint16(b, 4)
	b = append(b, make([]byte, 8)...)
	b = order.AppendUint32(b, 65535)
	b = order.AppendUint32(b, uint32(link))
	for i, f := range frames {
		b = order.AppendUint32(b, uint32(1700000000+i))
		frac := uint32(123456)
		if nano {
			frac = 123456789
		}
		b = order.AppendUint32(b, frac)
		b = order.AppendUint32(b, uint32(len(f)))
		b = order.AppendUint32(b, uint32(len(f)+10))
		b = append(b, f...)
	}
	return b
}

func readAll(t *testing.T, name string, data []byte) ([]Packet, Source) {
	t.Helper()
	s, err := NewReader(name, bytes.NewReader(data))
	if err != nil {
		t.Fatalf("NewReader: %v", err)
	}
	var out []Packet
	for {
		var p Packet
		err := s.ReadPacket(&p)
		if err == io.EOF {
			return out, s
		}
		if err != nil {
			t.Fatalf("ReadPacket: %v", err)
		}
		p.Data = append([]byte(nil), p.Data...)
		out = append(out, p)
	}
}

func TestPcapByteOrdersAndResolutions(t *testing.T) {
	frames := [][]byte{[]byte("frame-one"), []byte("frame-two!")}
	for _, tt := range []struct {
		name  string
		order binary.AppendByteOrder
		nano  bool
		ns    int
	}{
		{"le-micro", binary.LittleEndian, false, 123456000},
		{"be-micro", binary.BigEndian, false, 123456000},
		{"le-nano", binary.LittleEndian, true, 123456789},
		{"be-nano", binary.BigEndian, true, 123456789},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := readAll(t, tt.name, pcapFile(tt.order, tt.nano, LinkRaw, frames...))
			want := []Packet{
				{Timestamp: time.Unix(1700000000, int64(tt.ns)), Link: LinkRaw, Length: 19, Data: frames[0]},
				{Timestamp: time.Unix(1700000001, int64(tt.ns)), Link: LinkRaw, Length: 20, Data: frames[1]},
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("packets (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGzipSniffed(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(pcapFile(binary.LittleEndian, false, LinkEthernet, []byte("x")))
	zw.Close()
	got, _ := readAll(t, "x.pcap.gz", buf.Bytes())
	if len(got) != 1 || string(got[0].Data) != "x" {
		t.Fatalf("got %+v", got)
	}
}

func TestTruncatedLastRecordWarns(t *testing.T) {
	data := pcapFile(binary.LittleEndian, false, LinkEthernet, []byte("complete"), []byte("cut-short-record"))
	data = data[:len(data)-5]
	got, s := readAll(t, "cut.pcap", data)
	if len(got) != 1 {
		t.Fatalf("read %d packets, want the 1 complete one", len(got))
	}
	w := s.(Warner).Warnings()
	if len(w) != 1 || !strings.Contains(w[0], "cut.pcap: byte 48: truncated record (27 of 32 bytes)") {
		t.Errorf("warnings %q", w)
	}
	// A cut inside the record header also only warns.
	got, s = readAll(t, "cut.pcap", data[:24+16+8+7])
	if len(got) != 1 || len(s.(Warner).Warnings()) != 1 {
		t.Errorf("header cut: %d packets, warnings %q", len(got), s.(Warner).Warnings())
	}
}

func TestBadInputErrors(t *testing.T) {
	huge := pcapFile(binary.LittleEndian, false, LinkEthernet, []byte("ok"))
	huge = binary.LittleEndian.AppendUint32(huge, 1)
	huge = binary.LittleEndian.AppendUint32(huge, 0)
	huge = binary.LittleEndian.AppendUint32(huge, 1<<30)
	huge = binary.LittleEndian.AppendUint32(huge, 1<<30)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "bad.pcap: byte 0: file too short to be a capture"},
		{"magic", []byte("GIF89a, not a capture at all....."), "bad.pcap: byte 0: bad magic 0x47494638: not a pcap file"},
		{"length", huge, "bad.pcap: byte 42: record length 1073741824: a record of more than 16 MiB (the --max-record-bytes limit"},
		{"ng-order", append([]byte{0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0}, make([]byte, 20)...), "bad.pcap: byte 8: bad pcapng byte-order magic"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewReader("bad.pcap", bytes.NewReader(tt.data))
			if err == nil {
				var p Packet
				for err == nil {
					err = s.ReadPacket(&p)
				}
			}
			var fe *FormatError
			_, over := bound.AsLimitError(err)
			if !errors.As(err, &fe) && !over || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want a FormatError or limit error containing %q", err, tt.want)
			}
		})
	}
}

// ngBlock builds one little-endian pcapng block.
func ngBlock(typ uint32, body []byte) []byte {
	for len(body)%4 != 0 {
		body = append(body, 0)
	}
	n := uint32(12 + len(body))
	b := binary.LittleEndian.AppendUint32(nil, typ)
	b = binary.LittleEndian.AppendUint32(b, n)
	b = append(b, body...)
	return binary.LittleEndian.AppendUint32(b, n)
}

func ngSHB() []byte {
	body := binary.LittleEndian.AppendUint32(nil, 0x1a2b3c4d)
	body = append(body, 1, 0, 0, 0)
	body = append(body, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
	return ngBlock(blockSHB, body)
}

func ngIDB(link LinkType, tsresol byte) []byte {
	body := binary.LittleEndian.AppendUint16(nil, uint16(link))
	body = append(body, 0, 0, 0, 0, 4, 0) // snaplen 262144
	if tsresol != 0 {
		body = append(body, 9, 0, 1, 0, tsresol, 0, 0, 0)
	}
	body = append(body, 0, 0, 0, 0)
	return ngBlock(blockIDB, body)
}

func ngEPB(iface uint32, ts uint64, data []byte) []byte {
	body := binary.LittleEndian.AppendUint32(nil, iface)
	body = binary.LittleEndian.AppendUint32(body, uint32(ts>>32))
	body = binary.LittleEndian.AppendUint32(body, uint32(ts))
	body = binary.LittleEndian.AppendUint32(body, uint32(len(data)))
	body = binary.LittleEndian.AppendUint32(body, uint32(len(data)))
	return ngBlock(blockEPB, append(body, data...))
}

func TestPcapngInterfaces(t *testing.T) {
	var f []byte
	f = append(f, ngSHB()...)
	f = append(f, ngIDB(LinkEthernet, 0)...) // microseconds
	f = append(f, ngIDB(LinkRaw, 9)...)      // nanoseconds
	f = append(f, ngBlock(5, make([]byte, 16))...)
	f = append(f, ngEPB(0, 1700000000_500000, []byte("eth"))...)
	f = append(f, ngEPB(1, 1700000001_000000007, []byte("raw-ip"))...)
	spb := binary.LittleEndian.AppendUint32(nil, 3)
	f = append(f, ngBlock(blockSPB, append(spb, "spb"...))...)
	// A second section resets the interfaces.
	f = append(f, ngSHB()...)
	f = append(f, ngIDB(LinkLinuxSLL, 0x80|20)...) // 2^-20 s
	f = append(f, ngEPB(0, 3<<20|1<<19, []byte("sll"))...)
	got, _ := readAll(t, "x.pcapng", f)
	want := []Packet{
		{Timestamp: time.Unix(1700000000, 500000000), Link: LinkEthernet, Length: 3, Data: []byte("eth")},
		{Timestamp: time.Unix(1700000001, 7), Link: LinkRaw, Interface: 1, Length: 6, Data: []byte("raw-ip")},
		{Link: LinkEthernet, Length: 3, Data: []byte("spb")},
		{Timestamp: time.Unix(3, 500000000), Link: LinkLinuxSLL, Length: 3, Data: []byte("sll")},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("packets (-want +got):\n%s", diff)
	}
	// A packet for an undescribed interface is an error with the offset.
	bad := append(append([]byte{}, ngSHB()...), ngEPB(2, 0, []byte("x"))...)
	s, _ := NewReader("x.pcapng", bytes.NewReader(bad))
	var p Packet
	if err := s.ReadPacket(&p); err == nil || !strings.Contains(err.Error(), "x.pcapng: byte 28: packet for interface 2 but only 0 described") {
		t.Errorf("error %v", err)
	}
}

// realCaptures lists the shared realdata captures, skipping when absent.
func realCaptures(t testing.TB) []string {
	dir := filepath.Join("..", "..", "..", "shared", "realdata", "pcap")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("realdata absent: %v", err)
	}
	var out []string
	for _, pat := range []string{"ndpi/*.pcap", "ndpi/*.pcapng", "zeek/*.pcap"} {
		m, _ := filepath.Glob(filepath.Join(dir, pat))
		out = append(out, m...)
	}
	return out
}

func TestRealdataRead(t *testing.T) {
	counts := map[string]int{"hl7.pcap": 9, "ssdp-m-search-ua.pcap": 4, "ssdp-m-search.pcap": 19, "upnp.pcap": 14,
		"snmp.pcap": 72, "http_ua_splitted_in_two_pkts.pcapng": 115, "dhcp-fuzz.pcapng": 1, "dhcp_dhcp.pcap": 9,
		"dns_mdns.pcap": 24, "nmap-vsn.pcap": 547, "snmp_snmpwalk-short.pcap": 400}
	files := realCaptures(t)
	if len(files) < 30 {
		t.Fatalf("found %d captures", len(files))
	}
	for _, f := range files {
		s, err := Open(f)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		n, bad := 0, 0
		var p Packet
		var d Decoded
		for {
			err := s.ReadPacket(&p)
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Errorf("%v", err)
				break
			}
			n++
			if Decode(p.Link, p.Data, &d) != nil {
				bad++
			}
		}
		s.Close()
		if want, ok := counts[filepath.Base(f)]; ok && n != want {
			t.Errorf("%s: %d packets, want %d", f, n, want)
		}
		if bad > n/10 {
			t.Errorf("%s: %d of %d packets failed to decode", f, bad, n)
		}
	}
}

func FuzzReader(f *testing.F) {
	f.Add(pcapFile(binary.LittleEndian, false, LinkEthernet, []byte("abc")))
	f.Add(pcapFile(binary.BigEndian, true, LinkRaw, []byte{0x45, 0, 0, 20}))
	f.Add(append(append(ngSHB(), ngIDB(LinkEthernet, 9)...), ngEPB(0, 5, []byte("x"))...))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := NewReader("fuzz", bytes.NewReader(data))
		if err != nil {
			return
		}
		var p Packet
		var d Decoded
		for i := 0; i < 10000; i++ {
			if err := s.ReadPacket(&p); err != nil {
				return
			}
			if len(p.Data) > maxRecord {
				t.Fatalf("record of %d bytes", len(p.Data))
			}
			Decode(p.Link, p.Data, &d)
		}
	})
}
