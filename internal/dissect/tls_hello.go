package dissect

import (
	"bytes"
	"crypto/x509"
	"fmt"
	"time"
)

// ClientHello is the decoded TLS ClientHello: what JA3 and JA4 fingerprint
// and what the client asks for. GREASE values are kept as sent; the
// fingerprints drop them.
type ClientHello struct {
	LegacyVersion       uint16
	SupportedVersions   []uint16 // supported_versions extension (43)
	CipherSuites        []uint16
	Compression         []uint8
	Extensions          []uint16 // extension types in the order sent
	ServerName          string   // SNI host name, "" when absent
	ALPN                []string
	Groups              []uint16 // supported_groups (elliptic curves), extension 10
	PointFormats        []uint8  // ec_point_formats, extension 11
	SignatureAlgorithms []uint16 // signature_algorithms, extension 13
}

// MaxVersion returns the highest non-GREASE version the client offers:
// from supported_versions when present, else the legacy version.
func (c *ClientHello) MaxVersion() uint16 {
	var max uint16
	for _, v := range c.SupportedVersions {
		if !isGREASE(v) && v > max && v <= 0x0304 {
			max = v
		}
	}
	if max == 0 {
		return c.LegacyVersion
	}
	return max
}

// isGREASE reports whether v is a GREASE value (RFC 8701): 0x?a?a with equal
// bytes.
func isGREASE(v uint16) bool { return v&0x0f0f == 0x0a0a && v>>8 == v&0xff }

// ParseClientHello decodes a ClientHello handshake message, header (type 1,
// 3-byte length) included. Errors wrap ErrMalformed and give the offset
// within msg.
func ParseClientHello(msg []byte) (*ClientHello, error) {
	r := tlsReader{b: msg}
	if typ := r.u8(); typ != tlsClientHello {
		return nil, fmt.Errorf("tls: client hello: message type %d: %w", typ, ErrMalformed)
	}
	body := r.bytes(int(r.u24()))
	if r.err != nil {
		return nil, fmt.Errorf("tls: client hello: %w", r.err)
	}
	r = tlsReader{b: body}
	c := &ClientHello{LegacyVersion: r.u16()}
	r.bytes(32)          // random
	r.bytes(int(r.u8())) // session id
	cs := tlsReader{b: r.bytes(int(r.u16()))}
	if r.err == nil {
		c.CipherSuites = make([]uint16, 0, len(cs.b)/2)
		for cs.off+1 < len(cs.b) {
			c.CipherSuites = append(c.CipherSuites, cs.u16())
		}
	}
	c.Compression = r.bytes(int(r.u8()))
	if r.err == nil && r.off < len(r.b) {
		exts := tlsReader{b: r.bytes(int(r.u16()))}
		for exts.err == nil && exts.off < len(exts.b) {
			typ := exts.u16()
			data := tlsReader{b: exts.bytes(int(exts.u16()))}
			if exts.err != nil {
				break
			}
			c.Extensions = append(c.Extensions, typ)
			c.parseExtension(typ, &data)
		}
		if exts.err != nil {
			r.err = exts.err
		}
	}
	if r.err != nil {
		return nil, fmt.Errorf("tls: client hello: %w", r.err)
	}
	return c, nil
}

// parseExtension decodes the extensions the fingerprints and Vigil use.
// A malformed extension body is ignored: its type still counts.
func (c *ClientHello) parseExtension(typ uint16, d *tlsReader) {
	switch typ {
	case 0x0000: // server_name
		list := tlsReader{b: d.bytes(int(d.u16()))}
		for list.err == nil && list.off < len(list.b) {
			kind := list.u8()
			name := list.bytes(int(list.u16()))
			if kind == 0 && list.err == nil {
				c.ServerName = printable(name)
				return
			}
		}
	case 0x000a: // supported_groups
		list := tlsReader{b: d.bytes(int(d.u16()))}
		for list.err == nil && list.off+1 < len(list.b) {
			c.Groups = append(c.Groups, list.u16())
		}
	case 0x000b: // ec_point_formats
		c.PointFormats = d.bytes(int(d.u8()))
	case 0x000d: // signature_algorithms
		list := tlsReader{b: d.bytes(int(d.u16()))}
		for list.err == nil && list.off+1 < len(list.b) {
			c.SignatureAlgorithms = append(c.SignatureAlgorithms, list.u16())
		}
	case 0x0010: // application_layer_protocol_negotiation
		list := tlsReader{b: d.bytes(int(d.u16()))}
		for list.err == nil && list.off < len(list.b) {
			p := list.bytes(int(list.u8()))
			if list.err == nil && len(c.ALPN) < 16 {
				c.ALPN = append(c.ALPN, string(p))
			}
		}
	case 0x002b: // supported_versions
		list := tlsReader{b: d.bytes(int(d.u8()))}
		for list.err == nil && list.off+1 < len(list.b) {
			c.SupportedVersions = append(c.SupportedVersions, list.u16())
		}
	}
}

// TLSCertificate is what Vigil keeps of a certificate seen in clear.
type TLSCertificate struct {
	SubjectCN  string
	Subject    string
	SubjectOrg string // the subject's first organisation (O=)
	Issuer     string
	DNSNames   []string
	Serial     string
	NotBefore  time.Time
	NotAfter   time.Time
	SelfSigned bool   // issuer equals subject and the signature verifies with its own key
	ParseError string // set when the DER did not parse; the other fields are then empty
}

// parseCertificateMsg decodes a TLS 1.2 Certificate message body: the leaf
// is parsed with crypto/x509, the rest of the chain only counted.
func parseCertificateMsg(body []byte) ([]TLSCertificate, int, error) {
	r := tlsReader{b: body}
	list := tlsReader{b: r.bytes(int(r.u24()))}
	var certs []TLSCertificate
	n := 0
	for r.err == nil && list.err == nil && list.off < len(list.b) {
		der := list.bytes(int(list.u24()))
		if list.err != nil {
			break
		}
		if n == 0 {
			certs = append(certs, parseCert(der))
		}
		n++
	}
	if r.err != nil {
		return nil, 0, fmt.Errorf("certificate: %w", r.err)
	}
	if list.err != nil {
		return nil, 0, fmt.Errorf("certificate list: %w", list.err)
	}
	return certs, n, nil
}

func parseCert(der []byte) TLSCertificate {
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return TLSCertificate{ParseError: err.Error()}
	}
	t := TLSCertificate{
		SubjectCN: c.Subject.CommonName,
		Subject:   c.Subject.String(),
		Issuer:    c.Issuer.String(),
		DNSNames:  c.DNSNames,
		Serial:    c.SerialNumber.Text(16),
		NotBefore: c.NotBefore,
		NotAfter:  c.NotAfter,
	}
	if len(c.Subject.Organization) > 0 {
		t.SubjectOrg = c.Subject.Organization[0]
	}
	if bytes.Equal(c.RawIssuer, c.RawSubject) {
		t.SelfSigned = c.CheckSignatureFrom(c) == nil || c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
	}
	return t
}
