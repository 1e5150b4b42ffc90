package dissect

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strings"
)

// DNS record types Vigil reads.
const (
	DNSTypeA     = 1
	DNSTypeNS    = 2
	DNSTypeCNAME = 5
	DNSTypePTR   = 12
	DNSTypeTXT   = 16
	DNSTypeAAAA  = 28
	DNSTypeSRV   = 33
	DNSTypeANY   = 255
)

// DNSQuestion is one entry of the question section.
type DNSQuestion struct {
	Name  string
	Type  uint16
	Class uint16 // without the mDNS unicast-response bit
}

// DNSRecord is one resource record. Only the fields its type uses are set.
type DNSRecord struct {
	Name   string
	Type   uint16
	Class  uint16 // without the mDNS cache-flush bit
	TTL    uint32
	Addr   netip.Addr // A, AAAA
	Target string     // PTR, CNAME, NS, SRV
	Port   uint16     // SRV
	Text   []string   // TXT
}

// DNS is a decoded DNS, mDNS or DNS-SD message.
type DNS struct {
	ID         uint16
	Response   bool
	Opcode     uint8
	RCode      uint8
	Questions  []DNSQuestion
	Answers    []DNSRecord
	Authority  []DNSRecord
	Additional []DNSRecord
}

// dnsMaxRecords bounds the records decoded per section so a forged count
// cannot make the parser loop for long.
const dnsMaxRecords = 256

// ParseDNS decodes a DNS message from a UDP payload (DNS, mDNS, LLMNR).
func ParseDNS(b []byte) (*DNS, error) {
	if len(b) < 12 {
		return nil, fmt.Errorf("dns: %d bytes, shorter than the 12-byte header: %w", len(b), ErrMalformed)
	}
	m := &DNS{
		ID:       binary.BigEndian.Uint16(b),
		Response: b[2]&0x80 != 0,
		Opcode:   (b[2] >> 3) & 0x0f,
		RCode:    b[3] & 0x0f,
	}
	counts := [4]int{
		int(binary.BigEndian.Uint16(b[4:])), int(binary.BigEndian.Uint16(b[6:])),
		int(binary.BigEndian.Uint16(b[8:])), int(binary.BigEndian.Uint16(b[10:])),
	}
	off := 12
	for i := 0; i < counts[0] && i < dnsMaxRecords; i++ {
		name, n, err := dnsName(b, off)
		if err != nil {
			return m, err
		}
		off = n
		if off+4 > len(b) {
			return m, fmt.Errorf("dns: byte %d: question truncated: %w", off, ErrMalformed)
		}
		m.Questions = append(m.Questions, DNSQuestion{
			Name: name, Type: binary.BigEndian.Uint16(b[off:]), Class: binary.BigEndian.Uint16(b[off+2:]) & 0x7fff,
		})
		off += 4
	}
	sections := []*[]DNSRecord{&m.Answers, &m.Authority, &m.Additional}
	for s, dst := range sections {
		for i := 0; i < counts[s+1] && i < dnsMaxRecords; i++ {
			r, n, err := dnsRecord(b, off)
			if err != nil {
				return m, err
			}
			off = n
			*dst = append(*dst, r)
		}
	}
	return m, nil
}

func dnsRecord(b []byte, off int) (DNSRecord, int, error) {
	var r DNSRecord
	name, off, err := dnsName(b, off)
	if err != nil {
		return r, off, err
	}
	if off+10 > len(b) {
		return r, off, fmt.Errorf("dns: byte %d: record header truncated: %w", off, ErrMalformed)
	}
	r.Name = name
	r.Type = binary.BigEndian.Uint16(b[off:])
	r.Class = binary.BigEndian.Uint16(b[off+2:]) & 0x7fff
	r.TTL = binary.BigEndian.Uint32(b[off+4:])
	l := int(binary.BigEndian.Uint16(b[off+8:]))
	start := off + 10
	end := start + l
	if end > len(b) {
		return r, off, fmt.Errorf("dns: byte %d: record data length %d runs past the end: %w", off+8, l, ErrMalformed)
	}
	v := b[start:end]
	switch r.Type {
	case DNSTypeA:
		if l == 4 {
			r.Addr = netip.AddrFrom4([4]byte(v))
		}
	case DNSTypeAAAA:
		if l == 16 {
			r.Addr = netip.AddrFrom16([16]byte(v))
		}
	case DNSTypePTR, DNSTypeCNAME, DNSTypeNS:
		if r.Target, _, err = dnsName(b, start); err != nil {
			return r, off, err
		}
	case DNSTypeSRV:
		if l < 7 {
			return r, off, fmt.Errorf("dns: byte %d: SRV record too short: %w", start, ErrMalformed)
		}
		r.Port = binary.BigEndian.Uint16(v[4:])
		if r.Target, _, err = dnsName(b, start+6); err != nil {
			return r, off, err
		}
	case DNSTypeTXT:
		for len(v) > 0 {
			n := int(v[0])
			if 1+n > len(v) {
				break
			}
			if n > 0 {
				r.Text = append(r.Text, wireText(v[1:1+n]))
			}
			v = v[1+n:]
		}
	}
	return r, end, nil
}

// dnsName decodes a possibly compressed name at off and returns it with the
// offset just after it in the message.
func dnsName(b []byte, off int) (string, int, error) {
	var sb strings.Builder
	end := -1
	for jumps := 0; ; {
		if off >= len(b) {
			return "", 0, fmt.Errorf("dns: byte %d: name runs past the end: %w", off, ErrMalformed)
		}
		c := int(b[off])
		switch {
		case c == 0:
			if end < 0 {
				end = off + 1
			}
			return sb.String(), end, nil
		case c&0xc0 == 0xc0:
			if off+1 >= len(b) {
				return "", 0, fmt.Errorf("dns: byte %d: compression pointer truncated: %w", off, ErrMalformed)
			}
			if end < 0 {
				end = off + 2
			}
			jumps++
			if jumps > 32 {
				return "", 0, fmt.Errorf("dns: byte %d: compression loop: %w", off, ErrMalformed)
			}
			off = int(binary.BigEndian.Uint16(b[off:]) & 0x3fff)
		case c&0xc0 != 0:
			return "", 0, fmt.Errorf("dns: byte %d: bad label type %#x: %w", off, c, ErrMalformed)
		default:
			if off+1+c > len(b) {
				return "", 0, fmt.Errorf("dns: byte %d: label runs past the end: %w", off, ErrMalformed)
			}
			if sb.Len() > 0 {
				sb.WriteByte('.')
			}
			if sb.Len()+c > 255 {
				return "", 0, fmt.Errorf("dns: byte %d: name longer than 255 bytes: %w", off, ErrMalformed)
			}
			sb.WriteString(wireText(b[off+1 : off+1+c]))
			off += 1 + c
		}
	}
}

// SelfNames returns the host names the sender announces for itself: the
// owners of A and AAAA records in a response, or in the authority section
// of an mDNS probe. Duplicates are removed.
func (m *DNS) SelfNames() []string {
	var out []string
	add := func(rs []DNSRecord) {
		for _, r := range rs {
			if (r.Type == DNSTypeA || r.Type == DNSTypeAAAA) && r.Name != "" && !dnsHas(out, r.Name) {
				out = append(out, r.Name)
			}
		}
	}
	if m.Response {
		add(m.Answers)
		add(m.Additional)
	} else {
		add(m.Authority)
		for _, q := range m.Questions {
			// A probe asks ANY for the name it wants before claiming it.
			if q.Type == DNSTypeANY && len(m.Authority) > 0 && strings.HasSuffix(q.Name, ".local") && !strings.HasPrefix(q.Name, "_") && !strings.Contains(q.Name, "._") && !dnsHas(out, q.Name) {
				out = append(out, q.Name)
			}
		}
	}
	return out
}

// Services returns the DNS-SD service types the sender offers: the owners of
// PTR records it answers with, like "_ipp._tcp.local".
func (m *DNS) Services() []string {
	var out []string
	if !m.Response {
		return nil
	}
	for _, set := range [][]DNSRecord{m.Answers, m.Additional} {
		for _, r := range set {
			name := ""
			switch {
			case r.Type == DNSTypePTR && strings.HasPrefix(r.Name, "_services._dns-sd."):
				name = r.Target
			case r.Type == DNSTypePTR && strings.HasPrefix(r.Name, "_"):
				name = r.Name
			}
			if name != "" && !dnsHas(out, name) {
				out = append(out, name)
			}
		}
	}
	return out
}

// Browsed returns the DNS-SD service types the sender asks for (PTR
// questions for names like "_ipps._tcp.local").
func (m *DNS) Browsed() []string {
	var out []string
	if m.Response {
		return nil
	}
	for _, q := range m.Questions {
		if q.Type == DNSTypePTR && strings.HasPrefix(q.Name, "_") && !dnsHas(out, q.Name) {
			out = append(out, q.Name)
		}
	}
	return out
}

func dnsHas(s []string, v string) bool {
	for _, x := range s {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}
