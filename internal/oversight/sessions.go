package oversight

import (
	"cmp"
	"net/netip"
	"slices"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// RemoteApps are the applications discovery names whose flows are remote
// sessions whoever the peer is (when the peer is outside the hospital's
// private addresses or tied to a vendor). A TLS flow is a session only when
// it is tied to a vendor endpoint: a vendor's cloud remote-service gateway.
var RemoteApps = []string{"rdp", "vnc", "teamviewer", "ssh", "telnet", "ftp"}

// SessionApps are the applications whose flows Sessions reads: RemoteApps
// and TLS.
var SessionApps = append(slices.Clone(RemoteApps), "tls")

// Unknown is the vendor a session or finding names when no vendor endpoint
// matches its peer.
const Unknown = "unknown"

// Session is one vendor remote session: a device of the hospital reached
// by, or reaching, a peer outside it, over a remote-access protocol or TLS
// to a vendor endpoint.
type Session struct {
	// DeviceID is the inventory device (0 when the address is no inventory
	// device's); Device its label, or its address.
	DeviceID     int64  `json:"device_id,omitempty"`
	Device       string `json:"device"`
	DeviceIP     string `json:"device_ip"`
	Manufacturer string `json:"manufacturer,omitempty"`
	// MakerID and Maker are the vendor of the register that makes or
	// services the device (DevicesOf); 0 and "" when none does.
	MakerID int64  `json:"maker_id,omitempty"`
	Maker   string `json:"maker,omitempty"`
	// VendorID and Vendor are the vendor the peer is tied to by one of its
	// endpoints (Endpoint); 0 and Unknown when none matches.
	VendorID int64                 `json:"vendor_id,omitempty"`
	Vendor   string                `json:"vendor"`
	Endpoint *vigil.VendorEndpoint `json:"endpoint,omitempty"`
	// Peer is the other end's address; PeerName the name it was known by
	// (the TLS server name, the certificate's names or a DNS answer).
	Peer     string `json:"peer"`
	PeerName string `json:"peer_name,omitempty"`
	// Inbound is true when the peer connected to the device.
	Inbound  bool   `json:"inbound"`
	Protocol string `json:"protocol"`
	Port     uint16 `json:"port"`
	// Tool is the endpoint's tool, else the protocol.
	Tool        string    `json:"tool"`
	FirstSeen   time.Time `json:"first_seen"`
	LastSeen    time.Time `json:"last_seen"`
	Seconds     int64     `json:"duration_seconds"`
	Connections int       `json:"connections"`
	Bytes       uint64    `json:"bytes"`
}

// Duration is how long the session lasted, from its first packet to its
// last.
func (s *Session) Duration() time.Duration { return s.LastSeen.Sub(s.FirstSeen) }

// Sessions finds the vendor remote sessions in the flows discovery stored
// that started on or before at (zero: all). A flow is one when its app is
// one of RemoteApps, or TLS, and:
//   - its peer is the end an address endpoint contains when only one
//     does, else the end whose address is public when only one is (not
//     private, loopback, link-local or multicast), else the client unless
//     only the client's address is an inventory device's; its device is
//     the other end, matched to the inventory by address;
//   - its peer, the other end, is tied to a vendor by an endpoint: an
//     address endpoint containing the peer's address, a host endpoint
//     matching the DNS name seen for it or the TLS server name, a tls-name
//     endpoint matching the server name or a name of the certificate, a
//     cert-org endpoint the certificate's organisation (names and the
//     certificate only when the peer is the server); the most specific
//     match wins (an exact name, then the longest address block, then a
//     wildcard name, then an organisation);
//   - or, for a remote-access app, the peer is not tied to a vendor but its
//     address is public (not private, loopback, link-local or multicast):
//     the session's vendor is Unknown. Sessions between two private
//     addresses that no endpoint ties are the hospital's own and left out.
//
// Flows of the same ends, port and app whose times overlap (the same
// capture recorded twice) are one session. The sessions come by first
// seen, device and peer.
func Sessions(flows []*vigil.FlowSummary, devices []*vigil.Device, vendors []*vigil.Vendor, at time.Time) []Session {
	byIP := map[netip.Addr]*vigil.Device{}
	for _, d := range devices {
		if a, err := netip.ParseAddr(d.IP); err == nil {
			if _, dup := byIP[a.Unmap()]; !dup {
				byIP[a.Unmap()] = d
			}
		}
	}
	idx := newEndpointIndex(vendors)
	makers := map[*vigil.Device]*vigil.Vendor{}
	same := map[sessionKey][]int{} // the sessions of the same ends, port and protocol
	out := make([]Session, 0, len(flows))
	for _, f := range flows {
		if !slices.Contains(SessionApps, f.App) || (!at.IsZero() && f.FirstSeen.After(at)) {
			continue
		}
		client, cerr := netip.ParseAddr(f.Client)
		server, serr := netip.ParseAddr(f.Server)
		if cerr != nil || serr != nil {
			continue
		}
		client, server = client.Unmap(), server.Unmap()
		dev, peer, inbound := server, client, true
		switch sa, ca := idx.hasAddress(server), idx.hasAddress(client); {
		case sa != ca:
			inbound = ca
		case internal(server) != internal(client):
			inbound = internal(server)
		case byIP[server] == nil && byIP[client] != nil:
			inbound = false
		}
		if !inbound {
			dev, peer = client, server
		}
		v, ep := idx.match(peer, f, inbound)
		remote := slices.Contains(RemoteApps, f.App)
		if v == nil && (!remote || internal(peer)) {
			continue
		}
		s := Session{
			Device: dev.String(), DeviceIP: dev.String(), Vendor: Unknown, Peer: peer.String(), Inbound: inbound,
			Protocol: f.App, Port: f.Port, Tool: f.App, FirstSeen: f.FirstSeen, LastSeen: f.LastSeen,
			Connections: f.Connections, Bytes: f.Bytes,
		}
		if d := byIP[dev]; d != nil {
			s.DeviceID, s.Device, s.Manufacturer = d.ID, d.Label(), d.Manufacturer
			m, seen := makers[d]
			if !seen {
				m = makerOf(d, vendors)
				makers[d] = m
			}
			if m != nil {
				s.MakerID, s.Maker = m.ID, m.Name
			}
		}
		if inbound {
			s.PeerName = f.ClientHost
		} else {
			s.PeerName = cmp.Or(f.ServerName, f.ServerHost, first(f.CertNames))
		}
		if v != nil {
			e := *ep
			s.VendorID, s.Vendor, s.Endpoint = v.ID, v.Name, &e
			if e.Tool != "" {
				s.Tool = e.Tool
			}
		}
		k := sessionKey{s.DeviceIP, s.Peer, s.Port, s.Protocol}
		if i := overlapping(out, same[k], s); i >= 0 {
			merge(&out[i], s)
		} else {
			same[k] = append(same[k], len(out))
			out = append(out, s)
		}
	}
	for i := range out {
		out[i].Seconds = int64(out[i].Duration() / time.Second)
	}
	// A total order (sessions of the same ends, port and protocol never
	// start together), so an unstable sort is deterministic.
	slices.SortFunc(out, func(a, b Session) int {
		return cmp.Or(a.FirstSeen.Compare(b.FirstSeen), cmp.Compare(a.DeviceIP, b.DeviceIP), cmp.Compare(a.Peer, b.Peer),
			cmp.Compare(a.Port, b.Port), cmp.Compare(a.Protocol, b.Protocol))
	})
	return out
}

// sessionKey is what two flows of one session share.
type sessionKey struct {
	device, peer string
	port         uint16
	protocol     string
}

// overlapping returns the index, among the candidates, of the session
// whose time overlaps s's; -1 when none does.
func overlapping(out []Session, candidates []int, s Session) int {
	for _, i := range candidates {
		if !s.FirstSeen.After(out[i].LastSeen) && !out[i].FirstSeen.After(s.LastSeen) {
			return i
		}
	}
	return -1
}

// merge folds s into o: the span of both, the larger counts (the same
// capture recorded twice counts its connections once).
func merge(o *Session, s Session) {
	if s.FirstSeen.Before(o.FirstSeen) {
		o.FirstSeen = s.FirstSeen
	}
	if s.LastSeen.After(o.LastSeen) {
		o.LastSeen = s.LastSeen
	}
	o.Connections, o.Bytes = max(o.Connections, s.Connections), max(o.Bytes, s.Bytes)
	o.PeerName = cmp.Or(o.PeerName, s.PeerName)
}

// makerOf returns the first vendor that makes or services the device.
func makerOf(d *vigil.Device, vendors []*vigil.Vendor) *vigil.Vendor {
	for _, v := range vendors {
		if len(DevicesOf(v, []*vigil.Device{d})) > 0 {
			return v
		}
	}
	return nil
}

// internal reports whether an address is the hospital's own: private,
// loopback, link-local or unspecified. Documentation ranges count as public.
func internal(a netip.Addr) bool {
	return a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() || a.IsMulticast() || a.IsUnspecified()
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}
