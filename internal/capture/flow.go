package capture

import (
	"net/netip"
	"time"
)

// Direction says which side of a flow sent a packet.
type Direction uint8

// The two directions of a flow.
const (
	FromClient Direction = 0 // sent by the initiator
	FromServer Direction = 1 // sent by the responder
)

// String returns "client" or "server".
func (d Direction) String() string {
	if d == FromServer {
		return "server"
	}
	return "client"
}

// FlowKey identifies a flow regardless of direction: A is the lower
// (address, port) pair of the two endpoints.
type FlowKey struct {
	A, B         netip.Addr
	APort, BPort uint16
	Proto        uint8
	VLAN         uint16
}

// Endpoint is one side of a flow.
type Endpoint struct {
	Addr netip.Addr
	Port uint16
	MAC  MAC // zero when the link layer carries none
}

// Flow is one conversation between two endpoints, as seen so far. Client is
// the initiator: the sender of the first SYN, or of the first packet seen
// when the capture started mid-conversation.
type Flow struct {
	Key            FlowKey
	Client, Server Endpoint
	Packets        [2]uint64 // by Direction
	Bytes          [2]uint64 // wire bytes by Direction
	FirstSeen      time.Time
	LastSeen       time.Time
	SawSYN         bool // the capture holds the opening handshake
	Answered       bool // the responder sent at least one packet
	Refused        bool // the responder answered with RST or ICMP unreachable
	// Handler receives the reassembled TCP streams; set by the table's
	// Sniff function when it recognises the first bytes.
	Handler StreamHandler
	// Data is free for the table's user (e.g. per-flow dissector state).
	Data any

	streams [2]stream
	tries   uint8 // sniff attempts so far
	fins    uint8 // bit per direction
	closed  bool
}

// StreamHandler consumes the reassembled bytes of a TCP flow. b holds the
// in-order bytes not yet consumed (bounded by TableConfig.MaxStreamBuffer);
// the handler returns how many it consumed. Bytes not consumed are kept and
// given again, with more, on the next call: a PDU split across segments is
// read whole. Returning StopStream stops delivery for that direction.
type StreamHandler interface {
	Data(f *Flow, dir Direction, b []byte, ts time.Time) (consumed int)
}

// GapHandler is optionally implemented by a StreamHandler that wants to know
// when bytes were lost (capture loss, or a PDU larger than the buffer): the
// unconsumed bytes of that direction are dropped and delivery resumes after
// the gap.
type GapHandler interface {
	Gap(f *Flow, dir Direction)
}

// StopStream is returned by StreamHandler.Data to stop delivery in a direction.
const StopStream = -1

// SniffFunc looks at the first in-order bytes a direction of a TCP flow
// carries and returns the handler for the flow, or nil when it does not
// recognise them. It is called for at most the first few payload-carrying
// segments of a flow; after that the flow is not reassembled.
type SniffFunc func(f *Flow, dir Direction, b []byte) StreamHandler

// directionOf returns the direction of a packet from (addr, port).
func (f *Flow) directionOf(addr netip.Addr, port uint16) Direction {
	if f.Client.Port == port && f.Client.Addr == addr && (f.Client.Port != f.Server.Port || f.Client.Addr != f.Server.Addr) {
		return FromClient
	}
	if f.Server.Port == port && f.Server.Addr == addr {
		return FromServer
	}
	return FromClient
}

// Closed reports whether the flow ended with RST or FIN in both directions.
func (f *Flow) Closed() bool { return f.closed }
