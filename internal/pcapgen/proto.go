package pcapgen

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strings"

	"github.com/vigil-health/vigil/internal/udi"
)

// DICOM UIDs used by the generator.
const (
	uidAppContext   = "1.2.840.10008.3.1.1.1"
	uidVerification = "1.2.840.10008.1.1"
	uidCTStorage    = "1.2.840.10008.5.1.4.1.1.2"
	uidMRStorage    = "1.2.840.10008.5.1.4.1.1.4"
	uidExplicitLE   = "1.2.840.10008.1.2.1"
	uidImplicitLE   = "1.2.840.10008.1.2"
)

func be16(b []byte, v int) []byte { return binary.BigEndian.AppendUint16(b, uint16(v)) }
func be32(b []byte, v int) []byte { return binary.BigEndian.AppendUint32(b, uint32(v)) }

// dicomItem appends an item: type, reserved, 16-bit length, value.
func dicomItem(b []byte, typ byte, v []byte) []byte {
	b = append(b, typ, 0)
	b = be16(b, len(v))
	return append(b, v...)
}

func aeField(s string) []byte {
	return []byte(fmt.Sprintf("%-16s", s)[:16])
}

// associate builds an A-ASSOCIATE-RQ (rq) or -AC PDU.
func associate(rq bool, called, calling, abstract, implUID, implVersion string) []byte {
	var body []byte
	body = be16(body, 1)
	body = append(body, 0, 0)
	body = append(body, aeField(called)...)
	body = append(body, aeField(calling)...)
	body = append(body, make([]byte, 32)...)
	body = dicomItem(body, 0x10, []byte(uidAppContext))
	var pc []byte
	if rq {
		pc = append(pc, 1, 0, 0, 0)
		pc = dicomItem(pc, 0x30, []byte(abstract))
		pc = dicomItem(pc, 0x40, []byte(uidExplicitLE))
		pc = dicomItem(pc, 0x40, []byte(uidImplicitLE))
		body = dicomItem(body, 0x20, pc)
	} else {
		pc = append(pc, 1, 0, 0, 0)
		pc = dicomItem(pc, 0x40, []byte(uidExplicitLE))
		body = dicomItem(body, 0x21, pc)
	}
	var ui []byte
	ui = dicomItem(ui, 0x51, binary.BigEndian.AppendUint32(nil, 16384))
	ui = dicomItem(ui, 0x52, []byte(implUID))
	ui = dicomItem(ui, 0x55, []byte(implVersion))
	body = dicomItem(body, 0x50, ui)
	typ := byte(0x02)
	if rq {
		typ = 0x01
	}
	out := []byte{typ, 0}
	out = be32(out, len(body))
	return append(out, body...)
}

// pdata builds a P-DATA-TF PDU with one PDV.
func pdata(command, last bool, data []byte) []byte {
	mch := byte(0)
	if command {
		mch |= 1
	}
	if last {
		mch |= 2
	}
	out := []byte{0x04, 0}
	out = be32(out, 4+2+len(data))
	out = be32(out, 2+len(data))
	out = append(out, 1, mch)
	return append(out, data...)
}

// release builds an A-RELEASE-RQ (rq) or -RP PDU.
func release(rq bool) []byte {
	t := byte(0x06)
	if rq {
		t = 0x05
	}
	return []byte{t, 0, 0, 0, 0, 4, 0, 0, 0, 0}
}

// mllp frames an HL7 message.
func mllp(msg string) []byte {
	b := make([]byte, 0, len(msg)+3)
	b = append(b, 0x0b)
	b = append(b, msg...)
	return append(b, 0x1c, 0x0d)
}

// hl7 builds an HL7 v2 message from segments (fields joined by '|').
func hl7(segs ...[]string) string {
	var sb strings.Builder
	for _, s := range segs {
		sb.WriteString(strings.Join(s, "|"))
		sb.WriteByte('\r')
	}
	return sb.String()
}

// obx returns an OBX segment with the equipment instance identifier in
// OBX-18.
func obx(set int, code, value, unit, equipment string) []string {
	f := make([]string, 19)
	f[0], f[1], f[2], f[3], f[5], f[6], f[11], f[18] = "OBX", fmt.Sprint(set), "NM", code, value, unit, "F", equipment
	return f
}

// prt returns a PRT segment naming the sending equipment by its UDI: the
// carrier (escaped) in PRT-10, the device identifier with its issuing
// agency in PRT-16, the dates, lot and serial number in PRT-17 to PRT-20.
// A carrier that does not parse goes in PRT-10 alone.
func prt(carrier string) []string {
	f := make([]string, 21)
	f[0], f[1], f[2], f[4] = "PRT", "1", "UC", "EQUIP^Equipment^HL70912"
	f[10] = hl7Escape(carrier)
	u, err := udi.Parse(carrier)
	if err != nil {
		return f
	}
	dtm := func(d string) string { return strings.ReplaceAll(d, "-", "") }
	f[16] = hl7Escape(u.DI) + "^" + strings.ToUpper(string(u.Issuer))
	f[17], f[18] = dtm(u.Manufactured), dtm(u.Expiry)
	f[19], f[20] = hl7Escape(u.Lot), hl7Escape(u.Serial)
	return f
}

// hl7Escape writes the HL7 delimiters in a value as escape sequences.
func hl7Escape(s string) string {
	return strings.NewReplacer(`\`, `\E\`, "|", `\F\`, "^", `\S\`, "&", `\T\`, "~", `\R\`).Replace(s)
}

// TLS versions.
const (
	tls10 = 0x0301
	tls12 = 0x0303
)

// clientHello builds a TLS record holding a ClientHello.
func clientHello(version uint16, sni string, random []byte) []byte {
	var h []byte
	h = be16(h, int(version))
	h = append(h, random[:32]...)
	h = append(h, 0) // session id
	suites := []int{0xc02f, 0xc030, 0xc02b, 0xc02c, 0x009e, 0xc013, 0xc014, 0x002f, 0x0035}
	if version < tls12 {
		suites = []int{0xc013, 0xc014, 0x002f, 0x0035, 0x000a}
	}
	h = be16(h, 2*len(suites))
	for _, s := range suites {
		h = be16(h, s)
	}
	h = append(h, 1, 0)
	var ext []byte
	if sni != "" {
		var e []byte
		e = be16(e, len(sni)+3)
		e = append(e, 0)
		e = be16(e, len(sni))
		e = append(e, sni...)
		ext = be16(ext, 0)
		ext = be16(ext, len(e))
		ext = append(ext, e...)
	}
	ext = append(ext, 0x00, 0x0a, 0x00, 0x08, 0x00, 0x06, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18) // groups
	ext = append(ext, 0x00, 0x0b, 0x00, 0x02, 0x01, 0x00)                                     // point formats
	if version >= tls12 {
		ext = append(ext, 0x00, 0x0d, 0x00, 0x08, 0x00, 0x06, 0x04, 0x01, 0x05, 0x01, 0x08, 0x04) // sig algs
	}
	h = be16(h, len(ext))
	h = append(h, ext...)
	return tlsRecord(0x16, tls10, append([]byte{1, byte(len(h) >> 16), byte(len(h) >> 8), byte(len(h))}, h...))
}

// serverHello builds a TLS record holding a ServerHello choosing version.
func serverHello(version uint16, random []byte) []byte {
	var h []byte
	h = be16(h, int(version))
	h = append(h, random[:32]...)
	h = append(h, 0)
	h = be16(h, 0xc02f)
	h = append(h, 0)
	h = be16(h, 5)
	h = append(h, 0xff, 0x01, 0x00, 0x01, 0x00) // renegotiation_info
	return tlsRecord(0x16, version, append([]byte{2, byte(len(h) >> 16), byte(len(h) >> 8), byte(len(h))}, h...))
}

func tlsRecord(typ byte, version uint16, body []byte) []byte {
	out := []byte{typ, byte(version >> 8), byte(version)}
	out = be16(out, len(body))
	return append(out, body...)
}

// ber encodes one BER TLV.
func ber(tag byte, v []byte) []byte {
	out := []byte{tag}
	switch n := len(v); {
	case n < 128:
		out = append(out, byte(n))
	case n < 256:
		out = append(out, 0x81, byte(n))
	default:
		out = append(out, 0x82, byte(n>>8), byte(n))
	}
	return append(out, v...)
}

func berOID(oid []int) []byte {
	v := []byte{byte(oid[0]*40 + oid[1])}
	for _, n := range oid[2:] {
		var tmp []byte
		tmp = append(tmp, byte(n&0x7f))
		for n >>= 7; n > 0; n >>= 7 {
			tmp = append([]byte{byte(n&0x7f) | 0x80}, tmp...)
		}
		v = append(v, tmp...)
	}
	return ber(0x06, v)
}

// snmp builds an SNMP v2c message with one varbind; value nil means NULL.
func snmp(community string, pdu byte, reqID int, oid []int, value []byte) []byte {
	if value == nil {
		value = []byte{0x05, 0x00}
	}
	vb := ber(0x30, append(berOID(oid), value...))
	body := append(ber(0x02, []byte{byte(reqID >> 8), byte(reqID)}), ber(0x02, []byte{0})...)
	body = append(body, ber(0x02, []byte{0})...)
	body = append(body, ber(0x30, vb)...)
	msg := append(ber(0x02, []byte{1}), ber(0x04, []byte(community))...)
	msg = append(msg, ber(pdu, body)...)
	return ber(0x30, msg)
}

// dhcp builds a DHCP message of the given type from a client (op 1) or a
// server (op 2).
func dhcp(op, msgType byte, xid uint32, mac [6]byte, yiaddr, server netip.Addr, hostname, vendor string, params []byte) []byte {
	b := make([]byte, 240)
	b[0], b[1], b[2] = op, 1, 6
	binary.BigEndian.PutUint32(b[4:], xid)
	if yiaddr.IsValid() {
		a := yiaddr.As4()
		copy(b[16:], a[:])
	}
	copy(b[28:], mac[:])
	binary.BigEndian.PutUint32(b[236:], 0x63825363)
	b = append(b, 53, 1, msgType)
	if server.IsValid() {
		a := server.As4()
		b = append(b, 54, 4)
		b = append(b, a[:]...)
	}
	if hostname != "" {
		b = append(b, 12, byte(len(hostname)))
		b = append(b, hostname...)
	}
	if vendor != "" {
		b = append(b, 60, byte(len(vendor)))
		b = append(b, vendor...)
	}
	if len(params) > 0 {
		b = append(b, 55, byte(len(params)))
		b = append(b, params...)
	}
	if op == 2 {
		b = append(b, 51, 4, 0, 0, 0x0e, 0x10)
	}
	return append(b, 255)
}

// dnsName encodes a DNS name without compression.
func dnsName(name string) []byte {
	var b []byte
	for _, l := range strings.Split(name, ".") {
		b = append(b, byte(len(l)))
		b = append(b, l...)
	}
	return append(b, 0)
}

// dnsA builds a DNS query for the A record of name, or with answer set the
// response carrying it.
func dnsA(id uint16, name string, answer netip.Addr) []byte {
	b := []byte{byte(id >> 8), byte(id), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0}
	if answer.IsValid() {
		b[2], b[3], b[7] = 0x81, 0x80, 1
	}
	b = append(b, dnsName(name)...)
	b = append(b, 0, 1, 0, 1)
	if answer.IsValid() {
		a := answer.As4()
		b = append(b, 0xc0, 12, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4)
		b = append(b, a[:]...)
	}
	return b
}
