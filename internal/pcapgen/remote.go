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
	"strings"
	"time"
)

// RemoteSession is a vendor's remote session the capture carries, written
// after the scenario's rounds, all sessions at once.
type RemoteSession struct {
	// Device is the name (Host.Name) of the hospital's host at one end.
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
	// Duration is how long the session lasts (default 20 minutes); it
	// exchanges a burst of data every 30 seconds.
	Duration time.Duration
}

// Protocols RemoteSession knows.
var remoteProtocols = map[string]uint16{"rdp": 3389, "vnc": 5900, "teamviewer": 5938, "ssh": 22, "tls": 443}

// validate reports what is wrong with a session, the hosts given.
func (r *RemoteSession) validate(byName map[string]*Host) error {
	if byName[r.Device] == nil {
		return fmt.Errorf("remote session: no host named %q", r.Device)
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
	s   *RemoteSession
	c   *conn
	end time.Time
}

// remote writes the vendor remote sessions side by side: each opens a few
// seconds after the previous one, then every 30 seconds each open session
// exchanges a burst until its duration has passed.
func (g *gen) remote() error {
	if len(g.opt.Remote) == 0 {
		return nil
	}
	byName := map[string]*Host{}
	for _, hs := range g.roles {
		for _, h := range hs {
			byName[h.Name] = h
		}
	}
	var runs []*remoteRun
	for i := range g.opt.Remote {
		s := &g.opt.Remote[i]
		if err := s.validate(byName); err != nil {
			return err
		}
		dev := byName[s.Device]
		gw := g.gatewayOf(dev)
		peer := &Host{Name: s.Peer.String(), MAC: gw.MAC, IP: s.Peer, VLAN: dev.VLAN, TTL: 52}
		if s.PeerName != "" {
			id, port := uint16(g.rng.IntN(65536)), g.ephemeral()
			g.w.udp(dev, gw.MAC, gw.IP, port, 53, dnsA(id, s.PeerName, netip.Addr{}))
			g.w.udp(gw, dev.MAC, dev.IP, 53, port, dnsA(id, s.PeerName, s.Peer))
		}
		run := &remoteRun{s: s, end: g.w.now.Add(cmp.Or(s.Duration, 20*time.Minute))}
		port := remoteProtocols[s.Protocol]
		if s.Protocol == "tls" {
			run.c = g.w.dial(dev, peer, g.ephemeral(), port, g.rng.Uint32())
			run.c.open()
			run.c.send(true, clientHello(tls12, s.ServerName, g.random(32)))
			flight := serverHello(tls12, g.random(32))
			if s.CertOrg != "" {
				flight = append(flight, certificateRecord(s.ServerName, s.CertOrg)...)
			}
			flight = append(flight, tlsRecord(0x16, tls12, []byte{14, 0, 0, 0})...) // ServerHelloDone
			run.c.send(false, flight)
			run.c.send(true, tlsRecord(0x14, tls12, []byte{1}))
			run.c.send(false, tlsRecord(0x14, tls12, []byte{1}))
		} else {
			run.c = g.w.dial(peer, dev, g.ephemeral(), port, g.rng.Uint32())
			run.c.open()
			cli, srv := remoteGreeting(s.Protocol)
			if srv != nil {
				run.c.send(false, srv)
			}
			run.c.send(true, cli)
		}
		runs = append(runs, run)
		g.w.now = g.w.now.Add(3 * time.Second)
	}
	for open := len(runs); open > 0; {
		g.w.now = g.w.now.Add(30 * time.Second)
		open = 0
		for _, r := range runs {
			if r.c == nil {
				continue
			}
			if !g.w.now.Before(r.end) {
				r.c.close()
				r.c = nil
				continue
			}
			open++
			// The remote side drives; the device answers with its screen
			// or output.
			fromPeer := r.s.Protocol != "tls"
			r.c.send(fromPeer, r.burst(g, 200))
			r.c.send(!fromPeer, r.burst(g, 1800))
		}
	}
	return nil
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
