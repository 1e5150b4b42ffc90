package capture

import (
	"encoding/binary"
	"errors"
	"net/netip"
)

// MAC is an Ethernet address.
type MAC [6]byte

// String returns the lower-case colon-separated form.
func (m MAC) String() string {
	const hex = "0123456789abcdef"
	var b [17]byte
	for i, c := range m {
		if i > 0 {
			b[i*3-1] = ':'
		}
		b[i*3] = hex[c>>4]
		b[i*3+1] = hex[c&0xf]
	}
	return string(b[:])
}

// IsZero reports whether m is 00:00:00:00:00:00.
func (m MAC) IsZero() bool { return m == MAC{} }

// IsGroup reports whether m is a broadcast or multicast address.
func (m MAC) IsGroup() bool { return m[0]&1 != 0 }

// EtherTypes the decoder follows.
const (
	EtherTypeIPv4 = 0x0800
	EtherTypeARP  = 0x0806
	EtherTypeIPv6 = 0x86dd
	EtherTypeLLDP = 0x88cc
)

// IP protocol numbers the decoder follows.
const (
	ProtoICMP   = 1
	ProtoTCP    = 6
	ProtoUDP    = 17
	ProtoICMPv6 = 58
)

// TCP flag bits.
const (
	TCPFin = 0x01
	TCPSyn = 0x02
	TCPRst = 0x04
	TCPPsh = 0x08
	TCPAck = 0x10
)

// Decode errors. They are values so that decoding never allocates.
var (
	ErrTruncated   = errors.New("packet truncated")
	ErrUnsupported = errors.New("unsupported link or network type")
	ErrMalformed   = errors.New("malformed header")
)

// ARP holds an ARP packet's addresses (Ethernet/IPv4 only).
type ARP struct {
	Op        uint16 // 1 request, 2 reply
	SenderMAC MAC
	SenderIP  netip.Addr
	TargetMAC MAC
	TargetIP  netip.Addr
}

// Decoded is one packet's headers. Decode overwrites every field, so one
// value can be reused for every packet; Payload points into the packet data.
type Decoded struct {
	HasMAC    bool
	SrcMAC    MAC
	DstMAC    MAC
	VLANs     [2]uint16 // outer first
	NVLAN     int
	EtherType uint16 // 0 for 802.3 LLC frames
	LLC       bool   // 802.3 frame with an LLC header
	SNAPOUI   uint32 // with LLC: the SNAP OUI, if a SNAP header follows
	SNAPType  uint16

	IsARP bool
	ARP   ARP

	IPVersion  uint8 // 0 when the packet carries no IP
	Src, Dst   netip.Addr
	Proto      uint8
	TTL        uint8
	Fragment   bool   // part of a fragmented datagram (not reassembled)
	FragOffset uint16 // in bytes

	SrcPort, DstPort uint16
	TCPFlags         uint8
	Seq, Ack         uint32

	// Payload is the innermost payload decoded: the TCP or UDP payload, the
	// IP payload for other protocols, or the frame payload for LLC/LLDP.
	Payload []byte
}

// VLAN returns the innermost VLAN id, or 0 when the frame is untagged.
func (d *Decoded) VLAN() uint16 {
	if d.NVLAN == 0 {
		return 0
	}
	return d.VLANs[d.NVLAN-1]
}

// Decode decodes data of the given link type into d without allocating.
// On error d holds whatever was decoded before the failure.
func Decode(link LinkType, data []byte, d *Decoded) error {
	*d = Decoded{}
	switch link {
	case LinkEthernet:
		return d.ethernet(data)
	case LinkRaw, LinkIPv4, LinkIPv6:
		if len(data) == 0 {
			return ErrTruncated
		}
		switch data[0] >> 4 {
		case 4:
			return d.ipv4(data)
		case 6:
			return d.ipv6(data)
		}
		return ErrUnsupported
	case LinkLinuxSLL:
		if len(data) < 16 {
			return ErrTruncated
		}
		if binary.BigEndian.Uint16(data[4:]) == 6 {
			d.HasMAC = true
			copy(d.SrcMAC[:], data[6:12])
		}
		return d.etherType(binary.BigEndian.Uint16(data[14:]), data[16:])
	case LinkLinuxSLL2:
		if len(data) < 20 {
			return ErrTruncated
		}
		if data[11] == 6 {
			d.HasMAC = true
			copy(d.SrcMAC[:], data[12:18])
		}
		return d.etherType(binary.BigEndian.Uint16(data), data[20:])
	case LinkNull, LinkLoop:
		if len(data) < 4 {
			return ErrTruncated
		}
		fam := binary.LittleEndian.Uint32(data)
		if link == LinkLoop || fam > 0xffff {
			fam = binary.BigEndian.Uint32(data)
		}
		switch fam {
		case 2:
			return d.ipv4(data[4:])
		case 10, 24, 28, 30:
			return d.ipv6(data[4:])
		}
		return ErrUnsupported
	}
	return ErrUnsupported
}

func (d *Decoded) ethernet(b []byte) error {
	if len(b) < 14 {
		return ErrTruncated
	}
	d.HasMAC = true
	copy(d.DstMAC[:], b[0:6])
	copy(d.SrcMAC[:], b[6:12])
	typ := binary.BigEndian.Uint16(b[12:])
	b = b[14:]
	for typ == 0x8100 || typ == 0x88a8 || typ == 0x9100 {
		if len(b) < 4 {
			return ErrTruncated
		}
		if d.NVLAN < len(d.VLANs) {
			d.VLANs[d.NVLAN] = binary.BigEndian.Uint16(b) & 0x0fff
			d.NVLAN++
		} else {
			d.VLANs[len(d.VLANs)-1] = binary.BigEndian.Uint16(b) & 0x0fff
		}
		typ = binary.BigEndian.Uint16(b[2:])
		b = b[4:]
	}
	if typ <= 1500 {
		if int(typ) < len(b) {
			b = b[:typ] // drop Ethernet padding
		}
		return d.llc(b)
	}
	return d.etherType(typ, b)
}

func (d *Decoded) llc(b []byte) error {
	d.LLC = true
	if len(b) < 3 {
		return ErrTruncated
	}
	if b[0] == 0xaa && b[1] == 0xaa && b[2] == 0x03 {
		if len(b) < 8 {
			return ErrTruncated
		}
		d.SNAPOUI = uint32(b[3])<<16 | uint32(b[4])<<8 | uint32(b[5])
		d.SNAPType = binary.BigEndian.Uint16(b[6:])
		d.Payload = b[8:]
		return nil
	}
	d.Payload = b[3:]
	return nil
}

func (d *Decoded) etherType(typ uint16, b []byte) error {
	d.EtherType = typ
	switch typ {
	case EtherTypeIPv4:
		return d.ipv4(b)
	case EtherTypeIPv6:
		return d.ipv6(b)
	case EtherTypeARP:
		return d.arp(b)
	}
	d.Payload = b
	return nil
}

func (d *Decoded) arp(b []byte) error {
	if len(b) < 8 {
		return ErrTruncated
	}
	// Only Ethernet hardware and IPv4 protocol addresses.
	if binary.BigEndian.Uint16(b) != 1 || binary.BigEndian.Uint16(b[2:]) != EtherTypeIPv4 || b[4] != 6 || b[5] != 4 {
		return ErrUnsupported
	}
	if len(b) < 28 {
		return ErrTruncated
	}
	d.IsARP = true
	d.ARP.Op = binary.BigEndian.Uint16(b[6:])
	copy(d.ARP.SenderMAC[:], b[8:14])
	d.ARP.SenderIP = netip.AddrFrom4([4]byte(b[14:18]))
	copy(d.ARP.TargetMAC[:], b[18:24])
	d.ARP.TargetIP = netip.AddrFrom4([4]byte(b[24:28]))
	return nil
}

func (d *Decoded) ipv4(b []byte) error {
	if len(b) < 20 {
		return ErrTruncated
	}
	if b[0]>>4 != 4 {
		return ErrMalformed
	}
	ihl := int(b[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(b[2:]))
	if ihl < 20 || total < ihl {
		return ErrMalformed
	}
	if len(b) < ihl {
		return ErrTruncated
	}
	d.IPVersion = 4
	d.TTL = b[8]
	d.Proto = b[9]
	d.Src = netip.AddrFrom4([4]byte(b[12:16]))
	d.Dst = netip.AddrFrom4([4]byte(b[16:20]))
	frag := binary.BigEndian.Uint16(b[6:])
	d.FragOffset = (frag & 0x1fff) * 8
	d.Fragment = frag&0x2000 != 0 || d.FragOffset != 0
	if total < len(b) {
		b = b[:total] // drop link-layer padding
	}
	b = b[ihl:]
	if d.FragOffset != 0 {
		d.Payload = b
		return nil
	}
	return d.transport(b)
}

func (d *Decoded) ipv6(b []byte) error {
	if len(b) < 40 {
		return ErrTruncated
	}
	if b[0]>>4 != 6 {
		return ErrMalformed
	}
	d.IPVersion = 6
	plen := int(binary.BigEndian.Uint16(b[4:]))
	next := b[6]
	d.TTL = b[7]
	d.Src = netip.AddrFrom16([16]byte(b[8:24]))
	d.Dst = netip.AddrFrom16([16]byte(b[24:40]))
	b = b[40:]
	if plen != 0 && plen < len(b) {
		b = b[:plen]
	}
	for range 8 {
		switch next {
		case 0, 43, 60, 135, 139, 140: // hop-by-hop, routing, destination, mobility, HIP, shim6
			if len(b) < 8 {
				return ErrTruncated
			}
			l := 8 + int(b[1])*8
			if len(b) < l {
				return ErrTruncated
			}
			next, b = b[0], b[l:]
		case 51: // AH
			if len(b) < 8 {
				return ErrTruncated
			}
			l := (int(b[1]) + 2) * 4
			if len(b) < l {
				return ErrTruncated
			}
			next, b = b[0], b[l:]
		case 44: // fragment
			if len(b) < 8 {
				return ErrTruncated
			}
			off := binary.BigEndian.Uint16(b[2:])
			d.FragOffset = off &^ 7
			d.Fragment = true
			next, b = b[0], b[8:]
			if d.FragOffset != 0 {
				d.Proto = next
				d.Payload = b
				return nil
			}
		default:
			d.Proto = next
			return d.transport(b)
		}
	}
	return ErrMalformed
}

func (d *Decoded) transport(b []byte) error {
	switch d.Proto {
	case ProtoTCP:
		if len(b) < 20 {
			return ErrTruncated
		}
		off := int(b[12]>>4) * 4
		if off < 20 {
			return ErrMalformed
		}
		if len(b) < off {
			return ErrTruncated
		}
		d.SrcPort = binary.BigEndian.Uint16(b)
		d.DstPort = binary.BigEndian.Uint16(b[2:])
		d.Seq = binary.BigEndian.Uint32(b[4:])
		d.Ack = binary.BigEndian.Uint32(b[8:])
		d.TCPFlags = b[13]
		d.Payload = b[off:]
	case ProtoUDP:
		if len(b) < 8 {
			return ErrTruncated
		}
		d.SrcPort = binary.BigEndian.Uint16(b)
		d.DstPort = binary.BigEndian.Uint16(b[2:])
		if l := int(binary.BigEndian.Uint16(b[4:])); l >= 8 && l < len(b) {
			b = b[:l]
		}
		d.Payload = b[8:]
	default:
		d.Payload = b
	}
	return nil
}
