package capture

import (
	"bytes"
	"encoding/binary"
	"io"
	"testing"
	"time"
)

// benchCapture is a pcap of n small TCP packets on a few hundred flows.
func benchCapture(n int) []byte {
	frames := make([][]byte, 0, n)
	for i := 0; i < n; i++ {
		seg := tcpSeg(uint16(40000+i%300), 443, uint32(i*100), TCPAck|TCPPsh, "0123456789012345678901234567890123456789")
		frames = append(frames, ether(macB, macA, EtherTypeIPv4, []uint16{10}, ipv4(ipA, ipB, ProtoTCP, 0, seg)))
	}
	return pcapFile(binary.LittleEndian, false, LinkEthernet, frames...)
}

// BenchmarkReadDecode measures the pcap reader and header decoding.
func BenchmarkReadDecode(b *testing.B) {
	data := benchCapture(100000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var pkts int
	for b.Loop() {
		s, _ := NewReader("bench", bytes.NewReader(data))
		var p Packet
		var d Decoded
		for s.ReadPacket(&p) != io.EOF {
			Decode(p.Link, p.Data, &d)
			pkts++
		}
	}
	b.ReportMetric(float64(pkts)/b.Elapsed().Seconds(), "packets/s")
}

// BenchmarkFlowTable measures flow accounting on top of decoding.
func BenchmarkFlowTable(b *testing.B) {
	data := benchCapture(100000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var pkts int
	for b.Loop() {
		s, _ := NewReader("bench", bytes.NewReader(data))
		tab := NewTable(TableConfig{})
		var p Packet
		var d Decoded
		for s.ReadPacket(&p) != io.EOF {
			if Decode(p.Link, p.Data, &d) == nil {
				tab.Add(&d, time.Unix(0, 0), len(p.Data))
			}
			pkts++
		}
	}
	b.ReportMetric(float64(pkts)/b.Elapsed().Seconds(), "packets/s")
}
