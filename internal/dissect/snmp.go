package dissect

import (
	"fmt"
	"strconv"
	"strings"
)

// SNMP is a decoded SNMP message. For v1 and v2c the community string
// travels in clear text; for v3 only the user name is visible.
type SNMP struct {
	Version   int    // 0 for v1, 1 for v2c, 3 for v3 (the wire value)
	Community string // v1 and v2c
	User      string // v3 msgUserName, when not encrypted away
	PDU       string // "get-request", "get-response", "trap", ...; "" for encrypted v3
	Varbinds  []SNMPVarbind
}

// SNMPVarbind is one OID and its value, when the value is text, an OID or
// a number.
type SNMPVarbind struct {
	OID   string
	Value string
}

// Well-known OIDs a response can identify a device with.
const (
	OIDSysDescr    = "1.3.6.1.2.1.1.1.0"
	OIDSysObjectID = "1.3.6.1.2.1.1.2.0"
	OIDSysName     = "1.3.6.1.2.1.1.5.0"
	OIDSysLocation = "1.3.6.1.2.1.1.6.0"
)

// VersionName returns "v1", "v2c" or "v3".
func (m *SNMP) VersionName() string {
	switch m.Version {
	case 0:
		return "v1"
	case 1:
		return "v2c"
	case 3:
		return "v3"
	}
	return "v" + strconv.Itoa(m.Version)
}

// Value returns the value of oid among the varbinds, or "".
func (m *SNMP) Value(oid string) string {
	for _, v := range m.Varbinds {
		if v.OID == oid {
			return v.Value
		}
	}
	return ""
}

var snmpPDUNames = map[byte]string{
	0xa0: "get-request", 0xa1: "get-next-request", 0xa2: "get-response", 0xa3: "set-request",
	0xa4: "trap", 0xa5: "get-bulk-request", 0xa6: "inform-request", 0xa7: "snmpv2-trap", 0xa8: "report",
}

// snmpMaxVarbinds bounds the varbinds decoded from one message.
const snmpMaxVarbinds = 128

// ber is a cursor over BER-encoded bytes that remembers its absolute offset.
type ber struct {
	b    []byte
	base int
}

// next reads one TLV and returns its tag, its content as a sub-cursor, and
// advances past it.
func (c *ber) next() (tag byte, v ber, err error) {
	if len(c.b) < 2 {
		return 0, v, fmt.Errorf("snmp: byte %d: TLV truncated: %w", c.base, ErrMalformed)
	}
	tag = c.b[0]
	l := int(c.b[1])
	hdr := 2
	if l&0x80 != 0 {
		n := l & 0x7f
		if n == 0 || n > 3 || len(c.b) < 2+n {
			return 0, v, fmt.Errorf("snmp: byte %d: bad length encoding: %w", c.base+1, ErrMalformed)
		}
		l = 0
		for _, x := range c.b[2 : 2+n] {
			l = l<<8 | int(x)
		}
		hdr += n
	}
	if len(c.b) < hdr+l {
		return 0, v, fmt.Errorf("snmp: byte %d: length %d runs past the end: %w", c.base, l, ErrMalformed)
	}
	v = ber{b: c.b[hdr : hdr+l], base: c.base + hdr}
	c.b = c.b[hdr+l:]
	c.base += hdr + l
	return tag, v, nil
}

// expect reads one TLV with the given tag.
func (c *ber) expect(tag byte, what string) (ber, error) {
	at := c.base
	t, v, err := c.next()
	if err != nil {
		return v, err
	}
	if t != tag {
		return v, fmt.Errorf("snmp: byte %d: %s has tag %#x, want %#x: %w", at, what, t, tag, ErrMalformed)
	}
	return v, nil
}

func berInt(b []byte) int64 {
	var n int64
	for i, x := range b {
		if i == 0 && x&0x80 != 0 {
			n = -1
		}
		n = n<<8 | int64(x)
	}
	return n
}

func berOID(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	var sb strings.Builder
	var n uint64
	first := true
	for _, x := range b {
		n = n<<7 | uint64(x&0x7f)
		if x&0x80 != 0 {
			continue
		}
		if first {
			a := n / 40
			if a > 2 {
				a = 2
			}
			sb.WriteString(strconv.FormatUint(a, 10))
			sb.WriteByte('.')
			sb.WriteString(strconv.FormatUint(n-40*a, 10))
			first = false
		} else {
			sb.WriteByte('.')
			sb.WriteString(strconv.FormatUint(n, 10))
		}
		n = 0
	}
	return sb.String()
}

// ParseSNMP decodes an SNMP message from a UDP payload.
func ParseSNMP(b []byte) (*SNMP, error) {
	top := ber{b: b}
	msg, err := top.expect(0x30, "message")
	if err != nil {
		return nil, err
	}
	ver, err := msg.expect(0x02, "version")
	if err != nil {
		return nil, err
	}
	if len(ver.b) != 1 {
		return nil, fmt.Errorf("snmp: byte %d: version is %d bytes long: %w", ver.base, len(ver.b), ErrMalformed)
	}
	m := &SNMP{Version: int(ver.b[0])}
	switch m.Version {
	case 0, 1:
		comm, err := msg.expect(0x04, "community")
		if err != nil {
			return nil, err
		}
		m.Community = wireText(comm.b)
		return m, snmpPDU(m, &msg)
	case 3:
		if _, err := msg.expect(0x30, "msgGlobalData"); err != nil {
			return m, err
		}
		sec, err := msg.expect(0x04, "msgSecurityParameters")
		if err != nil {
			return m, err
		}
		// USM: SEQUENCE { engineID, boots, time, userName, auth, priv }
		if usm, err := sec.expect(0x30, "usm"); err == nil {
			for i := 0; i < 4; i++ {
				t, v, err := usm.next()
				if err != nil {
					break
				}
				if i == 3 && t == 0x04 {
					m.User = wireText(v.b)
				}
			}
		}
		// A scopedPDU in clear is a SEQUENCE; an encrypted one is an OCTET STRING.
		if len(msg.b) > 0 && msg.b[0] == 0x30 {
			scoped, err := msg.expect(0x30, "scopedPDU")
			if err != nil {
				return m, err
			}
			if _, err := scoped.expect(0x04, "contextEngineID"); err != nil {
				return m, err
			}
			if _, err := scoped.expect(0x04, "contextName"); err != nil {
				return m, err
			}
			return m, snmpPDU(m, &scoped)
		}
		return m, nil
	}
	return nil, fmt.Errorf("snmp: byte %d: unknown version %d: %w", ver.base, m.Version, ErrMalformed)
}

// snmpPDU decodes the PDU at c into m.
func snmpPDU(m *SNMP, c *ber) error {
	at := c.base
	tag, pdu, err := c.next()
	if err != nil {
		return err
	}
	name, ok := snmpPDUNames[tag]
	if !ok {
		return fmt.Errorf("snmp: byte %d: unknown PDU tag %#x: %w", at, tag, ErrMalformed)
	}
	m.PDU = name
	if tag == 0xa4 { // v1 trap: enterprise, agent-addr, generic, specific, timestamp
		for i := 0; i < 5; i++ {
			if _, _, err := pdu.next(); err != nil {
				return err
			}
		}
	} else { // request-id, error-status, error-index
		for i := 0; i < 3; i++ {
			if _, _, err := pdu.next(); err != nil {
				return err
			}
		}
	}
	list, err := pdu.expect(0x30, "varbind list")
	if err != nil {
		return err
	}
	for len(list.b) > 0 && len(m.Varbinds) < snmpMaxVarbinds {
		vb, err := list.expect(0x30, "varbind")
		if err != nil {
			return err
		}
		oid, err := vb.expect(0x06, "OID")
		if err != nil {
			return err
		}
		t, val, err := vb.next()
		if err != nil {
			return err
		}
		v := SNMPVarbind{OID: berOID(oid.b)}
		switch t {
		case 0x04:
			v.Value = wireText(val.b)
		case 0x06:
			v.Value = berOID(val.b)
		case 0x02, 0x41, 0x42, 0x43, 0x46:
			if len(val.b) <= 8 {
				v.Value = strconv.FormatInt(berInt(val.b), 10)
			}
		case 0x40:
			if len(val.b) == 4 {
				v.Value = fmt.Sprintf("%d.%d.%d.%d", val.b[0], val.b[1], val.b[2], val.b[3])
			}
		}
		m.Varbinds = append(m.Varbinds, v)
	}
	return nil
}
