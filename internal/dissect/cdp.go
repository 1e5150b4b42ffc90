package dissect

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// CDPSNAP is the SNAP OUI (Cisco) and protocol id that carry CDP.
const (
	CDPOUI      = 0x00000c
	CDPSNAPType = 0x2000
)

// CDP is a decoded Cisco Discovery Protocol message.
type CDP struct {
	Version      uint8
	TTL          uint8
	DeviceID     string
	Addresses    []netip.Addr
	PortID       string
	Capabilities uint32
	Software     string
	Platform     string
	NativeVLAN   uint16
}

// ParseCDP decodes a CDP message: the payload after the LLC/SNAP header.
func ParseCDP(b []byte) (*CDP, error) {
	if len(b) < 4 {
		return nil, fmt.Errorf("cdp: %d bytes, shorter than the 4-byte header: %w", len(b), ErrMalformed)
	}
	m := &CDP{Version: b[0], TTL: b[1]}
	if m.Version != 1 && m.Version != 2 {
		return nil, fmt.Errorf("cdp: byte 0: unknown version %d: %w", m.Version, ErrMalformed)
	}
	off := 4
	for off+4 <= len(b) {
		typ := binary.BigEndian.Uint16(b[off:])
		l := int(binary.BigEndian.Uint16(b[off+2:]))
		if l < 4 || off+l > len(b) {
			return m, fmt.Errorf("cdp: byte %d: TLV %#x length %d is invalid: %w", off, typ, l, ErrMalformed)
		}
		v := b[off+4 : off+l]
		switch typ {
		case 0x01:
			m.DeviceID = wireText(v)
		case 0x02:
			m.Addresses = cdpAddresses(v)
		case 0x03:
			m.PortID = wireText(v)
		case 0x04:
			if len(v) == 4 {
				m.Capabilities = binary.BigEndian.Uint32(v)
			}
		case 0x05:
			m.Software = wireText(v)
		case 0x06:
			m.Platform = wireText(v)
		case 0x0a:
			if len(v) == 2 {
				m.NativeVLAN = binary.BigEndian.Uint16(v)
			}
		}
		off += l
	}
	return m, nil
}

// cdpAddresses decodes the Addresses TLV, keeping IPv4 and IPv6 entries.
func cdpAddresses(v []byte) []netip.Addr {
	if len(v) < 4 {
		return nil
	}
	n := int(binary.BigEndian.Uint32(v))
	v = v[4:]
	var out []netip.Addr
	for i := 0; i < n && i < 16 && len(v) >= 2; i++ {
		pl := int(v[1])
		if len(v) < 2+pl+2 {
			break
		}
		proto := v[2 : 2+pl]
		al := int(binary.BigEndian.Uint16(v[2+pl:]))
		if len(v) < 4+pl+al {
			break
		}
		a := v[4+pl : 4+pl+al]
		switch {
		case pl == 1 && proto[0] == 0xcc && al == 4:
			out = append(out, netip.AddrFrom4([4]byte(a)))
		case pl == 8 && binary.BigEndian.Uint16(proto[6:]) == 0x86dd && al == 16:
			out = append(out, netip.AddrFrom16([16]byte(a)))
		}
		v = v[4+pl+al:]
	}
	return out
}
