package dissect

import (
	"bytes"
	"fmt"
	"strings"
)

// Bounds on what one message may add, so a hostile message cannot grow the
// result without limit.
const (
	hl7MaxDevices  = 64
	hl7MaxMDCCodes = 256
)

// parseMSH decodes the delimiters and the routing and type fields of an MSH
// segment at byte off of the input.
func (m *HL7Message) parseMSH(seg []byte, off int) error {
	m.Offset = off
	m.Segments = make([]string, 0, 8)
	if len(seg) < 5 {
		return fmt.Errorf("hl7: byte %d: MSH segment too short: %w", off, ErrMalformed)
	}
	fs := seg[3]
	m.FieldSep = fs
	enc := hl7Field(seg, fs, 1)
	if len(enc) == 0 || len(enc) > 5 {
		return fmt.Errorf("hl7: byte %d: MSH-2 encoding characters: %d bytes, want 1 to 5: %w", off+4, len(enc), ErrMalformed)
	}
	for _, c := range enc {
		if !isHL7Delim(c) {
			return fmt.Errorf("hl7: byte %d: MSH-2 encoding character 0x%02x is not a delimiter: %w", off+4, c, ErrMalformed)
		}
	}
	m.ComponentSep, m.RepetitionSep, m.EscapeChar, m.SubcomponentSep = '^', '~', '\\', '&'
	for i, p := range []*byte{&m.ComponentSep, &m.RepetitionSep, &m.EscapeChar, &m.SubcomponentSep} {
		if i < len(enc) {
			*p = enc[i]
		}
	}
	// MSH-1 is the field separator itself, so MSH-n is field n-1 here.
	m.SendingApplication = hl7Value(hl7Field(seg, fs, 2))
	m.SendingFacility = hl7Value(hl7Field(seg, fs, 3))
	m.ReceivingApplication = hl7Value(hl7Field(seg, fs, 4))
	m.ReceivingFacility = hl7Value(hl7Field(seg, fs, 5))
	typ := hl7Field(seg, fs, 8)
	m.MessageType = hl7Value(typ)
	m.MessageCode = hl7Value(hl7Component(typ, m.ComponentSep, 1))
	m.TriggerEvent = hl7Value(hl7Component(typ, m.ComponentSep, 2))
	m.ControlID = hl7Value(hl7Field(seg, fs, 9))
	m.ProcessingID = hl7Value(hl7Field(seg, fs, 10))
	m.Version = hl7Value(hl7Component(hl7Field(seg, fs, 11), m.ComponentSep, 1))
	return nil
}

// noteSegment records one segment's ID.
func (m *HL7Message) noteSegment(id []byte) {
	m.SegmentCount++
	name, ok := hl7KnownSegments[string(id)]
	if ok && contains(m.Segments, name) {
		return
	}
	if !ok {
		name = hl7Value(id)
		if contains(m.Segments, name) {
			return
		}
	}
	m.Segments = append(m.Segments, name)
	if hl7PatientSegments[name] {
		m.PatientSegments = append(m.PatientSegments, name)
	}
}

// parseBody extracts the non-PHI facts Vigil keeps from a body segment.
// Patient segments are only counted, never read.
func (m *HL7Message) parseBody(id string, seg []byte, fs byte) {
	switch id {
	case "MSA":
		m.AckCode = hl7Value(hl7Field(seg, fs, 1))
	case "OBX":
		code := hl7Field(seg, fs, 3)
		mdc := ""
		if isMDC(code, m.ComponentSep) {
			mdc = hl7Value(code)
			if len(m.MDCCodes) < hl7MaxMDCCodes && !contains(m.MDCCodes, mdc) {
				m.MDCCodes = append(m.MDCCodes, mdc)
			}
		}
		m.addDevices("OBX-18", hl7Field(seg, fs, 18), mdc)
		m.addIdentities(hl7Field(seg, fs, 18), false)
	case "PRT":
		m.addDevices("PRT-10", hl7Field(seg, fs, 10), "")
		m.addDevices("PRT-16", hl7Field(seg, fs, 16), "")
		m.addDevices("PRT-20", hl7Field(seg, fs, 20), "")
		if p := m.text(hl7Component(hl7Field(seg, fs, 4), m.ComponentSep, 1)); p == "" || strings.EqualFold(p, "EQUIP") {
			m.addIdentities(hl7Field(seg, fs, 10), true)
			m.addPRTUDI(seg, fs)
		}
	}
}

// addDevices records each repetition of a device identifier field.
func (m *HL7Message) addDevices(field string, v []byte, mdc string) {
	for len(v) > 0 {
		r := v
		if i := bytes.IndexByte(v, m.RepetitionSep); i >= 0 {
			r, v = v[:i], v[i+1:]
		} else {
			v = nil
		}
		if len(bytes.Trim(r, string([]byte{m.ComponentSep, ' '}))) == 0 || len(m.Devices) >= hl7MaxDevices {
			continue
		}
		d := HL7Device{Field: field, ID: hl7Value(r), MDC: mdc}
		dup := false
		for _, e := range m.Devices {
			if e.Field == d.Field && e.ID == d.ID {
				dup = true
				break
			}
		}
		if !dup {
			m.Devices = append(m.Devices, d)
		}
	}
}

// isMDC reports whether a CWE observation identifier is an ISO/IEEE 11073
// MDC code: coding system "MDC" (component 3) or a name starting "MDC_".
func isMDC(code []byte, cs byte) bool {
	if string(hl7Component(code, cs, 3)) == "MDC" {
		return true
	}
	return bytes.HasPrefix(hl7Component(code, cs, 2), []byte("MDC_"))
}

// hl7Field returns field n of a segment split on fs (field 0 is the ID), or
// nil.
func hl7Field(seg []byte, fs byte, n int) []byte {
	for i := 0; i < n; i++ {
		j := bytes.IndexByte(seg, fs)
		if j < 0 {
			return nil
		}
		seg = seg[j+1:]
	}
	if j := bytes.IndexByte(seg, fs); j >= 0 {
		return seg[:j]
	}
	return seg
}

// hl7Component returns component k (1-based) of a field, or nil.
func hl7Component(v []byte, cs byte, k int) []byte {
	for i := 1; i < k; i++ {
		j := bytes.IndexByte(v, cs)
		if j < 0 {
			return nil
		}
		v = v[j+1:]
	}
	if j := bytes.IndexByte(v, cs); j >= 0 {
		return v[:j]
	}
	return v
}

// hl7Value returns a kept field value as a string: line terminators of
// wrapped lines dropped, other control bytes replaced by '?', surrounding
// spaces trimmed.
func hl7Value(v []byte) string {
	v = bytes.TrimSpace(v)
	clean := true
	for _, c := range v {
		if c < 0x20 || c == 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return string(v)
	}
	out := make([]byte, 0, len(v))
	for _, c := range v {
		switch {
		case c == '\r' || c == '\n':
		case c < 0x20 || c == 0x7f:
			out = append(out, '?')
		default:
			out = append(out, c)
		}
	}
	return string(out)
}
