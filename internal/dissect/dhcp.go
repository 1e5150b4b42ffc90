package dissect

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// DHCP message types (option 53).
const (
	DHCPDiscover = 1
	DHCPOffer    = 2
	DHCPRequest  = 3
	DHCPDecline  = 4
	DHCPAck      = 5
	DHCPNak      = 6
	DHCPRelease  = 7
	DHCPInform   = 8
)

var dhcpTypeNames = [...]string{"", "DISCOVER", "OFFER", "REQUEST", "DECLINE", "ACK", "NAK", "RELEASE", "INFORM"}

// DHCP is a decoded DHCPv4 message: the fields and options that identify a
// device. Zero values mean the message did not carry them.
type DHCP struct {
	Op           uint8 // 1 request (client), 2 reply (server)
	MessageType  uint8 // option 53
	XID          uint32
	ClientMAC    string     // chaddr, when the hardware type is Ethernet
	ClientIP     netip.Addr // ciaddr
	YourIP       netip.Addr // yiaddr: the address assigned
	RelayIP      netip.Addr // giaddr
	Hostname     string     // option 12
	Domain       string     // option 15
	RequestedIP  netip.Addr // option 50
	LeaseSeconds uint32     // option 51
	ServerID     netip.Addr // option 54
	ParamRequest []byte     // option 55, in the order the client asked
	VendorClass  string     // option 60
	ClientID     []byte     // option 61
}

// MessageTypeName returns "DISCOVER", "ACK", ... or "" when unknown.
func (d *DHCP) MessageTypeName() string {
	if int(d.MessageType) < len(dhcpTypeNames) {
		return dhcpTypeNames[d.MessageType]
	}
	return ""
}

// Fingerprint returns the parameter request list as decimal codes joined by
// commas ("1,3,6,42"), the usual DHCP operating-system fingerprint.
func (d *DHCP) Fingerprint() string {
	var b strings.Builder
	for i, c := range d.ParamRequest {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(int(c)))
	}
	return b.String()
}

// ParseDHCP decodes a DHCPv4 (BOOTP) message from a UDP payload.
func ParseDHCP(b []byte) (*DHCP, error) {
	if len(b) < 240 {
		return nil, fmt.Errorf("dhcp: %d bytes, shorter than the 240-byte header: %w", len(b), ErrMalformed)
	}
	if binary.BigEndian.Uint32(b[236:]) != 0x63825363 {
		return nil, fmt.Errorf("dhcp: byte 236: no magic cookie: %w", ErrMalformed)
	}
	if b[0] != 1 && b[0] != 2 {
		return nil, fmt.Errorf("dhcp: byte 0: op %d is neither request nor reply: %w", b[0], ErrMalformed)
	}
	d := &DHCP{
		Op:       b[0],
		XID:      binary.BigEndian.Uint32(b[4:]),
		ClientIP: netip.AddrFrom4([4]byte(b[12:16])),
		YourIP:   netip.AddrFrom4([4]byte(b[16:20])),
		RelayIP:  netip.AddrFrom4([4]byte(b[24:28])),
	}
	if b[1] == 1 && b[2] == 6 {
		d.ClientMAC = macString(b[28:34])
	}
	for i := 240; i < len(b); {
		code := b[i]
		if code == 0 {
			i++
			continue
		}
		if code == 255 {
			break
		}
		if i+1 >= len(b) {
			return d, fmt.Errorf("dhcp: byte %d: option %d has no length: %w", i, code, ErrMalformed)
		}
		l := int(b[i+1])
		if i+2+l > len(b) {
			return d, fmt.Errorf("dhcp: byte %d: option %d length %d runs past the end: %w", i, code, l, ErrMalformed)
		}
		v := b[i+2 : i+2+l]
		switch code {
		case 12:
			d.Hostname = wireText(v)
		case 15:
			d.Domain = wireText(v)
		case 50:
			if l == 4 {
				d.RequestedIP = netip.AddrFrom4([4]byte(v))
			}
		case 51:
			if l == 4 {
				d.LeaseSeconds = binary.BigEndian.Uint32(v)
			}
		case 53:
			if l == 1 {
				d.MessageType = v[0]
			}
		case 54:
			if l == 4 {
				d.ServerID = netip.AddrFrom4([4]byte(v))
			}
		case 55:
			d.ParamRequest = append([]byte(nil), v...)
		case 60:
			d.VendorClass = wireText(v)
		case 61:
			d.ClientID = append([]byte(nil), v...)
		}
		i += 2 + l
	}
	return d, nil
}

// macString formats 6 bytes as a lower-case colon-separated MAC.
func macString(b []byte) string {
	const hex = "0123456789abcdef"
	out := make([]byte, 0, 17)
	for i, c := range b {
		if i > 0 {
			out = append(out, ':')
		}
		out = append(out, hex[c>>4], hex[c&0xf])
	}
	return string(out)
}

// wireText returns b as a string with control and non-ASCII bytes replaced
// by '?' and trailing NULs dropped, so that it is safe to print.
func wireText(b []byte) string {
	for len(b) > 0 && b[len(b)-1] == 0 {
		b = b[:len(b)-1]
	}
	clean := true
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			clean = false
			break
		}
	}
	if clean {
		return string(b)
	}
	out := make([]byte, len(b))
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			c = '?'
		}
		out[i] = c
	}
	return string(out)
}
