package dissect

import (
	"bytes"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/udi"
)

// hl7MaxIdentities bounds the UDIs and EUI-64s one message may add.
const hl7MaxIdentities = 16

// addIdentities reads each repetition of an EI field (OBX-18, PRT-10) as
// an equipment identity: an EUI-64 when its universal ID type (EI.4) or
// namespace (EI.2) says so, else, for a PRT-10 participation device
// (carrier), a UDI carrier in any form udi.Parse reads.
func (m *HL7Message) addIdentities(v []byte, carrier bool) {
	for _, r := range bytes.Split(v, []byte{m.RepetitionSep}) {
		id := m.text(hl7Component(r, m.ComponentSep, 1))
		if id == "" {
			continue
		}
		typ := m.text(hl7Component(r, m.ComponentSep, 4))
		ns := m.text(hl7Component(r, m.ComponentSep, 2))
		if strings.EqualFold(typ, "EUI-64") || strings.EqualFold(ns, "EUI-64") {
			if e, err := vigil.NormalizeEUI64(id); err == nil {
				m.EUI64s = addBounded(m.EUI64s, e)
			}
			continue
		}
		if carrier {
			if c, _, err := udi.Canonical(id); err == nil {
				m.UDIs = addBounded(m.UDIs, c)
			}
		}
	}
}

// addPRTUDI reads the UDI PRT-16 to PRT-20 give in parts: the device
// identifier (EI, its issuer named by namespace or universal ID), the
// manufacture and expiry dates (DTM), the lot and the serial number.
func (m *HL7Message) addPRTUDI(seg []byte, fs byte) {
	di := hl7Field(seg, fs, 16)
	id := m.text(hl7Component(di, m.ComponentSep, 1))
	if id == "" {
		return
	}
	issuer := udiIssuer(m.text(hl7Component(di, m.ComponentSep, 2)))
	if issuer == "" {
		issuer = udiIssuer(m.text(hl7Component(di, m.ComponentSep, 3)))
	}
	u, err := udi.ParseDI(issuer, id)
	if err != nil {
		return
	}
	u.Raw = ""
	u.Manufactured = hl7Date(m.text(hl7Component(hl7Field(seg, fs, 17), m.ComponentSep, 1)))
	u.Expiry = hl7Date(m.text(hl7Component(hl7Field(seg, fs, 18), m.ComponentSep, 1)))
	u.Lot = m.text(hl7Field(seg, fs, 19))
	u.Serial = m.text(hl7Field(seg, fs, 20))
	if u.Issuer == vigil.UDIIssuerICCBBA && u.Lot != "" && len(u.Lot) < 18 {
		u.Lot = strings.Repeat("0", 18-len(u.Lot)) + u.Lot
	}
	c, err := udi.Format(u)
	if err != nil {
		// Parts that do not fit the issuer's syntax: the device
		// identifier alone still names the model.
		u.Lot, u.Serial, u.Expiry, u.Manufactured = "", "", "", ""
		if c, err = udi.Format(u); err != nil {
			return
		}
	}
	m.UDIs = addBounded(m.UDIs, c)
}

// udiIssuer names the issuing agency an EI namespace or universal ID
// gives: its name or its OID.
func udiIssuer(s string) vigil.UDIIssuer {
	switch strings.ToUpper(s) {
	case "GS1", "1.3.160":
		return vigil.UDIIssuerGS1
	case "HIBCC", "HIBC", "1.0.15961":
		return vigil.UDIIssuerHIBCC
	case "ICCBBA", "ISBT", "ISBT128", "2.16.840.1.113883.6.18":
		return vigil.UDIIssuerICCBBA
	}
	return ""
}

// hl7Date reads the date of a DTM, "YYYYMMDD[HHMM...]", as "YYYY-MM-DD",
// or "" when it is not one.
func hl7Date(s string) string {
	if len(s) < 8 {
		return ""
	}
	for i := 0; i < 8; i++ {
		if s[i] < '0' || s[i] > '9' {
			return ""
		}
	}
	d := s[:4] + "-" + s[4:6] + "-" + s[6:8]
	if _, err := time.Parse(time.DateOnly, d); err != nil {
		return ""
	}
	return d
}

// text returns a kept value with the message's escape sequences undone:
// \F\, \S\, \T\, \R\ and \E\ stand for the delimiters an ISBT 128 or HIBC
// carrier may hold ('&' above all). Other escapes are left as they are.
func (m *HL7Message) text(v []byte) string {
	s := hl7Value(v)
	esc := m.EscapeChar
	if esc == 0 || strings.IndexByte(s, esc) < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == esc && i+2 < len(s) && s[i+2] == esc {
			if d, ok := map[byte]byte{'F': m.FieldSep, 'S': m.ComponentSep, 'T': m.SubcomponentSep, 'R': m.RepetitionSep, 'E': esc}[s[i+1]]; ok {
				b.WriteByte(d)
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func addBounded(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	if len(list) >= hl7MaxIdentities {
		return list
	}
	return append(list, v)
}
