package pcapgen

import (
	"bufio"
	"encoding/binary"
	"net/netip"
	"time"
)

// writer emits pcap records (little-endian, microseconds, Ethernet).
type writer struct {
	w     *bufio.Writer
	now   time.Time
	n     int64 // bytes written
	err   error
	frame []byte
}

func (w *writer) header() {
	var h [24]byte
	binary.LittleEndian.PutUint32(h[0:], 0xa1b2c3d4)
	binary.LittleEndian.PutUint16(h[4:], 2)
	binary.LittleEndian.PutUint16(h[6:], 4)
	binary.LittleEndian.PutUint32(h[16:], 262144)
	binary.LittleEndian.PutUint32(h[20:], 1)
	w.write(h[:])
}

func (w *writer) write(b []byte) {
	if w.err != nil {
		return
	}
	n, err := w.w.Write(b)
	w.n += int64(n)
	w.err = err
}

// record writes one frame at the current time, then advances time a little.
func (w *writer) record(frame []byte) {
	var h [16]byte
	binary.LittleEndian.PutUint32(h[0:], uint32(w.now.Unix()))
	binary.LittleEndian.PutUint32(h[4:], uint32(w.now.Nanosecond()/1000))
	binary.LittleEndian.PutUint32(h[8:], uint32(len(frame)))
	binary.LittleEndian.PutUint32(h[12:], uint32(len(frame)))
	w.write(h[:])
	w.write(frame)
	w.now = w.now.Add(137 * time.Microsecond)
}

// Broadcast is the Ethernet broadcast address.
var broadcast = [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// eth builds an Ethernet frame (with an 802.1Q tag when vlan != 0) into
// w.frame and returns the offset where the payload starts.
func (w *writer) eth(dst, src [6]byte, vlan uint16, typ uint16) {
	f := w.frame[:0]
	f = append(f, dst[:]...)
	f = append(f, src[:]...)
	if vlan != 0 {
		f = binary.BigEndian.AppendUint16(f, 0x8100)
		f = binary.BigEndian.AppendUint16(f, vlan)
	}
	f = binary.BigEndian.AppendUint16(f, typ)
	w.frame = f
}

func checksum(b []byte, sum uint32) uint16 {
	for len(b) >= 2 {
		sum += uint32(b[0])<<8 | uint32(b[1])
		b = b[2:]
	}
	if len(b) == 1 {
		sum += uint32(b[0]) << 8
	}
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}

// ip4 appends an IPv4 header and the L4 segment (header + payload) to the
// frame, filling in both checksums, and records the frame.
func (w *writer) ip4(src, dst netip.Addr, proto uint8, ttl uint8, l4 []byte) {
	f := w.frame
	start := len(f)
	total := 20 + len(l4)
	f = append(f, 0x45, 0, byte(total>>8), byte(total), 0, 0, 0x40, 0, ttl, proto, 0, 0)
	s4, d4 := src.As4(), dst.As4()
	f = append(f, s4[:]...)
	f = append(f, d4[:]...)
	binary.BigEndian.PutUint16(f[start+10:], checksum(f[start:start+20], 0))
	l4start := len(f)
	f = append(f, l4...)
	// Pseudo-header sum for the transport checksum.
	var ps uint32
	for i := 0; i < 4; i += 2 {
		ps += uint32(s4[i])<<8 | uint32(s4[i+1])
		ps += uint32(d4[i])<<8 | uint32(d4[i+1])
	}
	ps += uint32(proto) + uint32(len(l4))
	off := 16 // TCP checksum offset
	if proto == 17 {
		off = 6
	}
	binary.BigEndian.PutUint16(f[l4start+off:], checksum(f[l4start:], ps))
	w.frame = f
	if len(f) < 60 {
		w.frame = append(w.frame, make([]byte, 60-len(f))...)
	}
	w.record(w.frame)
}

// udp sends one UDP datagram from a to dstMAC/dstIP.
func (w *writer) udp(a *Host, dstMAC [6]byte, dstIP netip.Addr, sport, dport uint16, payload []byte) {
	w.eth(dstMAC, a.MAC, a.VLAN, 0x0800)
	l4 := make([]byte, 8, 8+len(payload))
	binary.BigEndian.PutUint16(l4[0:], sport)
	binary.BigEndian.PutUint16(l4[2:], dport)
	binary.BigEndian.PutUint16(l4[4:], uint16(8+len(payload)))
	l4 = append(l4, payload...)
	w.ip4(a.IP, dstIP, 17, a.ttl(), l4)
}

// TCP flags.
const (
	fin = 0x01
	syn = 0x02
	rst = 0x04
	psh = 0x08
	ack = 0x10
)

// conn is one TCP connection being written.
type conn struct {
	w          *writer
	cli, srv   *Host
	cport      uint16
	sport      uint16
	cseq, sseq uint32
}

func (w *writer) dial(cli, srv *Host, cport, sport uint16, seed uint32) *conn {
	return &conn{w: w, cli: cli, srv: srv, cport: cport, sport: sport, cseq: seed * 7919, sseq: seed * 104729}
}

// seg writes one TCP segment; fromClient selects the direction.
func (c *conn) seg(fromClient bool, flags uint8, payload []byte) {
	a, b, sp, dp, seq, ackn := c.cli, c.srv, c.cport, c.sport, c.cseq, c.sseq
	if !fromClient {
		a, b, sp, dp, seq, ackn = c.srv, c.cli, c.sport, c.cport, c.sseq, c.cseq
	}
	c.w.eth(b.MAC, a.MAC, a.VLAN, 0x0800)
	var h [20]byte
	binary.BigEndian.PutUint16(h[0:], sp)
	binary.BigEndian.PutUint16(h[2:], dp)
	binary.BigEndian.PutUint32(h[4:], seq)
	if flags&ack != 0 {
		binary.BigEndian.PutUint32(h[8:], ackn)
	}
	h[12] = 5 << 4
	h[13] = flags
	binary.BigEndian.PutUint16(h[14:], 64240)
	l4 := append(h[:], payload...)
	c.w.ip4(a.IP, b.IP, 6, a.ttl(), l4)
	adv := uint32(len(payload))
	if flags&(syn|fin) != 0 {
		adv++
	}
	if fromClient {
		c.cseq += adv
	} else {
		c.sseq += adv
	}
}

func (c *conn) open() {
	c.seg(true, syn, nil)
	c.seg(false, syn|ack, nil)
	c.seg(true, ack, nil)
}

// send writes data in MSS-sized segments, acknowledged every second one.
func (c *conn) send(fromClient bool, data []byte) {
	const mss = 1460
	for i := 0; len(data) > 0; i++ {
		n := min(mss, len(data))
		flags := uint8(ack)
		if n == len(data) {
			flags |= psh
		}
		c.seg(fromClient, flags, data[:n])
		data = data[n:]
		if i%2 == 1 || len(data) == 0 {
			c.seg(!fromClient, ack, nil)
		}
	}
}

func (c *conn) close() {
	c.seg(true, fin|ack, nil)
	c.seg(false, fin|ack, nil)
	c.seg(true, ack, nil)
}
