package dissect

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// LLDP is a decoded LLDP data unit (EtherType 0x88cc): what a switch or a
// device says about itself and the port it is on.
type LLDP struct {
	ChassisID         string // a MAC in colon form when the subtype is MAC address
	ChassisSubtype    uint8
	PortID            string
	PortSubtype       uint8
	TTL               uint16
	PortDescription   string
	SystemName        string
	SystemDescription string
	Capabilities      uint16 // enabled system capabilities bitmap
	ManagementAddrs   []netip.Addr
}

// ParseLLDP decodes an LLDPDU (the Ethernet payload).
func ParseLLDP(b []byte) (*LLDP, error) {
	m := &LLDP{}
	off := 0
	for off+2 <= len(b) {
		h := binary.BigEndian.Uint16(b[off:])
		typ, l := int(h>>9), int(h&0x1ff)
		if typ == 0 {
			break
		}
		if off+2+l > len(b) {
			return m, fmt.Errorf("lldp: byte %d: TLV %d length %d runs past the end: %w", off, typ, l, ErrMalformed)
		}
		v := b[off+2 : off+2+l]
		switch typ {
		case 1, 2:
			if l < 2 {
				return m, fmt.Errorf("lldp: byte %d: ID TLV too short: %w", off, ErrMalformed)
			}
			id := lldpID(v[0], v[1:])
			if typ == 1 {
				m.ChassisSubtype, m.ChassisID = v[0], id
			} else {
				m.PortSubtype, m.PortID = v[0], id
			}
		case 3:
			if l >= 2 {
				m.TTL = binary.BigEndian.Uint16(v)
			}
		case 4:
			m.PortDescription = wireText(v)
		case 5:
			m.SystemName = wireText(v)
		case 6:
			m.SystemDescription = wireText(v)
		case 7:
			if l >= 4 {
				m.Capabilities = binary.BigEndian.Uint16(v[2:])
			}
		case 8:
			if l >= 2 {
				al := int(v[0]) // includes the subtype byte
				if al >= 1 && 1+al <= l {
					if a, ok := lldpAddr(v[1], v[2:1+al]); ok {
						m.ManagementAddrs = append(m.ManagementAddrs, a)
					}
				}
			}
		}
		off += 2 + l
	}
	if m.ChassisID == "" {
		return m, fmt.Errorf("lldp: byte 0: no chassis ID TLV: %w", ErrMalformed)
	}
	return m, nil
}

// lldpID formats a chassis or port ID by its subtype.
func lldpID(subtype uint8, v []byte) string {
	switch {
	case subtype == 4 && len(v) == 6: // chassis: MAC address
		return macString(v)
	case subtype == 5 && len(v) >= 1: // network address
		if a, ok := lldpAddr(v[0], v[1:]); ok {
			return a.String()
		}
	}
	return wireText(v)
}

// lldpAddr decodes an IANA address-family-numbered address.
func lldpAddr(family uint8, v []byte) (netip.Addr, bool) {
	switch {
	case family == 1 && len(v) == 4:
		return netip.AddrFrom4([4]byte(v)), true
	case family == 2 && len(v) == 16:
		return netip.AddrFrom16([16]byte(v)), true
	}
	return netip.Addr{}, false
}
