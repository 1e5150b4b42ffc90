package dissect

import (
	"encoding/binary"
	"fmt"
)

// DICOMPDUType is the type byte of a DICOM upper-layer PDU (PS3.8 §9.3).
type DICOMPDUType uint8

// The DICOM upper-layer PDU types.
const (
	DICOMAssociateRQ DICOMPDUType = 0x01
	DICOMAssociateAC DICOMPDUType = 0x02
	DICOMAssociateRJ DICOMPDUType = 0x03
	DICOMPData       DICOMPDUType = 0x04
	DICOMReleaseRQ   DICOMPDUType = 0x05
	DICOMReleaseRP   DICOMPDUType = 0x06
	DICOMAbort       DICOMPDUType = 0x07
)

// String returns the PS3.8 name of the PDU type.
func (t DICOMPDUType) String() string {
	switch t {
	case DICOMAssociateRQ:
		return "A-ASSOCIATE-RQ"
	case DICOMAssociateAC:
		return "A-ASSOCIATE-AC"
	case DICOMAssociateRJ:
		return "A-ASSOCIATE-RJ"
	case DICOMPData:
		return "P-DATA-TF"
	case DICOMReleaseRQ:
		return "A-RELEASE-RQ"
	case DICOMReleaseRP:
		return "A-RELEASE-RP"
	case DICOMAbort:
		return "A-ABORT"
	}
	return fmt.Sprintf("PDU-0x%02x", uint8(t))
}

// dicomMaxAssociate bounds the length of association PDUs: real ones are a
// few KiB even with a hundred presentation contexts. Longer is malformed.
const dicomMaxAssociate = 1 << 20

// dicomMaxPData bounds a P-DATA-TF PDU. The negotiated maximum is usually
// 16 KiB to 1 MiB; 256 MiB is far beyond any real peer.
const dicomMaxPData = 256 << 20

// DICOMPDU is one decoded DICOM upper-layer PDU. Which fields are set
// depends on Type.
type DICOMPDU struct {
	Type   DICOMPDUType
	Length uint32 // PDU length from the header (bytes after the 6-byte header)

	// A-ASSOCIATE-RQ and -AC.
	ProtocolVersion        uint16
	CalledAETitle          string // trimmed of padding spaces
	CallingAETitle         string
	ApplicationContext     string // 1.2.840.10008.3.1.1.1 for DICOM
	PresentationContexts   []DICOMPresentationContext
	MaxPDULength           uint32 // 0 when absent or unlimited
	ImplementationClassUID string
	ImplementationVersion  string
	Roles                  []DICOMRole
	AsyncOpsInvoked        uint16
	AsyncOpsPerformed      uint16
	UserIdentityType       uint8 // 0 none; 1 username, 2 username+passcode, 3 Kerberos, 4 SAML, 5 JWT (value never kept)

	// A-ASSOCIATE-RJ and A-ABORT.
	Result uint8 // RJ: 1 rejected-permanent, 2 rejected-transient
	Source uint8 // RJ: 1 service user, 2 provider (ACSE), 3 provider (presentation); ABORT: 0 user, 2 provider
	Reason uint8 // RJ/ABORT reason, see DICOMRejectReason

	// P-DATA-TF: the first presentation data value, decoded from what was in b.
	PDVs []DICOMPDV
}

// DICOMPresentationContext is one presentation context item. In an RQ it
// proposes an abstract syntax and transfer syntaxes; in an AC it carries the
// result and the single accepted transfer syntax (the abstract syntax is the
// one proposed with the same ID).
type DICOMPresentationContext struct {
	ID               uint8
	Result           uint8 // AC only: 0 acceptance, 1 user rejection, 2 no reason, 3 abstract syntax not supported, 4 transfer syntaxes not supported
	AbstractSyntax   string
	Service          DICOMService
	TransferSyntaxes []string
}

// DICOMRole is an SCP/SCU role selection sub-item for one SOP class.
type DICOMRole struct {
	SOPClassUID string
	SCU, SCP    bool
}

// DICOMPDV is the header of one presentation data value of a P-DATA-TF.
type DICOMPDV struct {
	Length    uint32
	ContextID uint8
	Command   bool // a DIMSE command, not a data set
	Last      bool // the last fragment of the command or data set
}

// Accepted reports whether the AC presentation context was accepted.
func (pc DICOMPresentationContext) Accepted() bool { return pc.Result == 0 }

// SniffDICOM reports whether b starts with a DICOM A-ASSOCIATE-RQ or -AC
// PDU header (type 1 or 2, a plausible length, protocol version 1 and
// printable AE titles) or an A-ASSOCIATE-RJ. It needs at least 10 bytes and
// checks the AE titles when they are present.
func SniffDICOM(b []byte) bool {
	if len(b) >= 10 && b[0] == 0x03 && string(b[1:6]) == "\x00\x00\x00\x00\x04" {
		// An A-ASSOCIATE-RJ opens the answering direction of a refused
		// association: result 1-2, source 1-3.
		return b[7] >= 1 && b[7] <= 2 && b[8] >= 1 && b[8] <= 3
	}
	if len(b) < 10 || (b[0] != 0x01 && b[0] != 0x02) || b[1] != 0 {
		return false
	}
	n := binary.BigEndian.Uint32(b[2:6])
	if n < 68 || n > dicomMaxAssociate {
		return false
	}
	if binary.BigEndian.Uint16(b[6:8])&1 == 0 || b[8] != 0 || b[9] != 0 {
		return false
	}
	end := min(len(b), 42)
	for _, c := range b[10:end] {
		if c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// ParseDICOM decodes the DICOM upper-layer PDU at the start of b and returns
// it with the number of bytes it takes. Association, release and abort PDUs
// must be whole in b, else the error wraps ErrShort. A P-DATA-TF is decoded
// from its header and the PDV headers present in b; its consumed count is the
// whole PDU, which may exceed len(b). Corrupt PDUs give an error wrapping
// ErrMalformed with the byte offset.
func ParseDICOM(b []byte) (*DICOMPDU, int, error) {
	if len(b) < 6 {
		return nil, 0, fmt.Errorf("dicom: pdu header: %w", ErrShort)
	}
	p := &DICOMPDU{Type: DICOMPDUType(b[0]), Length: binary.BigEndian.Uint32(b[2:6])}
	total := 6 + int(p.Length)
	if p.Type == DICOMPData {
		if p.Length < 6 || p.Length > dicomMaxPData {
			return nil, 0, dicomErr(2, "p-data-tf length %d", p.Length)
		}
		parsePDVs(p, b[6:min(len(b), total)])
		return p, total, nil
	}
	switch p.Type {
	case DICOMAssociateRQ, DICOMAssociateAC, DICOMAssociateRJ, DICOMReleaseRQ, DICOMReleaseRP, DICOMAbort:
	default:
		return nil, 0, dicomErr(0, "unknown pdu type 0x%02x", b[0])
	}
	if p.Length > dicomMaxAssociate {
		return nil, 0, dicomErr(2, "%s length %d", p.Type, p.Length)
	}
	if len(b) < total {
		return nil, 0, fmt.Errorf("dicom: %s: %d of %d bytes: %w", p.Type, len(b), total, ErrShort)
	}
	body := b[6:total]
	switch p.Type {
	case DICOMAssociateRQ, DICOMAssociateAC:
		if err := parseAssociate(p, body); err != nil {
			return nil, 0, err
		}
	case DICOMAssociateRJ, DICOMAbort:
		if len(body) != 4 {
			return nil, 0, dicomErr(2, "%s length %d, want 4", p.Type, len(body))
		}
		if p.Type == DICOMAssociateRJ {
			p.Result = body[1]
		}
		p.Source, p.Reason = body[2], body[3]
	case DICOMReleaseRQ, DICOMReleaseRP:
		if len(body) != 4 {
			return nil, 0, dicomErr(2, "%s length %d, want 4", p.Type, len(body))
		}
	}
	return p, total, nil
}

func dicomErr(off int, format string, args ...any) error {
	return fmt.Errorf("dicom: byte %d: %s: %w", off, fmt.Sprintf(format, args...), ErrMalformed)
}

// parsePDVs decodes the PDV headers wholly or partly in body.
func parsePDVs(p *DICOMPDU, body []byte) {
	for off := 0; off+6 <= len(body) && len(p.PDVs) < 8; {
		n := binary.BigEndian.Uint32(body[off : off+4])
		if n < 2 {
			return
		}
		h := body[off+5]
		p.PDVs = append(p.PDVs, DICOMPDV{Length: n, ContextID: body[off+4], Command: h&1 != 0, Last: h&2 != 0})
		next := off + 4 + int(n)
		if next <= off {
			return
		}
		off = next
	}
}

// parseAssociate decodes the fixed fields and variable items of an
// A-ASSOCIATE-RQ/AC body (the bytes after the 6-byte PDU header).
func parseAssociate(p *DICOMPDU, body []byte) error {
	if len(body) < 68 {
		return dicomErr(6, "%s fixed fields: %d bytes, want 68", p.Type, len(body))
	}
	p.ProtocolVersion = binary.BigEndian.Uint16(body[0:2])
	p.CalledAETitle = aeTitle(body[4:20])
	p.CallingAETitle = aeTitle(body[20:36])
	for off := 68; off < len(body); {
		if off+4 > len(body) {
			return dicomErr(6+off, "item header truncated")
		}
		typ, n := body[off], int(binary.BigEndian.Uint16(body[off+2:off+4]))
		start, end := off+4, off+4+n
		if end > len(body) {
			return dicomErr(6+off, "item 0x%02x length %d overruns pdu", typ, n)
		}
		v := body[start:end]
		switch typ {
		case 0x10:
			p.ApplicationContext = uidString(v)
		case 0x20, 0x21:
			pc, err := parsePresentationContext(v, 6+start, typ == 0x21)
			if err != nil {
				return err
			}
			p.PresentationContexts = append(p.PresentationContexts, pc)
		case 0x50:
			if err := parseUserInfo(p, v, 6+start); err != nil {
				return err
			}
		}
		off = end
	}
	return nil
}

func parsePresentationContext(v []byte, base int, ac bool) (DICOMPresentationContext, error) {
	var pc DICOMPresentationContext
	if len(v) < 4 {
		return pc, dicomErr(base, "presentation context item %d bytes", len(v))
	}
	pc.ID = v[0]
	if ac { // reserved in an RQ, where senders put anything
		pc.Result = v[2]
	}
	for off := 4; off < len(v); {
		if off+4 > len(v) {
			return pc, dicomErr(base+off, "presentation context sub-item truncated")
		}
		typ, n := v[off], int(binary.BigEndian.Uint16(v[off+2:off+4]))
		end := off + 4 + n
		if end > len(v) {
			return pc, dicomErr(base+off, "sub-item 0x%02x length %d overruns item", typ, n)
		}
		switch typ {
		case 0x30:
			pc.AbstractSyntax = uidString(v[off+4 : end])
			pc.Service = DICOMServiceOf(pc.AbstractSyntax)
		case 0x40:
			pc.TransferSyntaxes = append(pc.TransferSyntaxes, uidString(v[off+4:end]))
		}
		off = end
	}
	return pc, nil
}

func parseUserInfo(p *DICOMPDU, v []byte, base int) error {
	for off := 0; off < len(v); {
		if off+4 > len(v) {
			return dicomErr(base+off, "user information sub-item truncated")
		}
		typ, n := v[off], int(binary.BigEndian.Uint16(v[off+2:off+4]))
		end := off + 4 + n
		if end > len(v) {
			return dicomErr(base+off, "user sub-item 0x%02x length %d overruns item", typ, n)
		}
		s := v[off+4 : end]
		switch typ {
		case 0x51:
			if len(s) == 4 {
				p.MaxPDULength = binary.BigEndian.Uint32(s)
			}
		case 0x52:
			p.ImplementationClassUID = uidString(s)
		case 0x53:
			if len(s) == 4 {
				p.AsyncOpsInvoked = binary.BigEndian.Uint16(s[0:2])
				p.AsyncOpsPerformed = binary.BigEndian.Uint16(s[2:4])
			}
		case 0x54:
			if len(s) >= 2 {
				un := int(binary.BigEndian.Uint16(s[0:2]))
				if 2+un+2 <= len(s) {
					p.Roles = append(p.Roles, DICOMRole{
						SOPClassUID: uidString(s[2 : 2+un]),
						SCU:         s[2+un] == 1,
						SCP:         s[3+un] == 1,
					})
				}
			}
		case 0x55:
			p.ImplementationVersion = aeTitle(s)
		case 0x58:
			// User identity: keep only the type, never the user name,
			// passcode or token.
			if len(s) >= 1 {
				p.UserIdentityType = s[0]
			}
		}
		off = end
	}
	return nil
}

// aeTitle returns an AE title or version name without its space or NUL
// padding, and with non-printable bytes replaced so it is safe to log.
func aeTitle(b []byte) string {
	i, j := 0, len(b)
	for i < j && (b[i] == ' ' || b[i] == 0) {
		i++
	}
	for j > i && (b[j-1] == ' ' || b[j-1] == 0) {
		j--
	}
	return printable(b[i:j])
}

// uidString returns a UID without its NUL padding, interning well-known UIDs
// so that decoding common associations does not allocate for them.
func uidString(b []byte) string {
	for len(b) > 0 && (b[len(b)-1] == 0 || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	if s, ok := dicomUIDIntern[string(b)]; ok {
		return s
	}
	return printable(b)
}

// printable returns b as a string with bytes outside printable ASCII
// replaced by '?'.
func printable(b []byte) string {
	for _, c := range b {
		if c < 0x20 || c > 0x7e {
			out := make([]byte, len(b))
			for i, c := range b {
				if c < 0x20 || c > 0x7e {
					c = '?'
				}
				out[i] = c
			}
			return string(out)
		}
	}
	return string(b)
}
