package pcapgen

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// round writes one pass of the scenario; the first pass also writes the
// one-off events (LLDP, DHCP, the scanner's sweep).
func (g *gen) round(n int) {
	if n == 0 {
		g.lldp()
		g.dhcpAll()
		g.dns()
		g.mdns()
		g.sweep()
	}
	g.dicom(n)
	g.hl7(n)
	g.hl7TLS()
	g.pumps()
	g.telnet()
	g.snmpWalk()
	g.unknown()
}

// lldp has the switch announce itself.
func (g *gen) lldp() {
	sw := g.one(RoleSwitch)
	if sw == nil {
		return
	}
	tlv := func(b []byte, t int, v []byte) []byte {
		b = be16(b, t<<9|len(v))
		return append(b, v...)
	}
	var p []byte
	p = tlv(p, 1, append([]byte{4}, sw.MAC[:]...))
	p = tlv(p, 2, []byte("\x05Gi1/0/24"))
	p = tlv(p, 3, []byte{0, 120})
	p = tlv(p, 5, []byte(sw.Name))
	p = tlv(p, 6, []byte("Cisco IOS Software, C3850 Software, Version 16.12.4"))
	p = tlv(p, 7, []byte{0, 0x14, 0, 0x04})
	a := sw.IP.As4()
	p = tlv(p, 8, append([]byte{5, 1}, append(a[:], 2, 0, 0, 0, 1, 0)...))
	p = tlv(p, 0, nil)
	g.w.eth([6]byte{0x01, 0x80, 0xc2, 0, 0, 0x0e}, sw.MAC, sw.VLAN, 0x88cc)
	g.w.frame = append(g.w.frame, p...)
	g.w.record(g.w.frame)
}

// dhcpAll runs a DORA exchange for the monitors, pumps, legacy clients,
// biomed workstations and quiet hosts.
func (g *gen) dhcpAll() {
	gw := g.one(RoleGateway)
	if gw == nil {
		return
	}
	zero := netip.IPv4Unspecified()
	bcast := netip.AddrFrom4([4]byte{255, 255, 255, 255})
	fingerprints := map[Role][]byte{
		RoleMonitor: {1, 3, 6, 15, 42}, RolePump: {1, 3, 6, 12, 15, 28, 42}, RoleLegacy: {1, 3, 6},
		RoleBiomed: {1, 3, 6, 15, 31, 33, 43, 44, 46, 47, 119, 121, 249, 252}, RoleQuiet: {1, 3, 6, 12, 15},
	}
	for _, r := range []Role{RoleMonitor, RolePump, RoleLegacy, RoleBiomed, RoleQuiet} {
		for _, h := range g.roles[r] {
			xid := g.rng.Uint32()
			anon := &Host{MAC: h.MAC, IP: zero, VLAN: h.VLAN}
			fp := fingerprints[r]
			g.w.udp(anon, broadcast, bcast, 68, 67, dhcp(1, 1, xid, h.MAC, netip.Addr{}, netip.Addr{}, h.Name, h.VendorClass, fp))
			g.w.udp(gw, h.MAC, h.IP, 67, 68, dhcp(2, 2, xid, h.MAC, h.IP, gw.IP, "", "", nil))
			g.w.udp(anon, broadcast, bcast, 68, 67, dhcp(1, 3, xid, h.MAC, netip.Addr{}, gw.IP, h.Name, h.VendorClass, fp))
			g.w.udp(gw, h.MAC, h.IP, 67, 68, dhcp(2, 5, xid, h.MAC, h.IP, gw.IP, "", "", nil))
		}
	}
}

// dns has the biomed workstation resolve the PACS through the gateway.
func (g *gen) dns() {
	ws, gw, pacs := g.one(RoleBiomed), g.one(RoleGateway), g.one(RolePACS)
	if ws == nil || gw == nil || pacs == nil {
		return
	}
	id, port := uint16(g.rng.IntN(65536)), g.ephemeral()
	g.w.udp(ws, gw.MAC, gw.IP, port, 53, dnsA(id, "pacs.hospital.example", netip.Addr{}))
	g.w.udp(gw, ws.MAC, ws.IP, 53, port, dnsA(id, "pacs.hospital.example", pacs.IP))
}

// mdns has the printer announce its IPP service.
func (g *gen) mdns() {
	pr := g.one(RolePrinter)
	if pr == nil {
		return
	}
	host := pr.Name + ".local"
	b := []byte{0, 0, 0x84, 0, 0, 0, 0, 2, 0, 0, 0, 0}
	rr := func(name []byte, typ int, data []byte) {
		b = append(b, name...)
		b = be16(b, typ)
		b = be16(b, 0x8001)
		b = be32(b, 120)
		b = be16(b, len(data))
		b = append(b, data...)
	}
	a := pr.IP.As4()
	rr(dnsName(host), 1, a[:])
	rr(dnsName("_ipp._tcp.local"), 12, dnsName("LaserJet._ipp._tcp.local"))
	g.w.udp(pr, [6]byte{0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb}, netip.AddrFrom4([4]byte{224, 0, 0, 251}), 5353, 5353, b)
}

// arp writes an ARP packet.
func (g *gen) arp(op uint16, from *Host, dstMAC [6]byte, targetMAC [6]byte, target netip.Addr) {
	g.w.eth(dstMAC, from.MAC, from.VLAN, 0x0806)
	f := g.w.frame
	f = append(f, 0, 1, 8, 0, 6, 4, 0, byte(op))
	f = append(f, from.MAC[:]...)
	a := from.IP.As4()
	f = append(f, a[:]...)
	f = append(f, targetMAC[:]...)
	t := target.As4()
	f = append(f, t[:]...)
	f = append(f, make([]byte, 18)...)
	g.w.frame = f
	g.w.record(f)
}

// sweep has the scanner ARP every address of its /24 and SYN a few ports
// on those that answer; closed ports answer RST, and silent addresses stay
// silent.
func (g *gen) sweep() {
	sc := g.one(RoleScanner)
	if sc == nil {
		return
	}
	live := map[netip.Addr]*Host{}
	for _, hs := range g.roles {
		for _, h := range hs {
			live[h.IP] = h
		}
	}
	base := sc.IP.As4()
	for i := 1; i < 255; i++ {
		t := netip.AddrFrom4([4]byte{base[0], base[1], base[2], byte(i)})
		if t == sc.IP {
			continue
		}
		g.arp(1, sc, broadcast, [6]byte{}, t)
		if h := live[t]; h != nil {
			g.arp(2, h, sc.MAC, sc.MAC, sc.IP)
		}
	}
	for _, port := range []uint16{22, 23, 80, 104, 443} {
		for i := 1; i < 255; i++ {
			t := netip.AddrFrom4([4]byte{base[0], base[1], base[2], byte(i)})
			h := live[t]
			if h == nil || h == sc {
				continue
			}
			c := g.w.dial(sc, h, g.ephemeral(), port, uint32(i))
			c.seg(true, syn, nil)
			if port == 104 && h.Role == RolePACS {
				c.seg(false, syn|ack, nil)
				c.seg(true, rst, nil)
			} else {
				c.seg(false, rst|ack, nil)
			}
		}
	}
}

// dicom has each modality store one image on the PACS; on the first round
// one association uses a called AE title that is not the PACS's own, which
// the PACS accepts anyway.
func (g *gen) dicom(n int) {
	pacs := g.one(RolePACS)
	if pacs == nil {
		return
	}
	for i, m := range g.roles[RoleModality] {
		called := pacs.AETitle
		if n == 0 && i == 0 {
			called = "ANY_SCP"
		}
		abstract := uidCTStorage
		if i%2 == 1 {
			abstract = uidMRStorage
		}
		c := g.w.dial(m, pacs, g.ephemeral(), 104, uint32(n*31+i))
		c.open()
		c.send(true, associate(true, called, m.AETitle, abstract, m.ImplUID, m.ImplVersion))
		c.send(false, associate(false, called, m.AETitle, abstract, pacs.ImplUID, pacs.ImplVersion))
		c.send(true, pdata(true, true, g.random(160)))
		img := g.random(g.opt.ImageBytes)
		for len(img) > 0 {
			k := min(16372, len(img))
			c.send(true, pdata(false, k == len(img), img[:k]))
			img = img[k:]
		}
		c.send(false, pdata(true, true, g.random(96)))
		c.send(true, release(true))
		c.send(false, release(false))
		c.close()
	}
}

// hl7 has each monitor send an ORU^R01 with its device identifier in
// OBX-18 and the EHR send an ADT^A01 with a synthetic patient.
func (g *gen) hl7(n int) {
	eng := g.one(RoleHL7Engine)
	if eng == nil {
		return
	}
	ts := g.w.now.Format("20060102150405")
	for i, m := range g.roles[RoleMonitor] {
		eui := fmt.Sprintf("%02x%02x%02xfffe%02x%02x%02x", m.MAC[0], m.MAC[1], m.MAC[2], m.MAC[3], m.MAC[4], m.MAC[5])
		segs := [][]string{
			{"MSH", "^~\\&", m.HL7App, "ICU", eng.HL7App, "HOSP", ts, "", "ORU^R01^ORU_R01", fmt.Sprintf("MON%d-%d", i, n), "P", "2.6"},
			{"PID", "1", "", fmt.Sprintf("SYN%06d^^^HOSP^MR", 1000+i), "", "TESTPATIENT^SYNTHETIC^" + string(rune('A'+i%26))},
			{"OBR", "1", "", "", "182777000^monitoring of patient^SCT"},
		}
		if m.UDI != "" {
			segs = append(segs, prt(m.UDI))
		}
		segs = append(segs,
			obx(1, "150456^MDC_PULS_OXIM_SAT_O2^MDC", fmt.Sprint(94+g.rng.IntN(6)), "262688^MDC_DIM_PERCENT^MDC", eui+"^^"+eui+"^EUI-64"),
			obx(2, "147842^MDC_ECG_HEART_RATE^MDC", fmt.Sprint(60+g.rng.IntN(40)), "264864^MDC_DIM_BEAT_PER_MIN^MDC", eui+"^^"+eui+"^EUI-64"),
		)
		msg := hl7(segs...)
		c := g.mllp[m]
		if c == nil {
			c = g.w.dial(m, eng, g.ephemeral(), 2575, uint32(i+1))
			c.open()
			g.mllp[m] = c
		}
		c.send(true, mllp(msg))
		c.send(false, mllp(g.ack(eng, m, fmt.Sprintf("MON%d-%d", i, n))))
		for _, rl := range g.opt.Relays {
			if from, to := g.named(rl.From), g.named(rl.To); rl.Of == m.Name && from != nil && to != nil {
				g.mllpExchange(from, to, 2575, msg, n*97+i)
			}
		}
	}
	if ehr := g.one(RoleEHR); ehr != nil {
		msg := hl7(
			[]string{"MSH", "^~\\&", ehr.HL7App, "HOSP", eng.HL7App, "HOSP", ts, "", "ADT^A01^ADT_A01", fmt.Sprintf("ADT%d", n), "P", "2.5.1"},
			[]string{"EVN", "A01", ts},
			[]string{"PID", "1", "", "SYN999999^^^HOSP^MR", "", "DOE^SYNTHETIC^JANE", "", "19700101", "F"},
			[]string{"PV1", "1", "I", "ICU^101^A"},
		)
		g.mllpExchange(ehr, eng, 2575, msg, n*89)
	}
}

// mllpExchange sends one message on a new connection and reads the ACK.
func (g *gen) mllpExchange(from, to *Host, port uint16, msg string, seed int) {
	c := g.w.dial(from, to, g.ephemeral(), port, uint32(seed))
	c.open()
	c.send(true, mllp(msg))
	c.send(false, mllp(g.ack(to, from, fmt.Sprint(seed))))
	c.close()
}

// ack builds the acknowledgement from to the sender of control id.
func (g *gen) ack(from, to *Host, control string) string {
	return hl7([]string{"MSH", "^~\\&", from.HL7App, "HOSP", to.HL7App, "HOSP", g.w.now.Format("20060102150405"), "", "ACK", "A" + control, "P", "2.6"},
		[]string{"MSA", "AA", control})
}

// tlsSession writes a TLS handshake and some application data.
func (g *gen) tlsSession(cli, srv *Host, port uint16, offer, choose uint16, sni string, appBytes int) {
	c := g.w.dial(cli, srv, g.ephemeral(), port, g.rng.Uint32())
	c.open()
	c.send(true, clientHello(offer, sni, g.random(32)))
	flight := serverHello(choose, g.random(32))
	if srv.CertOrg != "" && choose <= tls12 {
		flight = append(flight, certificateRecord(srv.Name+".hospital.example", srv.CertOrg)...)
		flight = append(flight, tlsRecord(0x16, choose, []byte{14, 0, 0, 0})...) // ServerHelloDone
	}
	c.send(false, append(flight, tlsRecord(0x14, choose, []byte{1})...))
	c.send(true, tlsRecord(0x14, choose, []byte{1}))
	for appBytes > 0 {
		k := min(appBytes, 4096)
		c.send(true, tlsRecord(0x17, choose, g.random(k)))
		c.send(false, tlsRecord(0x17, choose, g.random(64)))
		appBytes -= k
	}
	c.close()
}

// hl7TLS has the lab system send results to the engine over TLS.
func (g *gen) hl7TLS() {
	lab, eng := g.one(RoleLab), g.one(RoleHL7Engine)
	if lab == nil || eng == nil {
		return
	}
	g.tlsSession(lab, eng, 6662, tls12, tls12, "hl7.hospital.example", 2048)
}

// pumps have every pump report to the pump server on TLS 1.2 and the ECG
// cart use TLS 1.0.
func (g *gen) pumps() {
	srv := g.one(RolePumpServer)
	if srv == nil {
		return
	}
	for _, p := range g.roles[RolePump] {
		g.tlsSession(p, srv, 443, tls12, tls12, "pumps.hospital.example", 1024)
	}
	if old := g.one(RoleLegacy); old != nil {
		g.tlsSession(old, srv, 443, tls10, tls10, "", 512)
	}
}

// telnet has the biomed workstation log in to the pump gateway.
func (g *gen) telnet() {
	ws, dev := g.one(RoleBiomed), g.one(RoleTelnet)
	if ws == nil || dev == nil {
		return
	}
	c := g.w.dial(ws, dev, g.ephemeral(), 23, g.rng.Uint32())
	c.open()
	c.send(false, []byte{0xff, 0xfd, 0x18, 0xff, 0xfd, 0x20, 0xff, 0xfb, 0x01})
	c.send(true, []byte{0xff, 0xfc, 0x18, 0xff, 0xfc, 0x20, 0xff, 0xfd, 0x01})
	c.send(false, []byte("\r\nPump Gateway v2.1\r\nlogin: "))
	c.send(true, []byte("biomed\r\n"))
	c.send(false, []byte("Password: "))
	c.send(true, []byte("synthetic\r\n"))
	c.send(false, []byte("gw> "))
	c.close()
}

// snmpWalk has the NMS walk the printer's system group with community public.
func (g *gen) snmpWalk() {
	nms, pr := g.one(RoleNMS), g.one(RolePrinter)
	if nms == nil || pr == nil {
		return
	}
	sport := g.ephemeral()
	values := [][]byte{
		ber(0x04, []byte("HP LaserJet M507 FW 2409081_000582")),
		berOID([]int{1, 3, 6, 1, 4, 1, 11, 2, 3, 9, 1}),
		ber(0x43, []byte{0x01, 0x02, 0x03, 0x04}),
		ber(0x04, []byte("biomed@hospital.example")),
		ber(0x04, []byte(pr.Name)),
	}
	for i, v := range values {
		oid := []int{1, 3, 6, 1, 2, 1, 1, i + 1, 0}
		prev := []int{1, 3, 6, 1, 2, 1, 1, i + 1}
		id := int(g.rng.IntN(30000))
		g.w.udp(nms, pr.MAC, pr.IP, sport, 161, snmp("public", 0xa1, id, prev, nil))
		g.w.udp(pr, nms.MAC, nms.IP, 161, sport, snmp("public", 0xa2, id, oid, v))
	}
}

// unknown has an unidentified device send opaque datagrams.
func (g *gen) unknown() {
	u := g.one(RoleUnknown)
	if u == nil {
		return
	}
	dst := netip.AddrFrom4([4]byte{10, 30, 0, 1})
	p := g.random(96)
	binary.BigEndian.PutUint32(p, 0xfeedface)
	g.w.udp(u, broadcast, dst, 40000, 40000, p)
}

// named returns the host called name, or nil.
func (g *gen) named(name string) *Host {
	for _, hs := range g.roles {
		for _, h := range hs {
			if h.Name == name {
				return h
			}
		}
	}
	return nil
}
