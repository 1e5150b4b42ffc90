// Package dissect recognises and decodes the application protocols Vigil sees
// on a hospital SPAN port. Every dissector is a plain function over bytes: it
// takes one UDP payload, or the reassembled bytes of one direction of a TCP
// stream, and never panics, whatever the input. Dissectors recognise the PDU,
// not the port.
//
// # TCP application dissectors
//
// Stream handlers call SniffApp on the first bytes of each direction to pick a
// dissector, then call it repeatedly on the buffered bytes:
//
//	app := dissect.SniffApp(b)               // AppDICOM, AppHL7, AppTLS, ...
//	pdu, n, err := dissect.ParseDICOM(b)     // DICOM upper layer, one PDU
//	f, n, err := dissect.NextMLLP(b)         // one MLLP frame (HL7 v2)
//	msg, err := dissect.ParseHL7(f.Payload)  // HL7 v2 message(s), no PHI kept
//	hs, n, err := dissect.ParseTLSHandshake(b) // hellos and certificate, across records
//	hd, n, err := dissect.ParseHTTPHead(b)   // HTTP/1.x request or response head
//	r := dissect.SniffRemote(b)              // Telnet, FTP, VNC, RDP, SSH, TeamViewer
//
// The contract shared by the stream parsers:
//
//   - (value, consumed, nil): one unit was decoded from b[:consumed]; the
//     caller drops consumed bytes and calls again.
//   - errors.Is(err, ErrShort): b holds only a prefix of a unit; wait for more
//     bytes and call again with the longer buffer. consumed is 0.
//   - errors.Is(err, ErrMalformed): the bytes are not this protocol (or are
//     corrupt); the caller should stop dissecting this direction.
//
// ParseTLSHandshake also returns its partial result with ErrShort. ParseDICOM
// is the one exception on consumed: a P-DATA-TF PDU (image data)
// is decoded from its header alone and consumed is the whole PDU length,
// which may exceed len(b); the caller discards that many stream bytes,
// including those not yet received.
//
// Errors carry the byte offset of the fault within b and never any payload
// content: HL7 messages carry PHI, so the HL7 result types hold no patient
// field values at all, only segment names and device or application
// identities.
//
// Manufacturer hints (ManufacturerFromDICOMUID, ManufacturerFromHL7App,
// ManufacturerFromHTTP) map identifiers seen on the wire to a vendor name.
//
// The UDP and layer-2 dissectors (DHCP, DNS, SSDP, WS-Discovery, LLDP, CDP,
// SNMP) live in this package too, each in its own file.
package dissect

import (
	"bytes"
	"errors"
)

// ErrShort reports that the buffer ends before the unit being decoded: the
// caller should retry once more bytes of the stream have arrived.
var ErrShort = errors.New("need more bytes")

// ErrMalformed reports that the bytes are not a valid unit of the protocol.
var ErrMalformed = errors.New("malformed")

// App names an application protocol recognised from the first bytes of a TCP
// stream direction.
type App string

// The applications SniffApp recognises.
const (
	AppUnknown    App = ""
	AppDICOM      App = "dicom"
	AppHL7MLLP    App = "hl7-mllp"   // HL7 v2 framed with MLLP
	AppHL7        App = "hl7"        // bare HL7 v2 (no MLLP framing)
	AppTLS        App = "tls"        // TLS or SSL 3 record layer
	AppHTTP       App = "http"       // HTTP/1.x request or response
	AppSSH        App = "ssh"        // SSH identification banner
	AppTelnet     App = "telnet"     // Telnet option negotiation
	AppFTP        App = "ftp"        // FTP banner or commands
	AppVNC        App = "vnc"        // RFB protocol version
	AppRDP        App = "rdp"        // TPKT + X.224 connection request
	AppTeamViewer App = "teamviewer" // TeamViewer framing
)

// SniffApp names the application protocol whose PDU b starts with, or
// AppUnknown. It needs only a few bytes (up to the first 16) and never
// allocates. The more specific checks run first so that, for example, a DICOM
// A-ASSOCIATE-RQ is never taken for TeamViewer.
func SniffApp(b []byte) App {
	switch {
	case len(b) == 0:
		return AppUnknown
	case SniffDICOM(b):
		return AppDICOM
	case SniffMLLP(b):
		return AppHL7MLLP
	case bytes.HasPrefix(b, []byte("MSH")) && len(b) > 3 && SniffHL7(b):
		return AppHL7
	case SniffTLS(b):
		return AppTLS
	case SniffHTTP(b):
		return AppHTTP
	}
	if r := SniffRemote(b); r.Protocol != AppUnknown && !r.Weak {
		return r.Protocol
	}
	return AppUnknown
}

// isShort reports whether err wraps ErrShort.
func isShort(err error) bool { return errors.Is(err, ErrShort) }
