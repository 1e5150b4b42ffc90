package discover

import (
	"bytes"
	"encoding/hex"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/capture"
	"github.com/vigil-health/vigil/internal/dissect"
)

// udpApps names the UDP applications recognised by port for flow labels.
var udpApps = map[uint16]string{
	53: "dns", 67: "dhcp", 68: "dhcp", 69: "tftp", 123: "ntp", 161: "snmp", 162: "snmp-trap",
	514: "syslog", 1900: "ssdp", 3702: "ws-discovery", 5353: "mdns", 5355: "llmnr",
	47808: "bacnet", 32412: "plex-gdm", 32414: "plex-gdm", 2575: "hl7",
}

func udpApp(a, b uint16) string {
	if s := udpApps[a]; s != "" {
		return s
	}
	return udpApps[b]
}

// udp runs the UDP dissectors on one datagram. h is the sender's host (nil
// for 0.0.0.0 and other non-unicast sources), l2 the sender's MAC state.
func (e *engine) udp(d *capture.Decoded, h *host, l2 *l2host, ts time.Time) {
	sp, dp := d.SrcPort, d.DstPort
	b := d.Payload
	switch {
	case (sp == 67 || sp == 68) && (dp == 67 || dp == 68):
		e.dhcp(b, h, ts)
	case sp == 5353 || dp == 5353:
		e.mdns(b, h)
	case dp == 1900 || sp == 1900:
		e.ssdp(b, h)
	case dp == 32412 || dp == 32414:
		// Plex GDM: SSDP-like text on its own ports, not UPnP.
		if h != nil && bytes.HasPrefix(b, []byte("M-SEARCH ")) {
			h.protocols.add("plex-gdm")
		}
	case dp == 3702 || sp == 3702:
		e.wsd(b, h)
	case dp == 161 || sp == 161 || dp == 162:
		e.snmp(b, h, sp, dp)
	case dp == 514:
		if h != nil {
			h.protocols.add("syslog")
		}
	case dp == 53 || sp == 53:
		if h != nil {
			h.protocols.add("dns")
		}
		if sp == 53 {
			e.dnsAnswers(b)
		}
	}
}

// maxDNSNames bounds the address-to-name map learnt from DNS answers.
const maxDNSNames = 1 << 16

// dnsAnswers learns the names of addresses from A and AAAA answers and
// reverse (PTR) lookups a DNS server sends; they become host names of the
// devices holding those addresses.
func (e *engine) dnsAnswers(b []byte) {
	m, err := dissect.ParseDNS(b)
	if err != nil || m == nil || !m.Response {
		return
	}
	for _, r := range m.Answers {
		if len(e.dnsNames) >= maxDNSNames {
			return
		}
		if !e.fits("DNS", r.Name, r.Target) {
			return
		}
		switch r.Type {
		case dissect.DNSTypeA, dissect.DNSTypeAAAA:
			if r.Addr.IsValid() && r.Name != "" {
				e.dnsNames[r.Addr] = r.Name
			}
		case dissect.DNSTypePTR:
			if a, ok := reverseAddr(r.Name); ok && r.Target != "" {
				e.dnsNames[a] = r.Target
			}
		}
	}
}

// reverseAddr parses "4.3.2.1.in-addr.arpa" into 1.2.3.4.
func reverseAddr(name string) (netip.Addr, bool) {
	rest, ok := strings.CutSuffix(strings.ToLower(name), ".in-addr.arpa")
	if !ok {
		return netip.Addr{}, false
	}
	parts := strings.Split(rest, ".")
	if len(parts) != 4 {
		return netip.Addr{}, false
	}
	slices.Reverse(parts)
	a, err := netip.ParseAddr(strings.Join(parts, "."))
	return a, err == nil
}

func (e *engine) dhcp(b []byte, h *host, ts time.Time) {
	m, err := dissect.ParseDHCP(b)
	if m == nil || err != nil && m.ClientMAC == "" {
		e.stats.DissectErrors++
		return
	}
	mac, ok := parseMAC(m.ClientMAC)
	if !ok || !e.fits("DHCP", m.Hostname, m.VendorClass, m.Domain) {
		return
	}
	client := e.l2(mac, ts)
	if client == nil {
		return
	}
	client.protocols.add("dhcp")
	if client.dhcp == nil {
		client.dhcp = &vigil.DHCPInfo{}
	}
	info := client.dhcp
	client.dhcpTypes.add(m.MessageTypeName())
	if m.Op == 1 {
		if m.Hostname != "" {
			info.Hostname = m.Hostname
		}
		if m.VendorClass != "" {
			info.VendorClass = m.VendorClass
		}
		if fp := m.Fingerprint(); fp != "" {
			info.Fingerprint = fp
		}
		if len(m.ClientID) > 0 {
			info.ClientID = hex.EncodeToString(m.ClientID)
		}
		if m.RequestedIP.IsValid() && !m.RequestedIP.IsUnspecified() {
			info.RequestedIP = m.RequestedIP.String()
		}
		if unicastSource(m.ClientIP) {
			client.bindIP(m.ClientIP)
			if ch := e.host(m.ClientIP, ts); ch != nil {
				ch.bindMAC(mac, true)
			}
		}
		return
	}
	if h != nil {
		h.protocols.add("dhcp-server")
		h.addService(67, "udp", "dhcp")
	}
	if m.ServerID.IsValid() {
		info.Server = m.ServerID.String()
	}
	if m.Domain != "" {
		info.Domain = m.Domain
	}
	if m.MessageType == dissect.DHCPAck && unicastSource(m.YourIP) {
		info.AssignedIP = m.YourIP.String()
		client.bindIP(m.YourIP)
		if ch := e.hosts[m.YourIP]; ch != nil {
			ch.bindMAC(mac, true)
		}
	}
}

func parseMAC(s string) (capture.MAC, bool) {
	var m capture.MAC
	if len(s) != 17 {
		return m, false
	}
	for i := range m {
		v, err := hex.DecodeString(s[i*3 : i*3+2])
		if err != nil {
			return m, false
		}
		m[i] = v[0]
	}
	return m, !m.IsZero()
}

func (e *engine) mdns(b []byte, h *host) {
	if h == nil {
		return
	}
	h = h.apps()
	m, err := dissect.ParseDNS(b)
	if err != nil {
		e.stats.DissectErrors++
	}
	if m == nil {
		return
	}
	names, services, browsed := m.SelfNames(), m.Services(), m.Browsed()
	if !e.fits("mDNS", slices.Concat(names, services, browsed)...) {
		return
	}
	h.protocols.add("mdns")
	for _, n := range names {
		h.mdnsNames.add(n)
		h.hostnames.add(n)
	}
	for _, s := range services {
		h.mdnsServices.add(s)
	}
	for _, s := range browsed {
		h.mdnsBrowsed.add(s)
	}
}

func (e *engine) ssdp(b []byte, h *host) {
	if h == nil {
		return
	}
	h = h.apps()
	m, err := dissect.ParseSSDP(b)
	if m == nil {
		if err != nil {
			e.stats.DissectErrors++
		}
		return
	}
	if !e.fits("SSDP", m.Server, m.UserAgent, m.ST, m.NT, m.Location) {
		return
	}
	h.protocols.add("ssdp")
	h.ssdpServers.add(m.Server)
	h.ssdpUA.add(m.UserAgent)
	h.ssdpTargets.add(m.ST)
	h.ssdpTargets.add(m.NT)
	h.ssdpLocations.add(m.Location)
}

func (e *engine) wsd(b []byte, h *host) {
	if h == nil {
		return
	}
	h = h.apps()
	m, err := dissect.ParseWSD(b)
	if err != nil {
		e.stats.DissectErrors++
		if m == nil || m.Action == "" {
			return
		}
	}
	if !e.fits("WS-Discovery", slices.Concat([]string{m.Action, m.Address}, m.Types, m.XAddrs)...) {
		return
	}
	h.protocols.add("ws-discovery")
	h.wsdActions.add(m.Action)
	for _, t := range m.Types {
		h.wsdTypes.add(t)
	}
	for _, x := range m.XAddrs {
		h.wsdXAddrs.add(x)
	}
	if m.Address != "" && (m.Action == "Hello" || m.Action == "ProbeMatches" || m.Action == "ResolveMatches") {
		h.wsdAddress = m.Address
	}
}

func (e *engine) snmp(b []byte, h *host, sp, dp uint16) {
	if h == nil {
		return
	}
	h = h.apps()
	m, err := dissect.ParseSNMP(b)
	if m == nil {
		e.stats.DissectErrors++
		return
	}
	if !e.fits("SNMP", m.Community, m.User, m.Value(dissect.OIDSysDescr), m.Value(dissect.OIDSysName), m.Value(dissect.OIDSysObjectID)) {
		return
	}
	h.protocols.add("snmp")
	h.snmpVersions.add(m.VersionName())
	h.snmpCommunities.add(m.Community)
	h.snmpUsers.add(m.User)
	agent := sp == 161 || dp == 162
	if agent {
		h.snmpAgent = true
		h.addService(161, "udp", "snmp")
		if m.Version != 3 && err == nil {
			h.mgmt.add("SNMP " + m.VersionName() + " answered with a clear-text community")
		}
		if v := m.Value(dissect.OIDSysDescr); v != "" {
			h.snmpDescr = v
		}
		if v := m.Value(dissect.OIDSysName); v != "" {
			h.snmpName = v
			h.hostnames.add(v)
		}
		if v := m.Value(dissect.OIDSysObjectID); v != "" {
			h.snmpObjectID = v
		}
	} else {
		h.snmpManager = true
	}
}

// lldp records an LLDP announcement on its sender.
func (e *engine) lldp(d *capture.Decoded, l2 *l2host) {
	m, err := dissect.ParseLLDP(d.Payload)
	if err != nil {
		e.stats.DissectErrors++
		if m == nil || m.ChassisID == "" {
			return
		}
	}
	if !e.fits("LLDP", m.ChassisID, m.SystemName, m.SystemDescription, m.PortID, m.PortDescription) {
		return
	}
	l2.protocols.add("lldp")
	info := &vigil.L2Info{
		ChassisID: m.ChassisID, SystemName: m.SystemName, SystemDescription: m.SystemDescription,
		PortID: m.PortID, PortDescription: m.PortDescription,
	}
	for _, a := range m.ManagementAddrs {
		info.Addresses = append(info.Addresses, a.String())
		l2.bindIP(a)
	}
	l2.lldp = info
	l2.lldpCaps = m.Capabilities
}

// cdp records a CDP announcement on its sender.
func (e *engine) cdp(d *capture.Decoded, l2 *l2host) {
	if d.SNAPOUI != dissect.CDPOUI || d.SNAPType != dissect.CDPSNAPType {
		return
	}
	m, err := dissect.ParseCDP(d.Payload)
	if m == nil {
		e.stats.DissectErrors++
		return
	}
	if err != nil {
		e.stats.DissectErrors++
	}
	if !e.fits("CDP", m.DeviceID, m.Software, m.PortID, m.Platform) {
		return
	}
	l2.protocols.add("cdp")
	info := &vigil.L2Info{SystemName: m.DeviceID, SystemDescription: m.Software, PortID: m.PortID, Platform: m.Platform}
	for _, a := range m.Addresses {
		info.Addresses = append(info.Addresses, a.String())
		l2.bindIP(a)
	}
	l2.cdp = info
	l2.cdpCaps = m.Capabilities
}

// arp binds the sender's IP to its MAC and tracks who asks for whom.
func (e *engine) arp(d *capture.Decoded, l2 *l2host, ts time.Time) {
	a := &d.ARP
	if !unicastSource(a.SenderIP) || a.SenderMAC.IsZero() || a.SenderMAC.IsGroup() {
		return
	}
	h := e.host(a.SenderIP, ts)
	if l := e.l2(a.SenderMAC, ts); l != nil {
		l.bindIP(a.SenderIP)
	}
	if h == nil {
		return
	}
	h.bindMAC(a.SenderMAC, true)
	h.addVLAN(d.VLAN())
	switch a.Op {
	case 1:
		if a.TargetIP != a.SenderIP && unicastSource(a.TargetIP) {
			if h.arpAsked == nil {
				h.arpAsked = make(map[netip.Addr]struct{})
			}
			if len(h.arpAsked) < maxTargets {
				h.arpAsked[a.TargetIP] = struct{}{}
			}
		}
	case 2:
		if asker := e.hosts[a.TargetIP]; asker != nil && asker.arpAsked != nil {
			delete(asker.arpAsked, a.SenderIP)
		}
	}
}
