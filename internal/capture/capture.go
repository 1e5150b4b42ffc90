// Package capture reads packets from pcap and pcapng files (optionally
// gzipped) and from a live interface, decodes their link, network and
// transport headers without allocating, and keeps a flow table with bounded
// TCP reassembly that application dissectors plug into.
package capture

import (
	"fmt"
	"time"
)

// LinkType is a pcap/pcapng link-layer header type (LINKTYPE_*).
type LinkType uint32

// Link types the decoder understands.
const (
	LinkNull      LinkType = 0   // BSD loopback, host-order family
	LinkEthernet  LinkType = 1   // Ethernet II / 802.3
	LinkRaw       LinkType = 101 // raw IPv4 or IPv6
	LinkLoop      LinkType = 108 // OpenBSD loopback, network-order family
	LinkLinuxSLL  LinkType = 113 // Linux cooked capture v1
	LinkIPv4      LinkType = 228 // raw IPv4
	LinkIPv6      LinkType = 229 // raw IPv6
	LinkLinuxSLL2 LinkType = 276 // Linux cooked capture v2
)

// Packet is one captured frame. Data points into the reader's buffer and is
// valid only until the next call to ReadPacket.
type Packet struct {
	Timestamp time.Time
	Link      LinkType
	Interface int    // pcapng interface index; 0 for pcap and live
	Length    int    // original length on the wire
	Data      []byte // the captured bytes (may be shorter than Length)
}

// Source yields packets one by one.
type Source interface {
	// Name names the source for errors and reports: a file path or "live:eth0".
	Name() string
	// ReadPacket fills p with the next packet. It returns io.EOF at the end.
	ReadPacket(p *Packet) error
	// Close releases the source.
	Close() error
}

// Warner is implemented by sources that can end early on recoverable damage,
// such as a truncated last record. Warnings never contain packet contents.
type Warner interface {
	Warnings() []string
}

// Offsetter is implemented by file sources: the byte offset at which the
// packet last read starts, for errors about it.
type Offsetter interface {
	Offset() int64
}

// FormatError reports malformed capture data at a byte offset of a file.
type FormatError struct {
	File   string
	Offset int64
	Msg    string
}

// Error returns "file: byte N: message".
func (e *FormatError) Error() string {
	return fmt.Sprintf("%s: byte %d: %s", e.File, e.Offset, e.Msg)
}
