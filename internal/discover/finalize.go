package discover

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/capture"
	"github.com/vigil-health/vigil/internal/dissect"
	"github.com/vigil-health/vigil/internal/udi"
)

// report flushes the flow table and builds the devices. It ends the run:
// the state of each address is let go once its device is built, so that
// the state and the report are not both held whole.
func (e *engine) report() *vigil.DiscoveryReport {
	e.table.Flush()
	e.table = nil
	r := &vigil.DiscoveryReport{Stats: e.stats, Warnings: e.warnings, Devices: []*vigil.ObservedDevice{}, Flows: []*vigil.FlowSummary{}}
	for k, fs := range e.flows {
		fs.ClientHost, fs.ServerHost = e.dnsNames[k.client], e.dnsNames[k.server]
		r.Flows = append(r.Flows, fs)
	}
	slices.SortFunc(r.Flows, func(a, b *vigil.FlowSummary) int {
		return cmp.Or(cmp.Compare(a.Client, b.Client), cmp.Compare(a.Server, b.Server),
			cmp.Compare(a.Port, b.Port), cmp.Compare(a.Proto, b.Proto), cmp.Compare(a.App, b.App), cmp.Compare(a.VLAN, b.VLAN))
	})

	// Which IP hosts fold into which MAC: firm bindings (ARP, DHCP) always;
	// bindings inferred from traffic only when the sender's TTL shows it is
	// on this segment and its MAC does not speak for several IPv4 addresses
	// (a router's MAC does). The others are routed hosts, keyed by IP.
	inferred4 := map[capture.MAC]int{}
	for _, h := range e.hosts {
		if n := e.dnsNames[h.ip]; n != "" {
			h.hostnames.add(n)
		}
		if m, ok := h.mac(); ok && !h.macFirm && h.initialTTL && h.ip.Is4() {
			inferred4[m]++
		}
	}
	byMAC := map[capture.MAC][]*host{}
	var routed []*host
	for _, h := range e.hosts {
		m, ok := h.mac()
		switch {
		case !ok:
			routed = append(routed, h)
		case h.macFirm:
			byMAC[m] = append(byMAC[m], h)
		case !h.initialTTL, h.ip.Is4() && inferred4[m] > 1:
			routed = append(routed, h)
		default:
			byMAC[m] = append(byMAC[m], h)
		}
	}
	e.hosts, e.lastHost, e.lastL2 = nil, nil, nil
	for m, l2 := range e.macs {
		d := e.newDevice()
		d.MAC = m.String()
		d.mergeL2(l2)
		for _, h := range byMAC[m] {
			d.mergeHost(h)
		}
		delete(byMAC, m)
		delete(e.macs, m)
		r.Devices = append(r.Devices, e.finish(d))
	}
	e.macs = nil
	for m, hs := range byMAC { // MACs known only from ARP payloads
		d := e.newDevice()
		d.MAC = m.String()
		for _, h := range hs {
			d.mergeHost(h)
		}
		delete(byMAC, m)
		r.Devices = append(r.Devices, e.finish(d))
	}
	for i, h := range routed {
		d := e.newDevice()
		d.mergeHost(h)
		d.Packets, d.Bytes = h.packets, h.bytes
		routed[i] = nil
		r.Devices = append(r.Devices, e.finish(d))
	}
	slices.SortFunc(r.Devices, func(a, b *vigil.ObservedDevice) int {
		return cmp.Or(cmp.Compare(a.MAC, b.MAC), cmp.Compare(firstOf(a.IPs), firstOf(b.IPs)))
	})
	return r
}

func firstOf(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// build accumulates one device while merging its MAC and IP states.
type build struct {
	*vigil.ObservedDevice
	hosts   []*host
	l2      *l2host
	ips     []netip.Addr // with repeats until finish
	vlans   []uint16     // with repeats until finish
	protos  strset
	phi     strset
	mgmt    strset
	weak    strset
	remote  strset
	scanner []string
	relayed strset // HL7 identities in messages it received
}

func (e *engine) newDevice() *build {
	return &build{ObservedDevice: &vigil.ObservedDevice{}}
}

func (b *build) mergeL2(l *l2host) {
	b.l2 = l
	b.FirstSeen, b.LastSeen = l.first, l.last
	b.Packets, b.Bytes = l.packets, l.bytes
	b.ips = append(b.ips, l.ips...)
	b.vlans = append(b.vlans, l.vlans...)
	for _, p := range l.protocols {
		b.protos.add(p)
	}
	if l.dhcp != nil {
		info := *l.dhcp
		info.MessageTypes = l.dhcpTypes.list()
		b.DHCP = &info
		b.Hostnames = appendNew(b.Hostnames, info.Hostname)
	}
	b.LLDP, b.CDP = l.lldp, l.cdp
	if l.lldp != nil {
		b.Hostnames = appendNew(b.Hostnames, l.lldp.SystemName)
	}
	if l.cdp != nil {
		b.Hostnames = appendNew(b.Hostnames, l.cdp.SystemName)
	}
}

func (b *build) mergeHost(h *host) {
	b.hosts = append(b.hosts, h)
	b.ips = append(b.ips, h.ip)
	if b.FirstSeen.IsZero() || h.first.Before(b.FirstSeen) {
		b.FirstSeen = h.first
	}
	if h.last.After(b.LastSeen) {
		b.LastSeen = h.last
	}
	b.vlans = append(b.vlans, h.vlans...)
	for _, p := range h.protocols {
		b.protos.add(p)
	}
	for _, n := range h.hostnames {
		b.Hostnames = appendNew(b.Hostnames, n)
	}
	for _, s := range h.services {
		b.Services = append(b.Services, s)
	}
	if h.hostApps == nil {
		return // nothing said at the application layer
	}
	for _, s := range h.phi {
		b.phi.add(s)
	}
	for _, s := range h.mgmt {
		b.mgmt.add(s)
	}
	for _, s := range h.tlsWeak {
		b.weak.add(s)
	}
	for _, s := range h.remote {
		b.remote.add(s)
	}
	b.Remote = appendAll(b.Remote, h.remoteUsed)
	b.Remote = appendAll(b.Remote, h.remote)
	if len(h.dicomAE) > 0 || h.dicomSCU || h.dicomSCP {
		if b.DICOM == nil {
			b.DICOM = &vigil.DICOMInfo{AETitles: []string{}}
		}
		x := b.DICOM
		for _, t := range h.dicomAE {
			x.AETitles = appendNew(x.AETitles, t)
		}
		x.Services = appendAll(x.Services, h.dicomServices)
		x.Role = joinRole(x.Role, h.dicomSCU, h.dicomSCP, "scu", "scp")
		x.ImplementationClassUID = cmp.Or(h.dicomImplUID, x.ImplementationClassUID)
		x.ImplementationVersion = cmp.Or(h.dicomImpl, x.ImplementationVersion)
	}
	if h.hl7Send || h.hl7Recv || len(h.hl7Apps) > 0 {
		if b.HL7 == nil {
			b.HL7 = &vigil.HL7Info{Applications: []string{}}
		}
		x := b.HL7
		x.Applications = appendAll(x.Applications, h.hl7Apps)
		x.MessageTypes = appendAll(x.MessageTypes, h.hl7Types)
		x.Versions = appendAll(x.Versions, h.hl7Versions)
		x.DeviceIDs = appendAll(x.DeviceIDs, h.hl7Devices)
		x.UDIs = appendAll(x.UDIs, h.hl7UDIs)
		x.EUI64s = appendAll(x.EUI64s, h.hl7EUIs)
		b.relayed.addAll(h.hl7Relayed)
		x.Role = joinRole(x.Role, h.hl7Send, h.hl7Recv, "sender", "receiver")
	}
	if h.tlsMax != 0 || len(h.tlsChosen) > 0 || len(h.tlsSNI) > 0 || len(h.tlsJA3) > 0 || len(h.tlsCerts) > 0 {
		if b.TLS == nil {
			b.TLS = &vigil.TLSInfo{VersionsChosen: []string{}, ServerNames: []string{}, JA3: []string{}}
		}
		x := b.TLS
		if h.tlsMax != 0 {
			if v := dissect.TLSVersionName(h.tlsMax); x.MaxVersionOffered == "" || v > x.MaxVersionOffered {
				x.MaxVersionOffered = v
			}
		}
		x.VersionsChosen = appendAll(x.VersionsChosen, h.tlsChosen)
		x.ServerNames = appendAll(x.ServerNames, h.tlsSNI)
		x.JA3 = appendAll(x.JA3, h.tlsJA3)
		x.JA4 = appendAll(x.JA4, h.tlsJA4)
		x.Certificates = append(x.Certificates, h.tlsCerts...)
	}
	if len(h.snmpVersions) > 0 {
		if b.SNMP == nil {
			b.SNMP = &vigil.SNMPInfo{}
		}
		x := b.SNMP
		x.Versions = appendAll(x.Versions, h.snmpVersions)
		x.Communities = appendAll(x.Communities, h.snmpCommunities)
		x.Users = appendAll(x.Users, h.snmpUsers)
		x.Role = joinRole(x.Role, h.snmpManager, h.snmpAgent, "manager", "agent")
		x.SysDescr = cmp.Or(h.snmpDescr, x.SysDescr)
		x.SysName = cmp.Or(h.snmpName, x.SysName)
		x.SysObjectID = cmp.Or(h.snmpObjectID, x.SysObjectID)
	}
	if len(h.mdnsNames)+len(h.mdnsServices)+len(h.mdnsBrowsed) > 0 {
		if b.MDNS == nil {
			b.MDNS = &vigil.MDNSInfo{}
		}
		b.MDNS.Names = appendAll(b.MDNS.Names, h.mdnsNames)
		b.MDNS.Services = appendAll(b.MDNS.Services, h.mdnsServices)
		b.MDNS.Browsed = appendAll(b.MDNS.Browsed, h.mdnsBrowsed)
	}
	if len(h.ssdpServers)+len(h.ssdpUA)+len(h.ssdpTargets)+len(h.ssdpLocations) > 0 {
		if b.SSDP == nil {
			b.SSDP = &vigil.SSDPInfo{}
		}
		b.SSDP.Servers = appendAll(b.SSDP.Servers, h.ssdpServers)
		b.SSDP.UserAgents = appendAll(b.SSDP.UserAgents, h.ssdpUA)
		b.SSDP.Targets = appendAll(b.SSDP.Targets, h.ssdpTargets)
		b.SSDP.Locations = appendAll(b.SSDP.Locations, h.ssdpLocations)
	}
	if len(h.wsdActions) > 0 {
		if b.WSD == nil {
			b.WSD = &vigil.WSDInfo{}
		}
		b.WSD.Actions = appendAll(b.WSD.Actions, h.wsdActions)
		b.WSD.Types = appendAll(b.WSD.Types, h.wsdTypes)
		b.WSD.XAddrs = appendAll(b.WSD.XAddrs, h.wsdXAddrs)
		b.WSD.Address = cmp.Or(h.wsdAddress, b.WSD.Address)
	}
	if len(h.httpUA)+len(h.httpServer)+len(h.httpHost) > 0 {
		if b.HTTP == nil {
			b.HTTP = &vigil.HTTPInfo{}
		}
		b.HTTP.UserAgents = appendAll(b.HTTP.UserAgents, h.httpUA)
		b.HTTP.Servers = appendAll(b.HTTP.Servers, h.httpServer)
		b.HTTP.Hosts = appendAll(b.HTTP.Hosts, h.httpHost)
	}
}

// joinRole combines roles seen on several addresses of one device.
func joinRole(prev string, a, b bool, an, bn string) string {
	a = a || strings.Contains(prev, an)
	b = b || strings.Contains(prev, bn)
	switch {
	case a && b:
		return an + "+" + bn
	case a:
		return an
	case b:
		return bn
	}
	return prev
}

func appendNew(s []string, v string) []string {
	if v == "" || slices.Contains(s, v) || len(s) >= setMax {
		return s
	}
	return append(s, v)
}

func appendAll(s []string, vs []string) []string {
	for _, v := range vs {
		s = appendNew(s, v)
	}
	return s
}

// finish sorts the device's lists, names its manufacturer and type and
// evaluates the findings.
func (e *engine) finish(b *build) *vigil.ObservedDevice {
	d := b.ObservedDevice
	slices.SortFunc(b.ips, netip.Addr.Compare)
	b.ips = slices.Compact(b.ips)
	d.IPs = make([]string, 0, len(b.ips))
	for _, a := range b.ips {
		d.IPs = append(d.IPs, a.String())
	}
	slices.Sort(b.vlans)
	b.vlans = slices.Compact(b.vlans)
	d.VLANs = []int{}
	for _, v := range b.vlans {
		if v != 0 {
			d.VLANs = append(d.VLANs, int(v))
		}
	}
	d.Protocols = append([]string{}, b.protos...)
	slices.Sort(d.Protocols)
	slices.SortFunc(d.Services, func(a, b vigil.ObservedService) int {
		return cmp.Or(cmp.Compare(a.Proto, b.Proto), cmp.Compare(a.Port, b.Port))
	})
	d.Services = slices.CompactFunc(d.Services, func(a, b vigil.ObservedService) bool { return a.Port == b.Port && a.Proto == b.Proto })
	if d.DICOM != nil {
		slices.Sort(d.DICOM.AETitles)
	}
	if d.HL7 != nil {
		// The device's own identity only when its messages name one
		// device: a gateway or central station relays many.
		// Nor when it received them first: an engine sending on a
		// monitor's messages is not the monitor.
		relayed := func(v string) bool { return slices.Contains(b.relayed, v) }
		if !slices.ContainsFunc(d.HL7.UDIs, relayed) {
			d.UDI = ownUDI(d.HL7.UDIs)
		}
		if len(d.HL7.EUI64s) == 1 && !relayed(d.HL7.EUI64s[0]) {
			d.EUI64 = d.HL7.EUI64s[0]
		}
	}
	d.Manufacturer, d.Model, d.ManufacturerSource, d.NICVendor = e.manufacturer(d)
	d.Findings = e.findings(d, b)
	d.DeviceType = deviceType(d, b)
	d.Firmware = firmware(d)
	return d
}

// ownUDI returns the UDI a device's messages name it by: when they name
// one device (one identity key, whatever production identifiers each
// spelling adds), its fullest spelling; when they name one model and no
// device, that model's DI; else "", since a sender naming several devices
// relays others' messages.
func ownUDI(udis []string) string {
	var key, best, model string
	models := 0
	for _, s := range udis {
		u, err := udi.Parse(s)
		if err != nil {
			continue
		}
		k := u.Key()
		switch {
		case k == "":
			if s != model {
				models++
				model = s
			}
		case key == "" || k == key:
			key = k
			if len(s) > len(best) || len(s) == len(best) && s < best {
				best = s
			}
		default:
			return "" // two devices
		}
	}
	if key != "" {
		return best
	}
	if models == 1 {
		return model
	}
	return ""
}
