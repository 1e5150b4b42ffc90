package pcapgen

import (
	"cmp"
	"crypto/ed25519"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math/big"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// RemoteSession is a vendor's remote session the capture carries, written
// after the scenario's rounds, side by side with the others.
type RemoteSession struct {
	// Device is the name (Host.Name) or address of the hospital's host at
	// one end.
	Device string
	// Peer is the vendor's address outside the hospital, reached through
	// the device's gateway.
	Peer netip.Addr
	// Protocol is how: "rdp", "vnc", "teamviewer" or "ssh" (the peer
	// connects to the device), or "tls" (the device connects to the peer's
	// remote-service gateway on port 443).
	Protocol string
	// ServerName is the name a TLS session's client asks for (SNI).
	// CertOrg, when set, has the gateway present in clear (TLS 1.2) a
	// certificate for ServerName whose subject organisation it is.
	ServerName, CertOrg string
	// PeerName, when set, is resolved to Peer by a DNS answer the capture
	// carries before the session.
	PeerName string
	// Start is when it opens; zero, or a time the scenario has already
	// passed, opens it once the scenario is written, three seconds after
	// the previous session.
	Start time.Time
	// Duration is how long the session lasts (default 20 minutes); it
	// exchanges a burst of data every 30 seconds.
	Duration time.Duration
}

// Protocols RemoteSession knows.
var remoteProtocols = map[string]uint16{"rdp": 3389, "vnc": 5900, "teamviewer": 5938, "ssh": 22, "tls": 443}

// validate reports what is wrong with a session, the hosts given.
func (r *RemoteSession) validate(byName map[string]*Host) error {
	if byName[r.Device] == nil {
		return fmt.Errorf("remote session: no host named or at %q", r.Device)
	}
	if _, ok := remoteProtocols[r.Protocol]; !ok {
		return fmt.Errorf("remote session: unknown protocol %q (rdp, vnc, teamviewer, ssh or tls)", r.Protocol)
	}
	if !r.Peer.Is4() {
		return fmt.Errorf("remote session: peer %v is not an IPv4 address", r.Peer)
	}
	return nil
}

// remoteRun is one session being written.
type remoteRun struct {
	s          *RemoteSession
	dev, peer  *Host
	c          *conn
	start, end time.Time
}

// remote writes the vendor remote sessions: each opens at its start, then
// every 30 seconds each open session exchanges a burst until its duration
// has passed.
func (g *gen) remote() error {
	if len(g.opt.Remote) == 0 {
		return nil
	}
	byName := map[string]*Host{}
	for _, hs := range g.roles {
		for _, h := range hs {
			byName[h.Name], byName[h.IP.String()] = h, h
		}
	}
	runs := make([]*remoteRun, len(g.opt.Remote))
	next := g.w.now
	for i := range g.opt.Remote {
		s := &g.opt.Remote[i]
		if err := s.validate(byName); err != nil {
			return err
		}
		dev := byName[s.Device]
		gw := g.gatewayOf(dev)
		r := &remoteRun{s: s, dev: dev, peer: &Host{Name: s.Peer.String(), MAC: gw.MAC, IP: s.Peer, VLAN: dev.VLAN, TTL: 52}, start: s.Start}
		if !r.start.After(next) {
			r.start = next
		}
		next = r.start.Add(3 * time.Second)
		r.end = r.start.Add(cmp.Or(s.Duration, 20*time.Minute))
		runs[i] = r
	}
	slices.SortStableFunc(runs, func(a, b *remoteRun) int { return a.start.Compare(b.start) })
	for pending, open := runs, 0; len(pending) > 0 || open > 0; {
		for len(pending) > 0 && !pending[0].start.After(g.w.now) {
			g.openRemote(pending[0])
			pending, open = pending[1:], open+1
		}
		tick := g.w.now.Add(30 * time.Second)
		if len(pending) > 0 && pending[0].start.Before(tick) {
			tick = pending[0].start
		}
		g.w.now = tick
		for _, r := range runs {
			switch {
			case r.c == nil:
			case !g.w.now.Before(r.end):
				r.c.close()
				r.c, open = nil, open-1
			default:
				// The remote side drives; the device answers with its
				// screen or output.
				fromPeer := r.s.Protocol != "tls"
				r.c.send(fromPeer, r.burst(g, 200))
				r.c.send(!fromPeer, r.burst(g, 1800))
			}
		}
	}
	return nil
}

// openRemote resolves the peer's name when asked, connects and writes the
// protocol's opening.
func (g *gen) openRemote(r *remoteRun) {
	s, dev := r.s, r.dev
	if s.PeerName != "" {
		gw := g.gatewayOf(dev)
		id, port := uint16(g.rng.IntN(65536)), g.ephemeral()
		g.w.udp(dev, gw.MAC, gw.IP, port, 53, dnsA(id, s.PeerName, netip.Addr{}))
		g.w.udp(gw, dev.MAC, dev.IP, 53, port, dnsA(id, s.PeerName, s.Peer))
	}
	port := remoteProtocols[s.Protocol]
	if s.Protocol == "tls" {
		r.c = g.w.dial(dev, r.peer, g.ephemeral(), port, g.rng.Uint32())
		r.c.open()
		r.c.send(true, clientHello(tls12, s.ServerName, g.random(32)))
		flight := serverHello(tls12, g.random(32))
		if s.CertOrg != "" {
			flight = append(flight, certificateRecord(s.ServerName, s.CertOrg)...)
		}
		flight = append(flight, tlsRecord(0x16, tls12, []byte{14, 0, 0, 0})...) // ServerHelloDone
		r.c.send(false, flight)
		r.c.send(true, tlsRecord(0x14, tls12, []byte{1}))
		r.c.send(false, tlsRecord(0x14, tls12, []byte{1}))
		return
	}
	r.c = g.w.dial(r.peer, dev, g.ephemeral(), port, g.rng.Uint32())
	r.c.open()
	cli, srv := remoteGreeting(s.Protocol)
	if srv != nil {
		r.c.send(false, srv)
	}
	r.c.send(true, cli)
}

// burst is opaque application data of about n bytes, framed as TLS
// application data for TLS sessions.
func (r *remoteRun) burst(g *gen, n int) []byte {
	n += g.rng.IntN(n)
	if r.s.Protocol == "tls" {
		return tlsRecord(0x17, tls12, g.random(n))
	}
	return g.random(n)
}

// remoteGreeting is what the client and, first, the server send to open
// a session of the protocol.
func remoteGreeting(proto string) (cli, srv []byte) {
	switch proto {
	case "rdp":
		// TPKT + X.224 Connection Request with a cookie and an RDP
		// negotiation request for TLS and CredSSP.
		cookie := "Cookie: mstshash=svc\r\n"
		neg := []byte{0x01, 0x00, 0x08, 0x00, 0x03, 0x00, 0x00, 0x00}
		x224 := append([]byte{byte(6 + len(cookie) + len(neg)), 0xe0, 0, 0, 0, 0, 0}, append([]byte(cookie), neg...)...)
		tpkt := be16([]byte{3, 0}, 4+len(x224))
		return append(tpkt, x224...), nil
	case "vnc":
		return []byte("RFB 003.008\n"), []byte("RFB 003.008\n")
	case "teamviewer":
		return []byte{0x17, 0x24, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}, nil
	}
	return []byte("SSH-2.0-OpenSSH_9.6\r\n"), []byte("SSH-2.0-OpenSSH_8.9p1\r\n")
}

// certificateRecord is a TLS 1.2 Certificate handshake record holding a
// leaf certificate for name with the subject organisation org, signed by
// an Ed25519 key derived from both so that the bytes never vary.
func certificateRecord(name, org string) []byte {
	h := fnv.New64a()
	h.Write([]byte(name + "\x00" + org))
	var seed [ed25519.SeedSize]byte
	binary.BigEndian.PutUint64(seed[:], h.Sum64())
	key := ed25519.NewKeyFromSeed(seed[:])
	cn := cmp.Or(name, strings.ToLower(strings.ReplaceAll(org, " ", ""))+".example")
	tmpl := &x509.Certificate{
		SerialNumber: new(big.Int).SetUint64(h.Sum64() >> 1),
		Subject:      pkix.Name{CommonName: cn, Organization: []string{org}},
		Issuer:       pkix.Name{CommonName: org + " Issuing CA", Organization: []string{org}},
		NotBefore:    time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:     time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC),
		DNSNames:     []string{cn},
	}
	der, err := x509.CreateCertificate(nil, tmpl, tmpl, key.Public(), key)
	if err != nil {
		panic("pcapgen: certificate: " + err.Error()) // a fixed template never fails
	}
	cert := append([]byte{byte(len(der) >> 16), byte(len(der) >> 8), byte(len(der))}, der...)
	body := append([]byte{byte(len(cert) >> 16), byte(len(cert) >> 8), byte(len(cert))}, cert...)
	msg := append([]byte{11, byte(len(body) >> 16), byte(len(body) >> 8), byte(len(body))}, body...)
	return tlsRecord(0x16, tls12, msg)
}

// gatewayOf returns the gateway on the host's VLAN, else the first one,
// else the host itself (the peer then shares its MAC).
func (g *gen) gatewayOf(h *Host) *Host {
	gws := g.roles[RoleGateway]
	for _, gw := range gws {
		if gw.VLAN == h.VLAN {
			return gw
		}
	}
	if len(gws) > 0 {
		return gws[0]
	}
	return h
}
