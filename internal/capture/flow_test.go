package capture

import (
	"encoding/binary"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// lenPDU is a test protocol: a 2-byte length, then that many bytes.
type lenPDU struct {
	pdus map[Direction][]string
	gaps int
}

func (h *lenPDU) Data(f *Flow, dir Direction, b []byte, ts time.Time) int {
	n := 0
	for len(b)-n >= 2 {
		l := int(binary.BigEndian.Uint16(b[n:]))
		if len(b)-n < 2+l {
			break
		}
		h.pdus[dir] = append(h.pdus[dir], string(b[n+2:n+2+l]))
		n += 2 + l
	}
	return n
}

func (h *lenPDU) Gap(f *Flow, dir Direction) { h.gaps++ }

func pdu(s string) string {
	return string([]byte{byte(len(s) >> 8), byte(len(s))}) + s
}

// tcpTable returns a table whose TCP flows all use h.
func tcpTable(h StreamHandler, cfg TableConfig) *Table {
	cfg.Sniff = func(*Flow, Direction, []byte) StreamHandler { return h }
	return NewTable(cfg)
}

type segSpec struct {
	fromClient bool
	seq        uint32
	flags      uint8
	data       string
}

func feed(t *testing.T, tab *Table, segs []segSpec) *Flow {
	t.Helper()
	var f *Flow
	ts := time.Unix(1700000000, 0)
	for _, s := range segs {
		src, dst, sp, dp := ipA, ipB, uint16(50000), uint16(2575)
		if !s.fromClient {
			src, dst, sp, dp = dst, src, dp, sp
		}
		var d Decoded
		if err := Decode(LinkRaw, ipv4(src, dst, ProtoTCP, 0, tcpSeg(sp, dp, s.seq, s.flags, s.data)), &d); err != nil {
			t.Fatal(err)
		}
		f, _ = tab.Add(&d, ts, 40+len(s.data))
		ts = ts.Add(time.Millisecond)
	}
	return f
}

func TestReassembly(t *testing.T) {
	a, b, c := pdu("MSH|first"), pdu("MSH|second message"), pdu("MSH|third")
	stream := a + b + c // client bytes from seq 101
	at := func(off int) uint32 { return uint32(101 + off) }
	tests := []struct {
		name string
		segs []segSpec
		want []string
	}{
		{"in order, split PDUs", []segSpec{
			{true, 100, TCPSyn, ""}, {false, 500, TCPSyn | TCPAck, ""},
			{true, at(0), TCPAck, stream[:5]}, {true, at(5), TCPAck, stream[5:20]}, {true, at(20), TCPAck, stream[20:]},
		}, []string{"MSH|first", "MSH|second message", "MSH|third"}},
		{"out of order", []segSpec{
			{true, 100, TCPSyn, ""},
			{true, at(20), TCPAck, stream[20:]}, {true, at(5), TCPAck, stream[5:20]}, {true, at(0), TCPAck, stream[:5]},
		}, []string{"MSH|first", "MSH|second message", "MSH|third"}},
		{"retransmission and overlap", []segSpec{
			{true, 100, TCPSyn, ""},
			{true, at(0), TCPAck, stream[:15]}, {true, at(0), TCPAck, stream[:15]}, {true, at(10), TCPAck, stream[10:30]},
			{true, at(25), TCPAck, stream[25:]}, {true, at(25), TCPAck, stream[25:]},
		}, []string{"MSH|first", "MSH|second message", "MSH|third"}},
		{"mid-stream pickup", []segSpec{
			{true, 9000, TCPAck, a}, {true, 9000 + uint32(len(a)), TCPAck, b},
		}, []string{"MSH|first", "MSH|second message"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &lenPDU{pdus: map[Direction][]string{}}
			feed(t, tcpTable(h, TableConfig{}), tt.segs)
			if diff := cmp.Diff(tt.want, h.pdus[FromClient]); diff != "" {
				t.Errorf("PDUs (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReassemblyBufferCap(t *testing.T) {
	h := &lenPDU{pdus: map[Direction][]string{}}
	big := pdu(strings.Repeat("x", 3000))
	segs := []segSpec{{true, 100, TCPSyn, ""}}
	for i := 0; i < len(big); i += 1000 {
		segs = append(segs, segSpec{true, uint32(101 + i), TCPAck, big[i:min(i+1000, len(big))]})
	}
	segs = append(segs, segSpec{true, uint32(101 + len(big)), TCPAck, pdu("after")})
	feed(t, tcpTable(h, TableConfig{MaxStreamBuffer: 1024}), segs)
	if h.gaps == 0 {
		t.Error("a PDU larger than the buffer did not report a gap")
	}
	if len(h.pdus[FromClient]) != 0 && h.pdus[FromClient][0] == strings.Repeat("x", 3000) {
		t.Error("PDU larger than the cap was delivered whole")
	}
}

func TestFlowAccounting(t *testing.T) {
	var evicted []*Flow
	tab := NewTable(TableConfig{OnEvict: func(f *Flow) { c := *f; evicted = append(evicted, &c) }})
	f := feed(t, tab, []segSpec{
		{true, 1, TCPSyn, ""}, {false, 7, TCPSyn | TCPAck, ""}, {true, 2, TCPAck, "hello"}, {false, 8, TCPRst, ""},
	})
	if f.Client.Addr != ipA || f.Server.Port != 2575 || !f.SawSYN || !f.Answered || f.Refused {
		t.Errorf("flow %+v", f)
	}
	if f.Packets != [2]uint64{2, 2} || f.Bytes != [2]uint64{85, 80} {
		t.Errorf("packets %v bytes %v", f.Packets, f.Bytes)
	}
	// A SYN answered by RST only is refused.
	tab2 := NewTable(TableConfig{})
	var d Decoded
	Decode(LinkRaw, ipv4(ipA, ipB, ProtoTCP, 0, tcpSeg(40000, 23, 1, TCPSyn, "")), &d)
	tab2.Add(&d, time.Unix(0, 0), 40)
	Decode(LinkRaw, ipv4(ipB, ipA, ProtoTCP, 0, tcpSeg(23, 40000, 0, TCPRst|TCPAck, "")), &d)
	g, dir := tab2.Add(&d, time.Unix(0, 0), 40)
	if dir != FromServer || !g.Refused || !g.Closed() {
		t.Errorf("refused flow: dir %v refused %v closed %v", dir, g.Refused, g.Closed())
	}
	tab.Flush()
	if len(evicted) != 1 || tab.Len() != 0 {
		t.Errorf("flush evicted %d, %d left", len(evicted), tab.Len())
	}
}

func TestIdleEviction(t *testing.T) {
	n := 0
	tab := NewTable(TableConfig{IdleTimeout: time.Minute, OnEvict: func(*Flow) { n++ }})
	var d Decoded
	for i := 0; i < 100; i++ {
		src := netip.AddrFrom4([4]byte{10, 0, byte(i / 256), byte(i)})
		Decode(LinkRaw, ipv4(src, ipB, ProtoUDP, 0, udpDgram(1000, 53, "q")), &d)
		tab.Add(&d, time.Unix(int64(i*10), 0), 40)
	}
	if tab.Len() > 10 || n < 90 {
		t.Errorf("after 1000 s of one flow per 10 s: %d in table, %d evicted", tab.Len(), n)
	}
}

// FuzzTable feeds arbitrary TCP segment sequences (out of order, wrapped
// sequence numbers, overlaps) through reassembly.
func FuzzTable(f *testing.F) {
	f.Add([]byte{0, 1, 0, 0, 0, 2, 'a', 'b', 1, 0, 0, 0, 0, 0, 'x'}, uint16(64))
	f.Add([]byte{0, 0xff, 0xff, 0xff, 0xf0, TCPSyn, 0, 0, 0, 0, 0, 1, 2, 3}, uint16(8))
	f.Fuzz(func(t *testing.T, script []byte, bufCap uint16) {
		h := &lenPDU{pdus: map[Direction][]string{}}
		tab := tcpTable(h, TableConfig{MaxStreamBuffer: int(bufCap%4096) + 1, MaxOutOfOrder: 4})
		var d Decoded
		ts := time.Unix(0, 0)
		// Each step: direction byte, 4-byte seq, flags, length byte, data.
		for len(script) >= 7 {
			dir, seq, flags, n := script[0]&1, binary.BigEndian.Uint32(script[1:]), script[5], int(script[6])
			script = script[7:]
			n = min(n, len(script))
			data := string(script[:n])
			script = script[n:]
			src, dst, sp, dp := ipA, ipB, uint16(50000), uint16(104)
			if dir == 1 {
				src, dst, sp, dp = dst, src, dp, sp
			}
			if Decode(LinkRaw, ipv4(src, dst, ProtoTCP, 0, tcpSeg(sp, dp, seq, flags, data)), &d) != nil {
				t.Fatal("test segment did not decode")
			}
			tab.Add(&d, ts, 40+n)
			ts = ts.Add(time.Millisecond)
		}
		tab.Flush()
	})
}
