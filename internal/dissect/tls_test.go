package dissect

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// tlsSummary is what the capture tests compare for one direction.
type tlsSummary struct {
	SNI, JA3, JA4         string
	Version, Cipher       uint16
	JA3S, LeafCN          string
	Chain                 int
	SelfSigned, Encrypted bool
}

func summarize(h *TLSHandshake) tlsSummary {
	s := tlsSummary{Encrypted: h.Encrypted, Chain: h.ChainLength}
	if c := h.Client; c != nil {
		s.SNI, s.JA3, s.JA4 = c.ServerName, c.JA3Hash(), c.JA4()
	}
	if sh := h.Server; sh != nil {
		s.Version, s.Cipher, s.JA3S = sh.Version(), sh.CipherSuite, sh.JA3SHash()
	}
	if len(h.Certificates) > 0 {
		s.LeafCN, s.SelfSigned = h.Certificates[0].SubjectCN, h.Certificates[0].SelfSigned
	}
	return s
}

// TestTLSCaptures checks SNI, JA3 and JA3S against tshark 4.0
// (tshark -T fields -e tls.handshake.extensions_server_name -e
// tls.handshake.ja3 -e tls.handshake.ja3s) on the shared captures, and the
// certificate fields against tshark's x509 dissection. tshark 4.0 has no
// JA4: those values are regression values, the algorithm itself is checked
// by TestJA4Vector.
func TestTLSCaptures(t *testing.T) {
	tests := []struct {
		file string
		want []tlsSummary // client direction, then server direction when present
	}{
		{"zeek/tls_chrome-34-google.pcap", []tlsSummary{
			{SNI: "google.de", JA3: "a607f3a5c94c2ee592af1456f36c8367", JA4: "t12d2011s3_8dd61975155f_06a4338d0495", Encrypted: true},
			{Version: 0x0303, Cipher: 0xc02f, JA3S: "9f5e2e0d84076af5475bbe44debdb03e", LeafCN: "*.google.de", Chain: 3, Encrypted: true},
		}},
		{"zeek/tls_client-certificate.pcap", []tlsSummary{
			{SNI: "certauth.idrix.fr", JA3: "579ccef312d18482fc42e2b822ca2430", JA4: "t13d1715h2_5b57614c22b0_3d5424432f57", LeafCN: "johanna@corelight.com", Chain: 2, Encrypted: true},
			{Version: 0x0303, Cipher: 0xc030, JA3S: "d154fcfa5bb4f0748e1dd1992c681104", LeafCN: "certauth.idrix.fr", Chain: 3, Encrypted: true},
		}},
		{"zeek/tls_ecdhe.pcap", []tlsSummary{
			{JA3: "29d8afc9e0a4d38d138ec2643966815f", JA4: "t12i020500_d0ac5cb1209a_a1e935682795", Encrypted: true},
			{Version: 0x0303, Cipher: 0xc014, JA3S: "a8d2a5625ef8f3aada2fb53dad3f2921", LeafCN: "*.google.com", Chain: 3, Encrypted: true},
		}},
		{"ndpi/ja3_lots_of_cipher_suites.pcap", []tlsSummary{
			{JA3: "b2498734f22ddc9be05c39837ac8ac54", JA4: "t12i990300_28808c40d9f1_1e2a54cae03f"},
			{Version: 0x0303, Cipher: 0x0045, JA3S: "9d456958a9e86bb0d503543beaf1a65b", LeafCN: "XRX9C934E949FEF", Chain: 2},
		}},
		{"ndpi/tls_1.2_unidirectional_client.pcapng", []tlsSummary{
			{SNI: "notifications-pa.googleapis.com", JA3: "66fdcab9689b131fd04777de513ae009", JA4: "t12d0409h2_dd22d19553a2_b39be8c56a14", Encrypted: true},
		}},
		{"ndpi/tls_1.3_unidirectional_client.pcapng", []tlsSummary{
			{SNI: "www.google.com", JA3: "c67e9dc27d283f1f89b4ebb4b4670c21", JA4: "t13d1713h1_5b57614c22b0_352634941f3a", Encrypted: true},
		}},
	}
	for _, tt := range tests {
		var got []tlsSummary
		for _, s := range appStreams(t, appRealdata(t, "pcap", filepath.FromSlash(tt.file))) {
			if !SniffTLS(s.data) {
				t.Errorf("%s %s>%s: SniffTLS false", tt.file, s.src, s.dst)
			}
			h, _, err := ParseTLSHandshake(s.data)
			if err != nil {
				t.Errorf("%s %s>%s: %v", tt.file, s.src, s.dst, err)
				continue
			}
			got = append(got, summarize(h))
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.file, diff)
		}
	}
}

// TestJA4Vector checks JA4 and JA3 on a Chrome 143 ClientHello whose raw
// and hashed fingerprints were published by browserleaks.com (quoted in
// service0427/v2_cp_app tls.md): ja4_ro gives the lists in wire order.
func TestJA4Vector(t *testing.T) {
	c := &ClientHello{
		LegacyVersion:     0x0303,
		SupportedVersions: []uint16{0x0304, 0x0303},
		CipherSuites: []uint16{0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013,
			0xc014, 0x009c, 0x009d, 0x002f, 0x0035},
		Extensions: []uint16{0x002d, 0x0033, 0x0010, 0xfe0d, 0x0017, 0x44cd, 0x0000, 0x000b, 0x000a, 0x002b,
			0xff01, 0x0023, 0x0012, 0x0005, 0x000d, 0x001b},
		ServerName:          "tls.browserleaks.com",
		ALPN:                []string{"h2", "http/1.1"},
		Groups:              []uint16{4588, 29, 23, 24},
		PointFormats:        []uint8{0},
		SignatureAlgorithms: []uint16{0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601},
	}
	if got, want := c.JA4(), "t13d1516h2_8daaf6152771_d8a2da3f94cd"; got != want {
		t.Errorf("JA4 = %s, want %s", got, want)
	}
	if got, want := c.JA3Hash(), "98487aa16281980e7d1120d399efb6a4"; got != want {
		t.Errorf("JA3 = %s (%s), want %s", got, c.JA3(), want)
	}
	// GREASE values anywhere change neither fingerprint.
	g := *c
	g.CipherSuites = append([]uint16{0x0a0a}, c.CipherSuites...)
	g.Extensions = append([]uint16{0x1a1a}, append(c.Extensions, 0x2a2a)...)
	g.Groups = append([]uint16{0x3a3a}, c.Groups...)
	g.SupportedVersions = append([]uint16{0x4a4a}, c.SupportedVersions...)
	if g.JA4() != c.JA4() || g.JA3Hash() != c.JA3Hash() {
		t.Errorf("GREASE changed the fingerprints: %s %s", g.JA4(), g.JA3())
	}
}

// goHandshake runs a real crypto/tls handshake over a pipe and returns the
// bytes each side sent. maxVersion pins the version (TLS 1.2 shows the
// certificate in clear).
func goHandshake(t testing.TB, maxVersion uint16) (client, server []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(42),
		Subject:      pkix.Name{CommonName: "infusion-gw.example.test", Organization: []string{"Vigil Test"}},
		NotBefore:    time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC),
		DNSNames:     []string{"infusion-gw.example.test"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	c1, c2 := net.Pipe()
	cRec, sRec := &recorder{Conn: c1}, &recorder{Conn: c2}
	done := make(chan error, 1)
	go func() {
		srv := tls.Server(sRec, &tls.Config{Certificates: []tls.Certificate{cert}, MaxVersion: maxVersion, NextProtos: []string{"h2"}})
		err := srv.Handshake()
		srv.Close()
		done <- err
	}()
	cli := tls.Client(cRec, &tls.Config{InsecureSkipVerify: true, ServerName: "infusion-gw.example.test",
		NextProtos: []string{"h2", "http/1.1"}, MaxVersion: maxVersion})
	if err := cli.Handshake(); err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, cli) // read until the server closes
	cli.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return cRec.sent, sRec.sent
}

// recorder keeps a copy of what a connection writes.
type recorder struct {
	net.Conn
	sent []byte
}

func (r *recorder) Write(b []byte) (int, error) {
	r.sent = append(r.sent, b...)
	return r.Conn.Write(b)
}

func TestParseTLSGoHandshake(t *testing.T) {
	for _, v := range []uint16{tls.VersionTLS12, tls.VersionTLS13} {
		cb, sb := goHandshake(t, v)
		ch, _, err := ParseTLSHandshake(cb)
		if err != nil || ch.Client == nil {
			t.Fatalf("%x client: %v", v, err)
		}
		if ch.Client.ServerName != "infusion-gw.example.test" || ch.Client.MaxVersion() != v || !cmp.Equal(ch.Client.ALPN, []string{"h2", "http/1.1"}) {
			t.Errorf("%x client hello = %+v", v, ch.Client)
		}
		sh, _, err := ParseTLSHandshake(sb)
		if err != nil || sh.Server == nil {
			t.Fatalf("%x server: %v", v, err)
		}
		if sh.Server.Version() != v || sh.Server.ALPN != "h2" && v == tls.VersionTLS12 || sh.Server.SelectedVersion == 0 && v == tls.VersionTLS13 {
			t.Errorf("%x server hello = %+v", v, sh.Server)
		}
		if v == tls.VersionTLS13 {
			if len(sh.Certificates) != 0 {
				t.Errorf("TLS 1.3 certificate is encrypted, got %+v", sh.Certificates)
			}
			continue
		}
		want := []TLSCertificate{{
			SubjectCN: "infusion-gw.example.test", Subject: "CN=infusion-gw.example.test,O=Vigil Test", SubjectOrg: "Vigil Test",
			Issuer: "CN=infusion-gw.example.test,O=Vigil Test", DNSNames: []string{"infusion-gw.example.test"}, Serial: "2a",
			NotBefore: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC), SelfSigned: true,
		}}
		if diff := cmp.Diff(want, sh.Certificates); diff != "" {
			t.Errorf("certificate (-want +got):\n%s", diff)
		}
	}
}

// TestParseTLSSplit re-frames a server flight into 7-byte records and cuts
// the stream at every length: the result must be the same once whole, and
// never an error other than ErrShort before.
func TestParseTLSSplit(t *testing.T) {
	_, sb := goHandshake(t, tls.VersionTLS12)
	whole, _, err := ParseTLSHandshake(sb)
	if err != nil {
		t.Fatal(err)
	}
	// Re-frame all handshake bytes into records of 7 bytes.
	var hs []byte
	off := 0
	for off < len(sb) {
		r, n, err := ParseTLSRecord(sb[off:])
		if err != nil {
			t.Fatal(err)
		}
		if r.ContentType != tlsHandshake {
			break
		}
		hs = append(hs, r.Fragment...)
		off += n
	}
	var split []byte
	for off := 0; off < len(hs); off += 7 {
		frag := hs[off:min(off+7, len(hs))]
		split = append(split, tlsHandshake, 3, 3, 0, byte(len(frag)))
		split = append(split, frag...)
	}
	split = append(split, sb[off:]...) // ChangeCipherSpec and what follows
	got, _, err := ParseTLSHandshake(split)
	if err != nil {
		t.Fatalf("split: %v", err)
	}
	if diff := cmp.Diff(summarize(whole), summarize(got)); diff != "" {
		t.Errorf("split records (-whole +split):\n%s", diff)
	}
	for i := 0; i < len(split); i++ {
		if _, _, err := ParseTLSHandshake(split[:i]); err != nil && !errors.Is(err, ErrShort) {
			t.Fatalf("prefix %d: err = %v, want nil or ErrShort", i, err)
		}
	}
}

func TestParseTLSErrors(t *testing.T) {
	for _, in := range []string{
		"\x16\x03\x01\x00\x04\x01\x00\x00\x00",                 // empty client hello
		"GET / HTTP/1.1\r\n",                                   // not TLS
		"\x16\x03\x01\x00\x08\x02\x00\x00\x04\x03\x03\x00\x00", // server hello cut
	} {
		if _, _, err := ParseTLSHandshake([]byte(in)); !isMalformed(err) {
			t.Errorf("%q: err = %v, want ErrMalformed", in, err)
		}
	}
	// A handshake message longer than its record may continue in the next.
	if _, _, err := ParseTLSHandshake([]byte("\x16\x03\x01\x00\x05\x01\x00\x00\xff\x03")); !errors.Is(err, ErrShort) {
		t.Errorf("message continued: %v, want ErrShort", err)
	}
	if _, _, err := ParseTLSRecord([]byte{0x16, 3}); !errors.Is(err, ErrShort) {
		t.Errorf("short header: %v", err)
	}
}

func FuzzParseTLSHandshake(f *testing.F) {
	cb, sb := goHandshake(f, tls.VersionTLS12)
	f.Add(cb)
	f.Add(sb)
	f.Add([]byte("\x16\x03\x01\x00\x05\x01\x00\x00\x01\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, n, err := ParseTLSHandshake(b)
		if h == nil || n > len(b) || n < 0 {
			t.Fatalf("h=%v n=%d len=%d err=%v", h, n, len(b), err)
		}
		if h.Client != nil {
			h.Client.JA3Hash()
			h.Client.JA4()
		}
		if h.Server != nil {
			h.Server.JA3SHash()
		}
	})
}

func BenchmarkParseClientHello(b *testing.B) {
	cb, _ := goHandshake(b, tls.VersionTLS13)
	rec, _, err := ParseTLSRecord(cb)
	if err != nil {
		b.Fatal(err)
	}
	msg := rec.Fragment
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseClientHello(msg); err != nil {
			b.Fatal(err)
		}
	}
}
