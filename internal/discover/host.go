package discover

import (
	"net/netip"
	"slices"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/capture"
	"github.com/vigil-health/vigil/internal/dissect"
)

// setMax bounds every per-device list so memory stays flat however long
// the capture is.
const setMax = 32

// strset is a small ordered set of strings.
type strset []string

func (s *strset) add(v string) {
	if v == "" || len(*s) >= setMax {
		return
	}
	for _, x := range *s {
		if x == v {
			return
		}
	}
	*s = append(*s, v)
}

func (s *strset) addAll(vs strset) {
	for _, v := range vs {
		s.add(v)
	}
}

func (s strset) list() []string {
	if len(s) == 0 {
		return nil
	}
	return append([]string(nil), s...)
}

// vlanset is a small set of VLAN ids.
type vlanset []uint16

func (s *vlanset) add(v uint16) {
	for _, x := range *s {
		if x == v {
			return
		}
	}
	if len(*s) < setMax {
		*s = append(*s, v)
	}
}

// target is an address, or an address and port, a host probed.
type target struct {
	addr netip.Addr
	port uint16
	arp  bool
}

// maxTargets bounds the unanswered targets remembered per host.
const maxTargets = 4096

// host is everything seen from one IP address that sent packets.
type host struct {
	ip          netip.Addr
	first, last time.Time
	packets     uint64
	bytes       uint64
	vlans       vlanset
	macs        []macCount // source MACs seen with this IP, most packets first at the end
	macFirm     bool       // bound by ARP or DHCP rather than inferred from traffic
	initialTTL  bool       // sent a packet with an initial TTL: it is on this segment
	protocols   strset
	services    []vigil.ObservedService
	hostnames   strset

	probes     uint64 // SYNs sent
	unanswered targets
	arpAsked   map[netip.Addr]struct{}

	// What the application layer said, made when it first says something:
	// most addresses of a large capture never do, and a host without it
	// is a few hundred bytes, so that a million fit in memory.
	*hostApps
}

// hostApps is what one IP address said at the application layer.
type hostApps struct {
	dicomAE, dicomServices  strset
	dicomSCU, dicomSCP      bool
	dicomImplUID, dicomImpl string
	dicomExchanges          []dissect.DICOMExchange
	dicomOwn                strset // titles it used as calling AE

	hl7Apps, hl7Types, hl7Versions, hl7Devices strset
	hl7UDIs, hl7EUIs                           strset // equipment identities in messages it sent
	hl7Relayed                                 strset // identities in messages it received: not its own
	hl7Send, hl7Recv                           bool

	tlsMax                    uint16
	tlsChosen, tlsSNI, tlsJA3 strset
	tlsWeak                   strset // descriptions of weak handshakes
	tlsJA4                    strset
	tlsCerts                  []vigil.CertInfo // leaf certificates served

	httpUA, httpServer, httpHost strset
	remote                       strset // remote-access protocols served
	remoteUsed                   strset // remote-access protocols used as client
	mgmt                         strset // clear-text management descriptions
	phi                          strset // clear-text PHI descriptions (types only)

	snmpVersions, snmpCommunities, snmpUsers strset
	snmpManager, snmpAgent                   bool
	snmpDescr, snmpName, snmpObjectID        string

	mdnsNames, mdnsServices, mdnsBrowsed strset
	ssdpServers, ssdpUA, ssdpTargets     strset
	ssdpLocations                        strset
	wsdActions, wsdTypes, wsdXAddrs      strset
	wsdAddress                           string
}

// apps returns h with its application-layer state made; nil stays nil.
func (h *host) apps() *host {
	if h != nil && h.hostApps == nil {
		h.hostApps = &hostApps{}
	}
	return h
}

type macCount struct {
	mac capture.MAC
	n   uint64
}

func (h *host) addVLAN(v uint16) { h.vlans.add(v) }

// bindMAC counts m as a source MAC of h; firm bindings (ARP, DHCP) win.
func (h *host) bindMAC(m capture.MAC, firm bool) {
	if firm && !h.macFirm {
		h.macFirm = true
		h.macs = h.macs[:0]
	} else if !firm && h.macFirm {
		if len(h.macs) > 0 && h.macs[0].mac == m {
			h.macs[0].n++
		}
		return
	}
	for i := range h.macs {
		if h.macs[i].mac == m {
			h.macs[i].n++
			return
		}
	}
	if len(h.macs) < 4 {
		h.macs = append(h.macs, macCount{mac: m, n: 1})
	}
}

// mac returns the MAC most seen with h, and whether there is one.
func (h *host) mac() (capture.MAC, bool) {
	var best macCount
	for _, m := range h.macs {
		if m.n > best.n {
			best = m
		}
	}
	return best.mac, best.n > 0
}

func (h *host) addService(port uint16, proto, app string) {
	for i, s := range h.services {
		if s.Port == port && s.Proto == proto {
			if s.App == "" && app != "" {
				h.services[i].App = app
			}
			return
		}
	}
	if len(h.services) < 64 {
		h.services = append(h.services, vigil.ObservedService{Port: port, Proto: proto, App: app})
	}
}

func (h *host) unansweredAdd(t target) { h.unanswered.add(t) }

// targets is a set of at most maxTargets targets: a short list while it
// is short (most hosts leave one or two unanswered, and a map of one costs
// a few hundred bytes), a map past fewTargets.
type targets struct {
	few  []target
	many map[target]struct{}
}

// fewTargets is how many targets a set holds as a list.
const fewTargets = 8

func (s *targets) add(t target) {
	if s.many != nil {
		if len(s.many) < maxTargets {
			s.many[t] = struct{}{}
		}
		return
	}
	if slices.Contains(s.few, t) {
		return
	}
	if len(s.few) < fewTargets {
		s.few = append(s.few, t)
		return
	}
	s.many = make(map[target]struct{}, 2*fewTargets)
	for _, x := range s.few {
		s.many[x] = struct{}{}
	}
	s.many[t] = struct{}{}
	s.few = nil
}

// len returns the number of targets in the set.
func (s *targets) len() int { return len(s.few) + len(s.many) }

// l2host is everything seen from one MAC address.
type l2host struct {
	mac         capture.MAC
	first, last time.Time
	packets     uint64
	bytes       uint64
	vlans       vlanset
	protocols   strset
	ips         []netip.Addr // bound by ARP replies, DHCP ACKs or LLDP/CDP management addresses

	dhcp      *vigil.DHCPInfo
	dhcpTypes strset
	lldp      *vigil.L2Info
	cdp       *vigil.L2Info
	lldpCaps  uint16
	cdpCaps   uint32
}

func (l *l2host) addVLAN(v uint16) { l.vlans.add(v) }

func (l *l2host) bindIP(a netip.Addr) {
	if !unicastSource(a) {
		return
	}
	for _, x := range l.ips {
		if x == a {
			return
		}
	}
	if len(l.ips) < setMax {
		l.ips = append(l.ips, a)
	}
}
