package dissect

import (
	"bytes"
	"fmt"
)

// HL7Message is what Vigil keeps of one HL7 v2 message: routing, type and
// device identity. It holds no patient field value at all (no PID, NK1,
// PV1... content, no OBX values), so it is safe to log and store; PHI is
// reported only as the names of the patient segments present.
type HL7Message struct {
	Offset int // byte offset of the MSH segment in the parsed buffer

	// Delimiters from MSH-1 and MSH-2.
	FieldSep, ComponentSep, RepetitionSep, EscapeChar, SubcomponentSep byte
	// Separator is the segment terminator seen first: "CR", "LF", "CRLF",
	// or "" when the message has a single unterminated segment.
	Separator string

	SendingApplication   string // MSH-3, as sent (components joined by ComponentSep)
	SendingFacility      string // MSH-4
	ReceivingApplication string // MSH-5
	ReceivingFacility    string // MSH-6
	MessageType          string // MSH-9 as sent, e.g. "ORU^R01^ORU_R01"
	MessageCode          string // MSH-9.1, e.g. "ORU"
	TriggerEvent         string // MSH-9.2, e.g. "R01"
	ControlID            string // MSH-10
	ProcessingID         string // MSH-11
	Version              string // MSH-12 version id, e.g. "2.5.1"
	AckCode              string // MSA-1 (AA, AE, AR, CA, CE, CR) for acknowledgements

	Segments        []string // distinct segment IDs in order of first appearance
	SegmentCount    int
	PatientSegments []string // the patient-identifying segments present (PID, NK1, PV1, GT1, IN1...)

	Devices  []HL7Device // device identities from OBX-18 and PRT
	MDCCodes []string    // distinct ISO/IEEE 11073 MDC observation identifiers from OBX-3 (code^name)

	// UDIs are the unique device identifiers of the equipment the message
	// names, in their issuer's canonical form: a PRT-10 participation
	// device that is a UDI carrier, and the UDI PRT-16 to PRT-20 give in
	// parts (device identifier, manufacture and expiry dates, lot, serial).
	// Only PRT segments whose participation (PRT-4) is equipment, or
	// unstated, count.
	UDIs []string
	// EUI64s are the EUI-64 equipment identifiers of OBX-18 and PRT-10
	// (IHE PCD), lower-case colon form.
	EUI64s []string
}

// HL7Device is one device identity carried in a message: an equipment
// instance identifier (OBX-18), a PRT participation device (PRT-10), a UDI
// device identifier (PRT-16) or a device serial number (PRT-20).
type HL7Device struct {
	Field string // "OBX-18", "PRT-10", "PRT-16" or "PRT-20"
	ID    string // the identifier as sent, e.g. "0009fbFFFF9b42b3^^0009fbFFFF9b42b3^EUI-64"
	MDC   string // for OBX-18, the OBX-3 MDC code of the first observation that named the device
}

// ContainsPHI reports whether the message carries patient-identifying
// segments: PHI in clear when it was seen unencrypted on the wire.
func (m *HL7Message) ContainsPHI() bool { return len(m.PatientSegments) > 0 }

// HasSegment reports whether a segment with the ID was present.
func (m *HL7Message) HasSegment(id string) bool { return contains(m.Segments, id) }

// hl7PatientSegments are the segments whose fields identify a patient.
var hl7PatientSegments = map[string]bool{
	"PID": true, "PD1": true, "NK1": true, "PV1": true, "PV2": true,
	"GT1": true, "IN1": true, "IN2": true, "IN3": true, "MRG": true,
}

// hl7KnownSegments are the standard segment IDs, used to split segments run
// together with a single space (a file whose CRs were lost) and to intern
// segment names.
var hl7KnownSegments = func() map[string]string {
	m := map[string]string{}
	for _, s := range []string{
		"ABS", "ACC", "ADD", "ADJ", "AFF", "AIG", "AIL", "AIP", "AIS", "AL1", "APR", "ARQ", "ARV", "AUT",
		"BHS", "BLC", "BLG", "BPO", "BPX", "BTS", "BTX", "CDM", "CER", "CM0", "CM1", "CM2", "CNS", "CON",
		"CSP", "CSR", "CSS", "CTD", "CTI", "DB1", "DG1", "DMI", "DON", "DRG", "DSC", "DSP", "ECD", "ECR",
		"EDU", "EQP", "EQU", "ERR", "EVN", "FAC", "FHS", "FT1", "FTS", "GOL", "GP1", "GP2", "GT1", "IAM",
		"IIM", "IN1", "IN2", "IN3", "INV", "IPC", "ISD", "ITM", "LAN", "LCC", "LCH", "LDP", "LOC", "LRL",
		"MFA", "MFE", "MFI", "MRG", "MSA", "MSH", "NCK", "NDS", "NK1", "NPU", "NSC", "NST", "NTE", "OBR",
		"OBX", "ODS", "ODT", "OM1", "OM2", "OM3", "OM4", "OM5", "OM6", "OM7", "ORC", "ORG", "OVR", "PCE",
		"PCR", "PD1", "PDA", "PDC", "PEO", "PES", "PID", "PKG", "PR1", "PRA", "PRB", "PRC", "PRD", "PRT",
		"PSH", "PTH", "PV1", "PV2", "QAK", "QID", "QPD", "QRD", "QRF", "QRI", "RCP", "RDF", "RDT", "REL",
		"RF1", "RGS", "RMI", "ROL", "RQ1", "RQD", "RXA", "RXC", "RXD", "RXE", "RXG", "RXO", "RXR", "SAC",
		"SCH", "SFT", "SGH", "SGT", "SHP", "SID", "SLT", "SPM", "STF", "STZ", "TCC", "TCD", "TQ1", "TQ2",
		"TXA", "UAC", "UB1", "UB2", "URD", "URS", "VAR", "VND",
	} {
		m[s] = s
	}
	return m
}()

// SniffHL7 reports whether b starts with an HL7 v2 MSH segment: "MSH", a
// punctuation field separator and encoding characters.
func SniffHL7(b []byte) bool {
	if len(b) < 8 || string(b[:3]) != "MSH" {
		return false
	}
	fs := b[3]
	if !isHL7Delim(fs) {
		return false
	}
	for _, c := range b[4:8] {
		if c == fs || !isHL7Delim(c) {
			return false
		}
	}
	return true
}

func isHL7Delim(c byte) bool {
	return c > 0x20 && c < 0x7f && !('0' <= c && c <= '9') && !('A' <= c && c <= 'Z') && !('a' <= c && c <= 'z')
}

// ParseHL7 decodes the HL7 v2 messages in b: one message, an MLLP payload,
// or a batch file. It is tolerant of real-world dirt: CR, LF and CRLF
// segment terminators, segments run together with a single space, blank
// lines, and free-text lines (a line that does not begin with a segment ID
// and the field separator continues the previous segment). Batch envelopes
// (FHS/BHS/BTS/FTS) are skipped. The error wraps ErrMalformed and names the
// byte offset; it never quotes the content.
func ParseHL7(b []byte) ([]HL7Message, error) {
	start := 0
	if bytes.HasPrefix(b, []byte("\xef\xbb\xbf")) {
		start = 3
	}
	for start < len(b) && (b[start] == '\r' || b[start] == '\n' || b[start] == ' ' || b[start] == '\t') {
		start++
	}
	if start == len(b) {
		return nil, fmt.Errorf("hl7: no message in %d bytes: %w", len(b), ErrMalformed)
	}
	h := b[start:]
	if len(h) < 4 || !(string(h[:3]) == "MSH" || string(h[:3]) == "FHS" || string(h[:3]) == "BHS") {
		return nil, fmt.Errorf("hl7: byte %d: data does not start with an MSH, FHS or BHS segment: %w", start, ErrMalformed)
	}
	fs := h[3]
	if !isHL7Delim(fs) {
		return nil, fmt.Errorf("hl7: byte %d: field separator 0x%02x is not a delimiter: %w", start+3, fs, ErrMalformed)
	}
	sc := hl7Scanner{b: b, pos: start, fs: fs}
	var msgs []HL7Message
	var cur *HL7Message
	for {
		seg, off, ok := sc.next()
		if !ok {
			break
		}
		if len(seg) < 3 {
			continue
		}
		id := seg[:3]
		switch string(id) {
		case "MSH":
			msgs = append(msgs, HL7Message{})
			cur = &msgs[len(msgs)-1]
			if err := cur.parseMSH(seg, off); err != nil {
				return nil, err
			}
			cur.Separator = sc.firstTerm
			cur.noteSegment(id)
			continue
		case "FHS", "BHS", "BTS", "FTS":
			continue
		}
		if cur == nil {
			return nil, fmt.Errorf("hl7: byte %d: segment before any MSH: %w", off, ErrMalformed)
		}
		if cur.Separator == "" {
			cur.Separator = sc.firstTerm
		}
		cur.noteSegment(id)
		cur.parseBody(string(id), seg, fs)
	}
	if len(msgs) == 0 {
		return nil, fmt.Errorf("hl7: batch at byte %d has no MSH segment: %w", start, ErrMalformed)
	}
	return msgs, nil
}

// hl7Scanner yields segments, deciding where one ends: at a line terminator
// followed by a segment ID and the field separator, or at a space followed
// by a known segment ID and the field separator.
type hl7Scanner struct {
	b         []byte
	pos       int
	fs        byte
	firstTerm string // the first line terminator met, for HL7Message.Separator
}

// next returns the next segment (terminators inside it included) and its
// offset; ok is false at the end.
func (s *hl7Scanner) next() (seg []byte, off int, ok bool) {
	b := s.b
	for s.pos < len(b) && (b[s.pos] == '\r' || b[s.pos] == '\n') {
		s.noteTerm(s.pos)
		s.pos++
	}
	if s.pos >= len(b) {
		return nil, 0, false
	}
	off = s.pos
	i := off + 3
	for i < len(b) {
		c := b[i]
		switch {
		case c == '\r' || c == '\n':
			s.noteTerm(i)
			j := i + 1
			if c == '\r' && j < len(b) && b[j] == '\n' {
				j++
			}
			for j < len(b) && (b[j] == '\r' || b[j] == '\n') {
				j++ // blank lines
			}
			if j >= len(b) || s.segmentAt(j, false) {
				s.pos = j
				return trimSpaceRight(b[off:i]), off, true
			}
			i = j
		case c == ' ' && s.segmentAt(i+1, true):
			s.pos = i + 1
			return trimSpaceRight(b[off:i]), off, true
		default:
			i++
		}
	}
	s.pos = len(b)
	return trimSpaceRight(b[off:]), off, true
}

func (s *hl7Scanner) noteTerm(i int) {
	if s.firstTerm != "" {
		return
	}
	switch {
	case s.b[i] == '\n':
		s.firstTerm = "LF"
	case i+1 < len(s.b) && s.b[i+1] == '\n':
		s.firstTerm = "CRLF"
	default:
		s.firstTerm = "CR"
	}
}

// segmentAt reports whether a segment starts at b[i]: three characters, an
// upper-case letter then upper-case letters or digits, and the field
// separator. After a space (known) the ID must be a standard one or a Z
// segment, because free text can hold anything.
func (s *hl7Scanner) segmentAt(i int, known bool) bool {
	b := s.b
	if i+4 > len(b) || b[i+3] != s.fs {
		return false
	}
	if !('A' <= b[i] && b[i] <= 'Z') {
		return false
	}
	for _, c := range b[i+1 : i+3] {
		if !('A' <= c && c <= 'Z') && !('0' <= c && c <= '9') {
			return false
		}
	}
	if !known {
		return true
	}
	_, ok := hl7KnownSegments[string(b[i:i+3])]
	return ok || b[i] == 'Z'
}

func trimSpaceRight(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == ' ' || b[len(b)-1] == '\t') {
		b = b[:len(b)-1]
	}
	return b
}
