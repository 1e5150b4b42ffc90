package capture

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var (
	macA = MAC{0x00, 0x09, 0xfb, 0x01, 0x02, 0x03}
	macB = MAC{0x02, 0x42, 0xac, 0x0a, 0x0b, 0x0c}
	ipA  = netip.MustParseAddr("10.10.2.10")
	ipB  = netip.MustParseAddr("10.10.1.30")
)

// ipv4 builds an IPv4 packet around an L4 segment.
func ipv4(src, dst netip.Addr, proto uint8, frag uint16, l4 []byte) []byte {
	b := []byte{0x45, 0, 0, 0, 0, 1, byte(frag >> 8), byte(frag), 64, proto, 0, 0}
	binary.BigEndian.PutUint16(b[2:], uint16(20+len(l4)))
	s, d := src.As4(), dst.As4()
	b = append(b, s[:]...)
	b = append(b, d[:]...)
	return append(b, l4...)
}

func tcpSeg(sp, dp uint16, seq uint32, flags uint8, payload string) []byte {
	b := make([]byte, 20)
	binary.BigEndian.PutUint16(b, sp)
	binary.BigEndian.PutUint16(b[2:], dp)
	binary.BigEndian.PutUint32(b[4:], seq)
	b[12], b[13] = 5<<4, flags
	return append(b, payload...)
}

func udpDgram(sp, dp uint16, payload string) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint16(b, sp)
	binary.BigEndian.PutUint16(b[2:], dp)
	binary.BigEndian.PutUint16(b[4:], uint16(8+len(payload)))
	return append(b, payload...)
}

func ether(dst, src MAC, typ uint16, tags []uint16, payload []byte) []byte {
	b := append(append([]byte{}, dst[:]...), src[:]...)
	for i, t := range tags {
		tpid := uint16(0x8100)
		if i == 0 && len(tags) > 1 {
			tpid = 0x88a8
		}
		b = binary.BigEndian.AppendUint16(b, tpid)
		b = binary.BigEndian.AppendUint16(b, t)
	}
	b = binary.BigEndian.AppendUint16(b, typ)
	return append(b, payload...)
}

func TestDecode(t *testing.T) {
	udp := ipv4(ipA, ipB, ProtoUDP, 0, udpDgram(5353, 5353, "mdns"))
	sll := append([]byte{0, 0, 0, 1, 0, 6}, macA[:]...)
	sll = append(sll, 0, 0, 0x08, 0x00)
	arp := []byte{0, 1, 8, 0, 6, 4, 0, 2}
	arp = append(arp, macA[:]...)
	arp = append(arp, 10, 10, 2, 10)
	arp = append(arp, macB[:]...)
	arp = append(arp, 10, 10, 1, 30)
	v6 := []byte{0x60, 0, 0, 0, 0, 0, 0, 255}
	v6 = append(v6, netip.MustParseAddr("fe80::1").AsSlice()...)
	v6 = append(v6, netip.MustParseAddr("ff02::fb").AsSlice()...)
	hop := []byte{ProtoUDP, 0, 0, 0, 0, 0, 0, 0} // hop-by-hop header, 8 bytes
	l4 := udpDgram(5353, 5353, "v6")
	binary.BigEndian.PutUint16(v6[4:], uint16(len(hop)+len(l4)))
	v6[6] = 0
	v6 = append(append(v6, hop...), l4...)

	tests := []struct {
		name string
		link LinkType
		data []byte
		want Decoded
	}{
		{"ethernet-udp-padded", LinkEthernet, append(ether(macB, macA, EtherTypeIPv4, nil, udp), 0, 0, 0, 0), Decoded{
			HasMAC: true, SrcMAC: macA, DstMAC: macB, EtherType: EtherTypeIPv4, IPVersion: 4, Src: ipA, Dst: ipB,
			Proto: ProtoUDP, TTL: 64, SrcPort: 5353, DstPort: 5353, Payload: []byte("mdns")}},
		{"qinq", LinkEthernet, ether(macB, macA, EtherTypeIPv4, []uint16{100, 0x2000 | 10}, udp), Decoded{
			HasMAC: true, SrcMAC: macA, DstMAC: macB, VLANs: [2]uint16{100, 10}, NVLAN: 2, EtherType: EtherTypeIPv4,
			IPVersion: 4, Src: ipA, Dst: ipB, Proto: ProtoUDP, TTL: 64, SrcPort: 5353, DstPort: 5353, Payload: []byte("mdns")}},
		{"sll", LinkLinuxSLL, append(sll, udp...), Decoded{HasMAC: true, SrcMAC: macA, EtherType: EtherTypeIPv4,
			IPVersion: 4, Src: ipA, Dst: ipB, Proto: ProtoUDP, TTL: 64, SrcPort: 5353, DstPort: 5353, Payload: []byte("mdns")}},
		{"raw-tcp", LinkRaw, ipv4(ipA, ipB, ProtoTCP, 0, tcpSeg(49152, 2575, 1000, TCPSyn, "")), Decoded{IPVersion: 4,
			Src: ipA, Dst: ipB, Proto: ProtoTCP, TTL: 64, SrcPort: 49152, DstPort: 2575, Seq: 1000, TCPFlags: TCPSyn, Payload: []byte{}}},
		{"fragment-later", LinkRaw, ipv4(ipA, ipB, ProtoUDP, 185, []byte("rest of datagram")), Decoded{IPVersion: 4,
			Src: ipA, Dst: ipB, Proto: ProtoUDP, TTL: 64, Fragment: true, FragOffset: 1480, Payload: []byte("rest of datagram")}},
		{"fragment-first", LinkRaw, ipv4(ipA, ipB, ProtoUDP, 0x2000, udpDgram(1, 2, "x")), Decoded{IPVersion: 4,
			Src: ipA, Dst: ipB, Proto: ProtoUDP, TTL: 64, Fragment: true, SrcPort: 1, DstPort: 2, Payload: []byte("x")}},
		{"arp", LinkEthernet, ether(macB, macA, EtherTypeARP, nil, arp), Decoded{HasMAC: true, SrcMAC: macA, DstMAC: macB,
			EtherType: EtherTypeARP, IsARP: true, ARP: ARP{Op: 2, SenderMAC: macA, SenderIP: ipA, TargetMAC: macB, TargetIP: ipB}}},
		{"ipv6-hop-by-hop", LinkRaw, v6, Decoded{IPVersion: 6, Src: netip.MustParseAddr("fe80::1"),
			Dst: netip.MustParseAddr("ff02::fb"), Proto: ProtoUDP, TTL: 255, SrcPort: 5353, DstPort: 5353, Payload: []byte("v6")}},
		{"cdp-snap", LinkEthernet, ether(MAC{1, 0, 0x0c, 0xcc, 0xcc, 0xcc}, macA, 8+3, nil,
			[]byte{0xaa, 0xaa, 0x03, 0, 0, 0x0c, 0x20, 0, 2, 180, 0}), Decoded{HasMAC: true, SrcMAC: macA,
			DstMAC: MAC{1, 0, 0x0c, 0xcc, 0xcc, 0xcc}, LLC: true, SNAPOUI: 0x0c, SNAPType: 0x2000, Payload: []byte{2, 180, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got Decoded
			if err := Decode(tt.link, tt.data, &got); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateComparable(netip.Addr{}), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeTruncated(t *testing.T) {
	full := ether(macB, macA, EtherTypeIPv4, []uint16{10}, ipv4(ipA, ipB, ProtoTCP, 0, tcpSeg(1, 2, 3, TCPAck, "data")))
	var d Decoded
	for n := 0; n < len(full)-4; n++ {
		if err := Decode(LinkEthernet, full[:n], &d); err == nil && n < 18+20+20 {
			t.Errorf("%d bytes decoded without error", n)
		}
	}
}

func TestDecodeAllocs(t *testing.T) {
	frame := ether(macB, macA, EtherTypeIPv4, []uint16{10}, ipv4(ipA, ipB, ProtoTCP, 0, tcpSeg(1, 2, 3, TCPAck, "data")))
	var d Decoded
	if n := testing.AllocsPerRun(100, func() { Decode(LinkEthernet, frame, &d) }); n != 0 {
		t.Errorf("Decode allocates %.0f times per packet", n)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(uint32(LinkEthernet), ether(macB, macA, EtherTypeIPv4, []uint16{10}, ipv4(ipA, ipB, ProtoTCP, 0, tcpSeg(1, 2, 3, TCPAck, "x"))))
	f.Add(uint32(LinkRaw), []byte{0x60, 0, 0, 0, 0, 8, 0, 1})
	f.Add(uint32(LinkLinuxSLL2), make([]byte, 24))
	f.Fuzz(func(t *testing.T, link uint32, data []byte) {
		var d Decoded
		Decode(LinkType(link), data, &d)
		if len(d.Payload) > len(data) {
			t.Fatalf("payload of %d bytes from %d", len(d.Payload), len(data))
		}
	})
}
