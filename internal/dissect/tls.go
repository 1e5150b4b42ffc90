package dissect

import (
	"encoding/binary"
	"fmt"
)

// TLS record content types.
const (
	tlsChangeCipherSpec = 20
	tlsAlert            = 21
	tlsHandshake        = 22
	tlsApplicationData  = 23
)

// TLS handshake message types Vigil decodes.
const (
	tlsClientHello = 1
	tlsServerHello = 2
	tlsCertificate = 11
)

// tlsMaxRecord is the largest legal record (2^14 plus expansion); tlsMaxHS
// bounds a reassembled handshake message (certificate chains).
const (
	tlsMaxRecord = 1<<14 + 2048
	tlsMaxHS     = 256 << 10
)

// TLSRecord is one TLS record: its header and a sub-slice of the input.
type TLSRecord struct {
	ContentType uint8
	Version     uint16
	Fragment    []byte
}

// TLSVersionName returns the name of a protocol version ("TLS 1.2",
// "SSL 3.0"...), or its hex value.
func TLSVersionName(v uint16) string {
	switch v {
	case 0x0300:
		return "SSL 3.0"
	case 0x0301:
		return "TLS 1.0"
	case 0x0302:
		return "TLS 1.1"
	case 0x0303:
		return "TLS 1.2"
	case 0x0304:
		return "TLS 1.3"
	case 0x0002:
		return "SSL 2.0"
	}
	return fmt.Sprintf("0x%04x", v)
}

// SniffTLS reports whether b starts with a TLS (or SSL 3) record header: a
// known content type, major version 3, minor 0 to 4 and a legal length.
func SniffTLS(b []byte) bool {
	if len(b) < 5 || b[0] < tlsChangeCipherSpec || b[0] > tlsApplicationData || b[1] != 3 || b[2] > 4 {
		return false
	}
	n := int(binary.BigEndian.Uint16(b[3:5]))
	return n > 0 && n <= tlsMaxRecord
}

// ParseTLSRecord decodes the record at the start of b and returns it with
// the bytes it takes. An incomplete record gives ErrShort; a header that is
// not TLS gives ErrMalformed.
func ParseTLSRecord(b []byte) (TLSRecord, int, error) {
	if len(b) < 5 {
		return TLSRecord{}, 0, fmt.Errorf("tls: record header: %w", ErrShort)
	}
	if !SniffTLS(b) {
		return TLSRecord{}, 0, fmt.Errorf("tls: byte 0: not a TLS record header (type %d, version 0x%02x%02x): %w", b[0], b[1], b[2], ErrMalformed)
	}
	n := 5 + int(binary.BigEndian.Uint16(b[3:5]))
	if len(b) < n {
		return TLSRecord{}, 0, fmt.Errorf("tls: record of %d bytes, have %d: %w", n, len(b), ErrShort)
	}
	return TLSRecord{ContentType: b[0], Version: binary.BigEndian.Uint16(b[1:3]), Fragment: b[5:n]}, n, nil
}

// TLSHandshake is what one direction of a TLS connection shows in clear:
// its hello, its certificate chain (TLS 1.2 and earlier) and whether it went
// encrypted.
type TLSHandshake struct {
	RecordVersion uint16 // version of the first record
	Client        *ClientHello
	Server        *ServerHello
	Certificates  []TLSCertificate // leaf first; only the leaf is decoded
	ChainLength   int              // certificates in the Certificate message
	Encrypted     bool             // ChangeCipherSpec or application data followed
	Alert         bool             // a clear-text alert was sent
	AlertLevel    uint8
	AlertDesc     uint8
}

// ParseTLSHandshake walks the TLS records at the start of one direction of a
// stream, reassembling handshake messages split across records, until the
// direction goes encrypted. It returns what it found and the bytes of the
// whole records it read. When b ends inside a record or a handshake message
// of the clear-text phase, err wraps ErrShort and the partial result is
// still returned: retry with more bytes for the rest (a certificate). Bytes
// that are not TLS records give ErrMalformed with the byte offset.
func ParseTLSHandshake(b []byte) (*TLSHandshake, int, error) {
	h := &TLSHandshake{}
	var hs []byte  // handshake bytes, possibly spanning records
	owned := false // hs is a copy we may append to
	hsOff := 0     // parsed prefix of hs
	off := 0
	for off < len(b) && !h.Encrypted {
		rec, n, err := ParseTLSRecord(b[off:])
		if err != nil {
			if isShort(err) {
				return h, off, fmt.Errorf("tls: record at byte %d: %w", off, ErrShort)
			}
			return h, off, fmt.Errorf("tls: byte %d: %w", off, err)
		}
		if off == 0 {
			h.RecordVersion = rec.Version
		}
		switch rec.ContentType {
		case tlsChangeCipherSpec, tlsApplicationData:
			h.Encrypted = true
		case tlsAlert:
			if len(rec.Fragment) >= 2 {
				h.Alert, h.AlertLevel, h.AlertDesc = true, rec.Fragment[0], rec.Fragment[1]
			}
		case tlsHandshake:
			switch {
			case hs == nil:
				hs = rec.Fragment
			case !owned:
				hs = append(append(make([]byte, 0, len(hs)+len(rec.Fragment)), hs...), rec.Fragment...)
				owned = true
			default:
				hs = append(hs, rec.Fragment...)
			}
			if len(hs) > tlsMaxHS {
				return h, off, fmt.Errorf("tls: byte %d: handshake data over %d bytes: %w", off, tlsMaxHS, ErrMalformed)
			}
			used, err := h.parseMessages(hs[hsOff:])
			hsOff += used
			if err != nil {
				return h, off, fmt.Errorf("tls: handshake in record at byte %d: %w", off, err)
			}
		}
		off += n
	}
	if hsOff < len(hs) && !h.Encrypted {
		return h, off, fmt.Errorf("tls: handshake message split past byte %d: %w", off, ErrShort)
	}
	return h, off, nil
}

// parseMessages decodes the whole handshake messages at the start of hs and
// returns the bytes they take.
func (h *TLSHandshake) parseMessages(hs []byte) (int, error) {
	used := 0
	for len(hs)-used >= 4 {
		m := hs[used:]
		n := 4 + (int(m[1])<<16 | int(m[2])<<8 | int(m[3]))
		if n > tlsMaxHS {
			return used, fmt.Errorf("handshake message of %d bytes: %w", n, ErrMalformed)
		}
		if len(m) < n {
			return used, nil
		}
		var err error
		switch m[0] {
		case tlsClientHello:
			if h.Client == nil {
				h.Client, err = ParseClientHello(m[:n])
			}
		case tlsServerHello:
			if h.Server == nil {
				h.Server, err = ParseServerHello(m[:n])
			}
		case tlsCertificate:
			if h.Certificates == nil && (h.Server == nil || h.Server.Version() < 0x0304) {
				h.Certificates, h.ChainLength, err = parseCertificateMsg(m[4:n])
			}
		}
		if err != nil {
			return used, err
		}
		used += n
	}
	return used, nil
}

// ServerHello is the decoded TLS ServerHello.
type ServerHello struct {
	LegacyVersion   uint16
	SelectedVersion uint16 // from the supported_versions extension (TLS 1.3), else 0
	CipherSuite     uint16
	Compression     uint8
	Extensions      []uint16
	ALPN            string
	HelloRetry      bool // a HelloRetryRequest (TLS 1.3)
}

// Version returns the negotiated version: the supported_versions choice
// when present, else the legacy version.
func (s *ServerHello) Version() uint16 {
	if s.SelectedVersion != 0 {
		return s.SelectedVersion
	}
	return s.LegacyVersion
}

// helloRetryRandom is the fixed random of a TLS 1.3 HelloRetryRequest.
const helloRetryRandom = "\xcf\x21\xad\x74\xe5\x9a\x61\x11\xbe\x1d\x8c\x02\x1e\x65\xb8\x91\xc2\xa2\x11\x16\x7a\xbb\x8c\x5e\x07\x9e\x09\xe2\xc8\xa8\x33\x9c"

// ParseServerHello decodes a ServerHello handshake message, header (type
// 2, 3-byte length) included.
func ParseServerHello(msg []byte) (*ServerHello, error) {
	r := tlsReader{b: msg}
	if typ := r.u8(); typ != tlsServerHello {
		return nil, fmt.Errorf("tls: server hello: message type %d: %w", typ, ErrMalformed)
	}
	r.b = r.bytes(int(r.u24()))
	r.off = 0
	s := &ServerHello{LegacyVersion: r.u16()}
	random := r.bytes(32)
	s.HelloRetry = string(random) == helloRetryRandom
	r.bytes(int(r.u8())) // session id
	s.CipherSuite = r.u16()
	s.Compression = r.u8()
	if r.err == nil && r.off < len(r.b) {
		exts := tlsReader{b: r.bytes(int(r.u16()))}
		for exts.err == nil && exts.off < len(exts.b) {
			typ := exts.u16()
			data := tlsReader{b: exts.bytes(int(exts.u16()))}
			if exts.err != nil {
				break
			}
			s.Extensions = append(s.Extensions, typ)
			switch typ {
			case 0x002b:
				s.SelectedVersion = data.u16()
			case 0x0010:
				list := tlsReader{b: data.bytes(int(data.u16()))}
				s.ALPN = string(list.bytes(int(list.u8())))
			}
		}
		if exts.err != nil {
			r.err = exts.err
		}
	}
	if r.err != nil {
		return nil, fmt.Errorf("tls: server hello: %w", r.err)
	}
	return s, nil
}

// tlsReader reads big-endian fields, recording the first overrun.
type tlsReader struct {
	b   []byte
	off int
	err error
}

func (r *tlsReader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || r.off+n > len(r.b) {
		r.err = fmt.Errorf("byte %d: field of %d bytes overruns %d: %w", r.off, n, len(r.b), ErrMalformed)
		return nil
	}
	v := r.b[r.off : r.off+n]
	r.off += n
	return v
}

func (r *tlsReader) u8() uint8 {
	if v := r.bytes(1); v != nil {
		return v[0]
	}
	return 0
}

func (r *tlsReader) u16() uint16 {
	if v := r.bytes(2); v != nil {
		return binary.BigEndian.Uint16(v)
	}
	return 0
}

func (r *tlsReader) u24() uint32 {
	if v := r.bytes(3); v != nil {
		return uint32(v[0])<<16 | uint32(v[1])<<8 | uint32(v[2])
	}
	return 0
}
