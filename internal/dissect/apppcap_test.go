package dissect

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// This file is a deliberately tiny pcap/pcapng walker for the application
// dissector tests, so they do not depend on internal/capture (which imports
// this package). It handles Ethernet (with VLAN tags), Linux SLL, BSD null
// and raw IP link types, IPv4/IPv6 and TCP, and orders each direction's
// segments by sequence number.

// appSegment is one TCP payload.
type appSegment struct {
	src, dst string // "ip:port"
	seq      uint32
	payload  []byte
}

// appRealdata returns the path of a shared real capture, skipping the test
// when it is absent.
func appRealdata(t testing.TB, parts ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{"..", "..", "..", "shared", "realdata"}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("real data %s absent: %v", p, err)
	}
	return p
}

// appReadTCP returns the TCP payload segments of a capture file in file order.
func appReadTCP(t testing.TB, path string) []appSegment {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var segs []appSegment
	add := func(link uint32, pkt []byte) {
		if s, ok := appDecode(link, pkt); ok {
			segs = append(segs, s)
		}
	}
	if len(b) < 24 {
		t.Fatalf("%s: %d bytes, too short", path, len(b))
	}
	switch binary.LittleEndian.Uint32(b) {
	case 0xa1b2c3d4, 0xa1b23c4d, 0xd4c3b2a1, 0x4d3cb2a1:
		var bo binary.ByteOrder = binary.LittleEndian
		if b[0] == 0xa1 {
			bo = binary.BigEndian
		}
		link := bo.Uint32(b[20:24])
		for off := 24; off+16 <= len(b); {
			n := int(bo.Uint32(b[off+8:]))
			if off+16+n > len(b) {
				t.Fatalf("%s: byte %d: truncated record", path, off)
			}
			add(link, b[off+16:off+16+n])
			off += 16 + n
		}
	case 0x0a0d0d0a:
		var links []uint32
		for off := 0; off+12 <= len(b); {
			typ := binary.LittleEndian.Uint32(b[off:])
			n := int(binary.LittleEndian.Uint32(b[off+4:]))
			if n < 12 || off+n > len(b) {
				t.Fatalf("%s: byte %d: bad block length %d", path, off, n)
			}
			body := b[off+8 : off+n-4]
			switch typ {
			case 1: // IDB
				links = append(links, uint32(binary.LittleEndian.Uint16(body)))
			case 6: // EPB
				iface := binary.LittleEndian.Uint32(body)
				capLen := int(binary.LittleEndian.Uint32(body[12:]))
				if int(iface) < len(links) && 20+capLen <= len(body) {
					add(links[iface], body[20:20+capLen])
				}
			case 3: // SPB
				if len(links) > 0 {
					add(links[0], body[4:])
				}
			}
			off += n
		}
	default:
		t.Fatalf("%s: not a pcap or little-endian pcapng", path)
	}
	return segs
}

func appDecode(link uint32, p []byte) (appSegment, bool) {
	var eth uint16
	switch link {
	case 1: // Ethernet
		if len(p) < 14 {
			return appSegment{}, false
		}
		eth, p = binary.BigEndian.Uint16(p[12:]), p[14:]
		for (eth == 0x8100 || eth == 0x88a8) && len(p) >= 4 {
			eth, p = binary.BigEndian.Uint16(p[2:]), p[4:]
		}
	case 113: // Linux SLL
		if len(p) < 16 {
			return appSegment{}, false
		}
		eth, p = binary.BigEndian.Uint16(p[14:]), p[16:]
	case 0: // BSD null
		if len(p) < 4 {
			return appSegment{}, false
		}
		p = p[4:]
		eth = 0x0800
		if len(p) > 0 && p[0]>>4 == 6 {
			eth = 0x86dd
		}
	case 101, 12: // raw IP
		eth = 0x0800
		if len(p) > 0 && p[0]>>4 == 6 {
			eth = 0x86dd
		}
	default:
		return appSegment{}, false
	}
	var src, dst string
	switch eth {
	case 0x0800:
		if len(p) < 20 || p[9] != 6 {
			return appSegment{}, false
		}
		ihl := int(p[0]&0xf) * 4
		tot := int(binary.BigEndian.Uint16(p[2:]))
		if tot > len(p) || tot < ihl {
			tot = len(p)
		}
		src = fmt.Sprintf("%d.%d.%d.%d", p[12], p[13], p[14], p[15])
		dst = fmt.Sprintf("%d.%d.%d.%d", p[16], p[17], p[18], p[19])
		p = p[ihl:tot]
	case 0x86dd:
		if len(p) < 40 || p[6] != 6 {
			return appSegment{}, false
		}
		src = fmt.Sprintf("[%x]", p[8:24])
		dst = fmt.Sprintf("[%x]", p[24:40])
		p = p[40:]
	default:
		return appSegment{}, false
	}
	if len(p) < 20 {
		return appSegment{}, false
	}
	off := int(p[12]>>4) * 4
	if off > len(p) {
		return appSegment{}, false
	}
	return appSegment{
		src:     fmt.Sprintf("%s:%d", src, binary.BigEndian.Uint16(p[0:])),
		dst:     fmt.Sprintf("%s:%d", dst, binary.BigEndian.Uint16(p[2:])),
		seq:     binary.BigEndian.Uint32(p[4:]),
		payload: p[off:],
	}, true
}

// appStream is one direction of a TCP connection, reassembled.
type appStream struct {
	src, dst string
	data     []byte
}

// appStreams reassembles each direction (keyed src->dst) of every TCP
// connection in the capture, in order of first payload. Segments are
// ordered by sequence number and overlaps dropped.
func appStreams(t testing.TB, path string) []appStream {
	t.Helper()
	byKey := map[string][]appSegment{}
	var order []string
	for _, s := range appReadTCP(t, path) {
		if len(s.payload) == 0 {
			continue
		}
		k := s.src + ">" + s.dst
		if _, ok := byKey[k]; !ok {
			order = append(order, k)
		}
		byKey[k] = append(byKey[k], s)
	}
	var out []appStream
	for _, k := range order {
		segs := byKey[k]
		base := segs[0].seq
		sort.SliceStable(segs, func(i, j int) bool { return int32(segs[i].seq-base) < int32(segs[j].seq-base) })
		st := appStream{src: segs[0].src, dst: segs[0].dst}
		next := segs[0].seq
		for _, s := range segs {
			end := s.seq + uint32(len(s.payload))
			d := int32(s.seq - next)
			if d < 0 {
				if int(-d) >= len(s.payload) {
					continue // retransmission
				}
				s.payload = s.payload[-d:]
			}
			st.data = append(st.data, s.payload...)
			next = end
		}
		out = append(out, st)
	}
	return out
}
