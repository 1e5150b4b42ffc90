package discover

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/capture"
	"github.com/vigil-health/vigil/internal/dissect"
)

// sniff picks the stream handler of a TCP flow from the first bytes of
// either direction: the PDU decides, not the port.
func (e *engine) sniff(f *capture.Flow, dir capture.Direction, b []byte) capture.StreamHandler {
	switch app := dissect.SniffApp(b); app {
	case dissect.AppUnknown:
		// TeamViewer's magic is too short to trust alone (SniffApp leaves
		// it out): its own port confirms it.
		if f.Server.Port == 5938 && dissect.SniffRemote(b).Protocol == dissect.AppTeamViewer {
			return &remoteStream{e: e, proto: string(dissect.AppTeamViewer)}
		}
		return nil
	case dissect.AppDICOM:
		return &dicomStream{e: e}
	case dissect.AppHL7MLLP:
		return &hl7Stream{e: e}
	case dissect.AppHL7:
		return &hl7Stream{e: e, bare: true}
	case dissect.AppTLS:
		return &tlsStream{e: e}
	case dissect.AppHTTP:
		return &httpStream{e: e}
	default:
		return &remoteStream{e: e, proto: string(app)}
	}
}

// sides returns the hosts of the sender and the receiver of direction dir;
// either is nil when that address never sent a packet.
func (e *engine) sides(f *capture.Flow, dir capture.Direction) (from, to *host) {
	src, dst := f.Client, f.Server
	if dir == capture.FromServer {
		src, dst = dst, src
	}
	return e.hosts[src.Addr].apps(), e.hosts[dst.Addr].apps()
}

// appNamer is implemented by stream handlers to label their flow.
type appNamer interface{ app() string }

// dicomStream reads DICOM upper-layer PDUs in both directions.
type dicomStream struct {
	e    *engine
	skip [2]int
	rq   *dissect.DICOMPDU
	seen [2]bool // P-DATA already noted per direction
}

func (s *dicomStream) app() string { return "dicom" }

// Data decodes whole PDUs and skips P-DATA bodies without buffering them.
func (s *dicomStream) Data(f *capture.Flow, dir capture.Direction, b []byte, ts time.Time) int {
	n := 0
	if k := s.skip[dir]; k > 0 {
		k = min(k, len(b))
		s.skip[dir] -= k
		n = k
		if s.skip[dir] > 0 {
			return n
		}
	}
	for n < len(b) {
		pdu, c, err := dissect.ParseDICOM(b[n:])
		if errors.Is(err, dissect.ErrShort) {
			return n
		}
		if err != nil {
			s.e.stats.DissectErrors++
			return capture.StopStream
		}
		s.pdu(f, dir, pdu)
		if c > len(b)-n {
			s.skip[dir] = c - (len(b) - n)
			return len(b)
		}
		n += c
	}
	return n
}

// Gap forgets a partial P-DATA skip: the next bytes start a fresh PDU only
// by luck, so stop decoding rather than misread them.
func (s *dicomStream) Gap(f *capture.Flow, dir capture.Direction) { s.skip[dir] = 0 }

func (s *dicomStream) pdu(f *capture.Flow, dir capture.Direction, p *dissect.DICOMPDU) {
	if !s.e.fits("DICOM", p.CalledAETitle, p.CallingAETitle, p.ImplementationClassUID, p.ImplementationVersion) {
		return
	}
	from, to := s.e.sides(f, dir)
	port := f.Server.Port
	switch p.Type {
	case dissect.DICOMAssociateRQ:
		s.rq = p
		if from != nil {
			from.protocols.add("dicom")
			from.dicomSCU = true
			from.dicomAE.add(p.CallingAETitle)
			from.dicomOwn.add(p.CallingAETitle)
			from.setDICOMImpl(p)
			for _, pc := range p.PresentationContexts {
				from.dicomServices.add(string(pc.Service))
			}
		}
	case dissect.DICOMAssociateAC, dissect.DICOMAssociateRJ:
		if from == nil {
			return
		}
		from.protocols.add("dicom")
		from.dicomSCP = true
		from.setDICOMImpl(p)
		if s.rq != nil {
			if p.Type == dissect.DICOMAssociateAC {
				from.dicomAE.add(s.rq.CalledAETitle)
			}
			if len(from.dicomExchanges) < 64 {
				from.dicomExchanges = append(from.dicomExchanges, dissect.DICOMExchange{Request: s.rq, Response: p})
			}
		}
	case dissect.DICOMPData:
		if s.seen[dir] {
			return
		}
		s.seen[dir] = true
		if from != nil {
			from.phi.add(fmt.Sprintf("DICOM P-DATA-TF sent without TLS (association on port %d)", port))
		}
		if to != nil {
			to.phi.add(fmt.Sprintf("DICOM P-DATA-TF received without TLS (association on port %d)", port))
		}
	}
}

func (h *host) setDICOMImpl(p *dissect.DICOMPDU) {
	if p.ImplementationClassUID != "" {
		h.dicomImplUID = p.ImplementationClassUID
	}
	if p.ImplementationVersion != "" {
		h.dicomImpl = p.ImplementationVersion
	}
}

// hl7Stream reads HL7 v2 messages, MLLP-framed or bare.
type hl7Stream struct {
	e    *engine
	bare bool
	prev [2]*dissect.HL7Message // the previous message per direction
}

func (s *hl7Stream) app() string { return "hl7" }

// Data decodes each whole MLLP frame; bare HL7 is decoded once.
func (s *hl7Stream) Data(f *capture.Flow, dir capture.Direction, b []byte, ts time.Time) int {
	if s.bare {
		if dissect.SniffHL7(b) {
			if msgs, err := dissect.ParseHL7(b); err == nil {
				s.messages(f, dir, msgs)
			}
		}
		return capture.StopStream
	}
	n := 0
	for n < len(b) {
		fr, c, err := dissect.NextMLLP(b[n:])
		if errors.Is(err, dissect.ErrShort) {
			return n
		}
		if err != nil {
			s.e.stats.DissectErrors++
			return capture.StopStream
		}
		msgs, err := dissect.ParseHL7(fr.Payload)
		if err != nil {
			s.e.stats.DissectErrors++
		}
		s.messages(f, dir, msgs)
		n += c
	}
	return n
}

func (s *hl7Stream) messages(f *capture.Flow, dir capture.Direction, msgs []dissect.HL7Message) {
	from, to := s.e.sides(f, dir)
	port := f.Server.Port
	for i := range msgs {
		m := &msgs[i]
		if !s.e.fits("HL7", hl7Kept(m)...) {
			continue
		}
		if p := s.prev[dir]; p != nil && sameHL7(p, m) {
			// A persistent connection repeats the same kind of message:
			// only the device identifiers can be new.
			if from != nil {
				for _, d := range m.Devices {
					from.hl7Devices.add(d.ID)
				}
				from.addHL7Identities(m)
			}
			if to != nil {
				to.addRelayed(m)
			}
			continue
		}
		s.prev[dir] = m
		typ := m.MessageCode
		if m.TriggerEvent != "" {
			typ += "^" + m.TriggerEvent
		}
		ack := m.MessageCode == "ACK" || m.AckCode != ""
		if from != nil {
			from.protocols.add("hl7")
			from.hl7Apps.add(m.SendingApplication)
			from.hl7Types.add(typ)
			from.hl7Versions.add(m.Version)
			if ack {
				from.hl7Recv = true
			} else {
				from.hl7Send = true
			}
			for _, d := range m.Devices {
				from.hl7Devices.add(d.ID)
			}
			from.addHL7Identities(m)
			if m.ContainsPHI() {
				from.phi.add(fmt.Sprintf("HL7 %s with %v segments sent without TLS (connection to port %d)", typ, m.PatientSegments, port))
			}
		}
		if to != nil {
			to.addRelayed(m)
			to.protocols.add("hl7")
			to.hl7Apps.add(m.ReceivingApplication)
			if ack {
				to.hl7Send = true
			} else {
				to.hl7Recv = true
				if m.ContainsPHI() {
					to.phi.add(fmt.Sprintf("HL7 %s with %v segments received without TLS (connection to port %d)", typ, m.PatientSegments, port))
				}
			}
		}
	}
}

// sameHL7 reports whether b is the same kind of message as a: same type,
// applications, version and patient segments.
func sameHL7(a, b *dissect.HL7Message) bool {
	return a.MessageCode == b.MessageCode && a.TriggerEvent == b.TriggerEvent && a.AckCode == b.AckCode &&
		a.SendingApplication == b.SendingApplication && a.ReceivingApplication == b.ReceivingApplication &&
		a.Version == b.Version && slices.Equal(a.PatientSegments, b.PatientSegments)
}

// tlsStream reads the clear-text handshake of each direction.
type tlsStream struct {
	e     *engine
	done  [2]bool
	chose uint16
	names flowNames
}

func (s *tlsStream) app() string { return "tls" }

// flowNames are the names a TLS handshake gave its flow's server.
type flowNames struct {
	serverName, certOrg string
	certNames           []string
}

func (s *tlsStream) tlsNames() *flowNames { return &s.names }

// Data waits for the hello of each direction, records it and stops. On the
// server side it waits for the certificate too, when TLS 1.2 or earlier
// sends it in clear.
func (s *tlsStream) Data(f *capture.Flow, dir capture.Direction, b []byte, ts time.Time) int {
	h, _, err := dissect.ParseTLSHandshake(b)
	short := errors.Is(err, dissect.ErrShort)
	if h != nil && h.Client != nil {
		s.hello(f, dir, h)
		return capture.StopStream
	}
	if h != nil && h.Server != nil {
		if short && len(h.Certificates) == 0 && !h.Encrypted && h.Server.Version() < 0x0304 && !h.Server.HelloRetry {
			return 0 // the certificate follows
		}
		s.hello(f, dir, h)
		return capture.StopStream
	}
	if short {
		return 0
	}
	return capture.StopStream
}

// Gap gives up on a handshake larger than the stream buffer.
func (s *tlsStream) Gap(f *capture.Flow, dir capture.Direction) {}

func (s *tlsStream) hello(f *capture.Flow, dir capture.Direction, h *dissect.TLSHandshake) {
	if !s.e.fits("TLS", tlsKept(h)...) {
		return
	}
	from, to := s.e.sides(f, dir)
	port := f.Server.Port
	if c := h.Client; c != nil && from != nil {
		from.protocols.add("tls")
		v := c.MaxVersion()
		if from.tlsMax == 0 || v > from.tlsMax {
			from.tlsMax = v
		}
		if v < 0x0303 {
			from.tlsWeak.add(fmt.Sprintf("client offers at most %s", dissect.TLSVersionName(v)))
		}
		from.tlsSNI.add(c.ServerName)
		s.names.serverName = c.ServerName
		from.tlsJA3.add(c.JA3Hash())
		from.tlsJA4.add(c.JA4())
	}
	if sv := h.Server; sv != nil && !sv.HelloRetry {
		v := sv.Version()
		name := dissect.TLSVersionName(v)
		if from != nil {
			from.protocols.add("tls")
			from.tlsChosen.add(name)
			if v < 0x0303 {
				from.tlsWeak.add(fmt.Sprintf("server on port %d chose %s", port, name))
			}
		}
		if len(h.Certificates) > 0 && h.Certificates[0].ParseError == "" && dir == capture.FromServer {
			c := &h.Certificates[0]
			s.names.certOrg = c.SubjectOrg
			s.names.certNames = certNames(c)
		}
		if from != nil && len(h.Certificates) > 0 && len(from.tlsCerts) < 8 {
			c := h.Certificates[0]
			if c.ParseError == "" && !slices.ContainsFunc(from.tlsCerts, func(x vigil.CertInfo) bool { return x.Serial == c.Serial && x.Issuer == c.Issuer }) {
				from.tlsCerts = append(from.tlsCerts, vigil.CertInfo{Subject: c.Subject, Issuer: c.Issuer, DNSNames: c.DNSNames[:min(len(c.DNSNames), 16)],
					Serial: c.Serial, NotAfter: c.NotAfter, SelfSigned: c.SelfSigned})
			}
		}
		if to != nil {
			to.tlsChosen.add(name)
			if v < 0x0303 {
				to.tlsWeak.add(fmt.Sprintf("%s negotiated with a server on port %d", name, port))
			}
		}
	}
}

// maxCertNames bounds the certificate names a flow keeps.
const maxCertNames = 8

// certNames returns a certificate's common name, then its DNS names, each
// once, at most maxCertNames.
func certNames(c *dissect.TLSCertificate) []string {
	out := make([]string, 0, min(1+len(c.DNSNames), maxCertNames))
	for _, n := range append([]string{c.SubjectCN}, c.DNSNames...) {
		if n != "" && len(out) < maxCertNames && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// httpStream reads the first request or response head of each direction.
type httpStream struct {
	e *engine
}

func (s *httpStream) app() string { return "http" }

// Data records the head's identifying headers and stops.
func (s *httpStream) Data(f *capture.Flow, dir capture.Direction, b []byte, ts time.Time) int {
	hd, _, err := dissect.ParseHTTPHead(b)
	if errors.Is(err, dissect.ErrShort) {
		return 0
	}
	if err != nil || !s.e.fits("HTTP", hd.UserAgent, hd.Server, hd.Host) {
		return capture.StopStream
	}
	from, to := s.e.sides(f, dir)
	port := f.Server.Port
	if from != nil {
		from.protocols.add("http")
		from.httpUA.add(hd.UserAgent)
		from.httpServer.add(hd.Server)
		if hd.BasicAuth {
			from.mgmt.add(fmt.Sprintf("HTTP Basic credentials sent without TLS to port %d", port))
		}
	}
	if to != nil && hd.Request {
		to.protocols.add("http")
		to.httpHost.add(hd.Host)
		if hd.BasicAuth {
			to.mgmt.add("HTTP Basic authentication accepted without TLS")
		}
	}
	return capture.StopStream
}

// remoteStream notes a remote-access or clear-text management session.
type remoteStream struct {
	e     *engine
	proto string
	done  bool
}

func (s *remoteStream) app() string { return s.proto }

// Data records the session once and stops.
func (s *remoteStream) Data(f *capture.Flow, dir capture.Direction, b []byte, ts time.Time) int {
	if s.done {
		return capture.StopStream
	}
	r := dissect.SniffRemote(b)
	if r.Protocol == dissect.AppUnknown {
		return capture.StopStream
	}
	if r.Weak && f.Server.Port != 5938 {
		return capture.StopStream
	}
	s.done = true
	proto := string(r.Protocol)
	client, server := s.e.hosts[f.Client.Addr].apps(), s.e.hosts[f.Server.Addr].apps()
	if server == nil || !f.Answered {
		return capture.StopStream
	}
	server.protocols.add(proto)
	server.remote.add(proto)
	if client != nil {
		client.protocols.add(proto)
		client.remoteUsed.add(proto)
	}
	if r.ClearText {
		server.mgmt.add(fmt.Sprintf("%s session in clear text on port %d", proto, f.Server.Port))
		if client != nil {
			client.mgmt.add(fmt.Sprintf("%s session in clear text to port %d", proto, f.Server.Port))
		}
	}
	return capture.StopStream
}

// addHL7Identities keeps the UDIs and EUI-64s of a message the host sent.
func (h *host) addHL7Identities(m *dissect.HL7Message) {
	for _, u := range m.UDIs {
		h.hl7UDIs.add(u)
	}
	for _, e := range m.EUI64s {
		h.hl7EUIs.add(e)
	}
}

// addRelayed keeps the identities of a message the host received: a host
// that sends on what it received (an interface engine) is not the device
// its messages name.
func (h *host) addRelayed(m *dissect.HL7Message) {
	for _, u := range m.UDIs {
		h.hl7Relayed.add(u)
	}
	for _, e := range m.EUI64s {
		h.hl7Relayed.add(e)
	}
}

// hl7Kept lists the values of an HL7 message a host keeps.
func hl7Kept(m *dissect.HL7Message) []string {
	out := []string{m.SendingApplication, m.ReceivingApplication, m.MessageCode, m.TriggerEvent, m.Version}
	for _, d := range m.Devices {
		out = append(out, d.ID)
	}
	return slices.Concat(out, m.UDIs, m.EUI64s)
}

// tlsKept lists the values of a TLS handshake a host or flow keeps.
func tlsKept(h *dissect.TLSHandshake) []string {
	var out []string
	if h.Client != nil {
		out = append(out, h.Client.ServerName)
	}
	if len(h.Certificates) > 0 {
		c := &h.Certificates[0]
		out = append(out, c.SubjectCN, c.Subject, c.SubjectOrg, c.Issuer, c.Serial)
		out = append(out, c.DNSNames...)
	}
	return out
}
