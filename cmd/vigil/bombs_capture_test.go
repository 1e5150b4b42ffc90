//go:build linux

package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"io"
	"strings"
)

// The capture bombs (vigil discover; no route uploads a capture, so they
// run through the CLI only): gzip inflating past --max-inflated (the
// default, and a lowered one), a pcapng
// block claiming 2 GiB, more distinct addresses than --max-hosts, a 60 KB
// HL7 field past --max-field-bytes.
func init() {
	moreBombs = append(moreBombs, func() []bomb {
		discover := []string{"discover", "--import"}
		return []bomb{
			// 1.1 GiB of zeroed records in a 1 MB gzip: the default
			// --max-inflated (1 GiB) stops it.
			{name: "inflate-bomb.pcap.gz", want: "--max-inflated", cli: true, args: discover, write: func(w *bufio.Writer) {
				zeroRecords(w, 70) // 70 times 16 MiB
			}},
			// 32 MiB unpacked past a lowered --max-inflated.
			{name: "inflate-small.pcap.gz", want: "--max-inflated", cli: true, args: discover, flags: []string{"--max-inflated", "1MiB"}, write: func(w *bufio.Writer) {
				zeroRecords(w, 2)
			}},
			// A pcapng enhanced packet block claiming 2 GiB.
			{name: "huge-block.pcapng", want: "--max-record-bytes", cli: true, args: discover, write: func(w *bufio.Writer) {
				b := []byte{0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 0x4d, 0x3c, 0x2b, 0x1a, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 28, 0, 0, 0}
				b = append(b, 1, 0, 0, 0, 20, 0, 0, 0, 1, 0, 0, 0, 0xff, 0xff, 0, 0, 20, 0, 0, 0) // IDB, Ethernet
				b = append(b, 6, 0, 0, 0, 0xf0, 0xff, 0xff, 0x7f)                                 // EPB of 2 GiB
				w.Write(b)
				repeat(w, "\x00", 1<<20)
			}},
			// 300,000 hosts, each its own MAC and IP (600,000 addresses),
			// past the default --max-hosts of 400,000; then 20,000 past a
			// lowered one.
			{name: "host-bomb.pcap", want: "--max-hosts", cli: true, args: discover, write: func(w *bufio.Writer) {
				writePcapHeader(w)
				for i := range 300_000 {
					w.Write(tinyFrameRecord(uint32(i + 1)))
				}
			}},
			{name: "host-bomb-small.pcap", want: "--max-hosts", cli: true, args: discover, flags: []string{"--max-hosts", "10000"}, write: func(w *bufio.Writer) {
				writePcapHeader(w)
				for i := range 20_000 {
					w.Write(tinyFrameRecord(uint32(i + 1)))
				}
			}},
			// An HL7 message over MLLP whose sending application is 60 KB.
			{name: "hl7-field.pcap", want: "--max-field-bytes", cli: true, args: discover, flags: []string{"--max-field-bytes", "4KiB"}, write: func(w *bufio.Writer) {
				writePcapHeader(w)
				msg := "\x0bMSH|^~\\&|" + strings.Repeat("A", 60<<10) + "|WARD|LIS|LAB|20240101120000||ORU^R01|1|P|2.5\r\x1c\x0d"
				w.Write(frameRecord(1, 6, 40000, 2575, []byte(msg)))
			}},
		}
	})
}

// zeroRecords writes a gzipped pcap of n times 16 MiB of zeroed 64 KiB
// records: gzip members one after the other (a gzip reader reads them as
// one stream), the 16 MiB compressed once.
func zeroRecords(w *bufio.Writer, n int) {
	member := func(fill func(w io.Writer)) []byte {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		fill(zw)
		zw.Close()
		return b.Bytes()
	}
	w.Write(member(writePcapHeader))
	zeros := member(func(w io.Writer) {
		rec := make([]byte, 16+65520)
		binary.LittleEndian.PutUint32(rec[8:], 65520)
		binary.LittleEndian.PutUint32(rec[12:], 65520)
		for range (16 << 20) / len(rec) {
			w.Write(rec)
		}
	})
	for range n {
		w.Write(zeros)
	}
}

// pcapHeader is a little-endian pcap file header of Ethernet frames.
var pcapHeader = []byte{0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0}

// writePcapHeader writes pcapHeader.
func writePcapHeader(w io.Writer) { w.Write(pcapHeader) }

// tinyFrameRecord is a syslog datagram from host i: MAC 02:00:<i>,
// IP 10.<i>.
func tinyFrameRecord(i uint32) []byte { return frameRecord(i, 17, 40000, 514, []byte("<14>x")) }

// frameRecord is a pcap record of an Ethernet IPv4 frame from host i to
// 10.255.255.254 carrying payload over proto (6 TCP, 17 UDP).
func frameRecord(i uint32, proto byte, sport, dport uint16, payload []byte) []byte {
	l4 := 8
	if proto == 6 {
		l4 = 20
	}
	n := 14 + 20 + l4 + len(payload)
	b := binary.LittleEndian.AppendUint32(nil, 1_700_000_000+i/1000)
	b = binary.LittleEndian.AppendUint32(b, i%1000*1000)
	b = binary.LittleEndian.AppendUint32(b, uint32(n))
	b = binary.LittleEndian.AppendUint32(b, uint32(n))
	b = append(b, 0x02, 0, 0, 0, 0, 1, 0x02, 0)
	b = binary.BigEndian.AppendUint32(b, i)
	b = append(b, 0x08, 0x00, 0x45, 0)
	b = binary.BigEndian.AppendUint16(b, uint16(n-14))
	b = append(b, 0, 0, 0, 0, 64, proto, 0, 0)
	b = binary.BigEndian.AppendUint32(b, 10<<24|i&0xffffff)
	b = append(b, 10, 255, 255, 254)
	b = binary.BigEndian.AppendUint16(b, sport)
	b = binary.BigEndian.AppendUint16(b, dport)
	if proto == 6 {
		b = append(b, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0)
	} else {
		b = binary.BigEndian.AppendUint16(b, uint16(8+len(payload)))
		b = append(b, 0, 0)
	}
	return append(b, payload...)
}
