package gen

import (
	"fmt"
	"io"
	"net"
	"net/netip"
	"path/filepath"
	"strings"

	"github.com/vigil-health/vigil/internal/pcapgen"
)

// FileCapture is the demo hospital's capture of clinical traffic.
const FileCapture = "clinical_traffic.pcap"

// Capture is the Extra that writes FileCapture: the hospital's own devices
// (by their MACs, IPs and VLANs) talking the way clinical networks do —
// DICOM from modalities to PACS, HL7 from monitors and the interface engine
// with and without TLS, DHCP, pumps on TLS to their server, a legacy TLS 1.0
// client, a clear-text Telnet management session, SNMP v2c, an active scan,
// the devices no inventory lists, every other connected device renewing its
// DHCP lease, and then the vendors' remote sessions of the ground
// truth (Oversight.Sessions), one of them from an address no vendor owns.
// Only the devices the ground truth marks Unseen are missing from it.
type Capture struct {
	// PerRole caps how many monitors, pumps and modalities take part in
	// the scenario (default 6), which keeps the demo capture small; it
	// uses one host of every other role, and the rest only renew their
	// DHCP leases.
	PerRole int
}

// WriteFiles writes the capture into dir.
func (c Capture) WriteFiles(h *Hospital, dir string) ([]File, error) {
	hosts := h.CaptureHosts(c.PerRole)
	remote, hosts := h.RemoteSessions(hosts)
	f, err := writeFile(filepath.Join(dir, FileCapture), func(w io.Writer) error {
		return pcapgen.Write(w, pcapgen.Options{Seed: h.Seed, Devices: hosts, Start: h.Now.Add(-2 * 3600e9), ImageBytes: 64 << 10, Remote: remote})
	})
	if err != nil {
		return nil, fmt.Errorf("gen: cannot write %s: %w", FileCapture, err)
	}
	f.Name, f.Source = FileCapture, "network"
	return []File{f}, nil
}

// infraRoles are the scenario's roles that the hospital's inventory has no
// device type for; workstations and servers on the data-centre and IT
// networks take them.
var infraRoles = []pcapgen.Role{pcapgen.RoleEHR, pcapgen.RolePumpServer, pcapgen.RoleBiomed, pcapgen.RoleNMS,
	pcapgen.RoleLegacy, pcapgen.RoleScanner}

// CaptureHosts turns the hospital's networked devices into the capture
// generator's hosts: at most perRole monitors, pumps and modalities and
// one device of each other role, in device order, take part in the
// scenario, and every other connected device is a quiet host
// that only renews its DHCP lease, as each does every few hours, so the
// capture sees every device on the network but the Unseen.
func (h *Hospital) CaptureHosts(perRole int) []pcapgen.Host {
	if perRole <= 0 {
		perRole = 6
	}
	// The scenario has every monitor, pump and modality talk, but only the
	// first host of each other role: the rest would be silent, so they
	// are quiet hosts instead.
	limit := func(r pcapgen.Role) int {
		switch r {
		case pcapgen.RoleMonitor, pcapgen.RolePump, pcapgen.RoleModality:
			return perRole
		case pcapgen.RoleQuiet:
			return len(h.Devices)
		}
		return 1
	}
	count := map[pcapgen.Role]int{}
	var out []pcapgen.Host
	in := map[*Device]bool{}
	add := func(d *Device, role pcapgen.Role) {
		mac, err := net.ParseMAC(d.MAC)
		ip, err2 := netip.ParseAddr(d.IP)
		if err != nil || err2 != nil || len(mac) != 6 || d.Unseen || in[d] || count[role] >= limit(role) {
			return
		}
		in[d] = true
		count[role]++
		hst := pcapgen.Host{Name: d.Hostname, Role: role, IP: ip, VLAN: uint16(d.VLAN), VendorClass: vendorClass(d)}
		copy(hst.MAC[:], mac)
		switch role {
		case pcapgen.RolePACS, pcapgen.RoleModality:
			hst.AETitle = aeTitle(d, count[role])
			hst.ImplUID, hst.ImplVersion = implementation(d.Manufacturer)
		case pcapgen.RoleHL7Engine, pcapgen.RoleMonitor, pcapgen.RoleLab:
			hst.HL7App = strings.ToUpper(strings.Fields(d.Manufacturer + " X")[0]) + "_" + strings.ToUpper(strings.ReplaceAll(firstWord(d.Model), "-", ""))
		}
		out = append(out, hst)
	}
	var spare []*Device
	for _, d := range h.Devices {
		switch r := pcapgen.Role(d.Role); r {
		case pcapgen.RoleMonitor, pcapgen.RolePump, pcapgen.RolePACS, pcapgen.RoleModality, pcapgen.RoleHL7Engine,
			pcapgen.RoleLab, pcapgen.RolePrinter, pcapgen.RoleSwitch, pcapgen.RoleUnknown:
			add(d, r)
		case "clinical-device":
			if count[pcapgen.RoleTelnet] == 0 && d.IP != "" {
				add(d, pcapgen.RoleTelnet) // one clinical device still managed over Telnet
			}
		case "workstation":
			spare = append(spare, d)
		}
	}
	for i, role := range infraRoles {
		if i < len(spare) {
			add(spare[i], role)
		}
	}
	// Each VLAN in use gets its gateway, so routed traffic has a next hop.
	for _, n := range h.Networks {
		if !n.Gateway.IsValid() {
			continue
		}
		used := false
		for _, o := range out {
			used = used || o.VLAN == uint16(n.VLAN)
		}
		if used && count[pcapgen.RoleGateway] < 4 {
			count[pcapgen.RoleGateway]++
			out = append(out, gatewayHost(n))
		}
	}
	for _, d := range h.Devices {
		if d.net != nil {
			add(d, pcapgen.RoleQuiet)
		}
	}
	return out
}

// gatewayHost is the capture generator's host for a network's gateway.
func gatewayHost(n *Network) pcapgen.Host {
	g := pcapgen.Host{Name: "gw-" + n.Name, Role: pcapgen.RoleGateway, IP: n.Gateway, VLAN: uint16(n.VLAN)}
	// A locally administered MAC derived from the gateway address.
	a := n.Gateway.As4()
	g.MAC = [6]byte{0x02, 0x00, 0x5e, a[1], a[2], a[3]}
	return g
}

// RemoteSessions turns the ground truth's vendor remote sessions into the
// capture generator's, adding to hosts the devices they reach that the
// scenario left out (with no role, so they take part in nothing else) and
// the gateway of their network. A TLS session's server name is also
// answered by DNS.
func (h *Hospital) RemoteSessions(hosts []pcapgen.Host) ([]pcapgen.RemoteSession, []pcapgen.Host) {
	if h.Oversight == nil {
		return nil, hosts
	}
	have := map[netip.Addr]bool{}
	gateways := map[uint16]bool{}
	for _, x := range hosts {
		have[x.IP] = true
		if x.Role == pcapgen.RoleGateway {
			gateways[x.VLAN] = true
		}
	}
	var out []pcapgen.RemoteSession
	for _, s := range h.Oversight.Sessions {
		ip, err := netip.ParseAddr(s.DeviceIP)
		peer, perr := netip.ParseAddr(s.PeerIP)
		mac, merr := net.ParseMAC(s.DeviceMAC)
		if err != nil || perr != nil || merr != nil || len(mac) != 6 {
			continue
		}
		if !have[ip] {
			have[ip] = true
			x := pcapgen.Host{Name: s.DeviceID, IP: ip, VLAN: uint16(s.DeviceVLAN)}
			copy(x.MAC[:], mac)
			hosts = append(hosts, x)
		}
		for _, n := range h.Networks {
			if n.VLAN == s.DeviceVLAN && n.Gateway.IsValid() && !gateways[uint16(n.VLAN)] {
				gateways[uint16(n.VLAN)] = true
				hosts = append(hosts, gatewayHost(n))
			}
		}
		r := pcapgen.RemoteSession{Device: ip.String(), Peer: peer, Protocol: s.App, ServerName: s.ServerName, CertOrg: s.CertOrg,
			Start: s.Start, Duration: s.Duration()}
		if s.App == "tls" {
			r.PeerName = s.ServerName
		}
		out = append(out, r)
	}
	return out, hosts
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return f[0]
	}
	return "DEVICE"
}

// aeTitle makes a DICOM AE title (at most 16 characters) for a device.
func aeTitle(d *Device, n int) string {
	t := strings.ToUpper(firstWord(d.Model))
	t = strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, t)
	if len(t) > 12 {
		t = t[:12]
	}
	return fmt.Sprintf("%s_%02d", t, n)
}

// implementation gives the DICOM implementation class UID and version name
// a manufacturer's products announce (their registered UID roots).
func implementation(mfr string) (string, string) {
	m := strings.ToLower(mfr)
	switch {
	case strings.Contains(m, "ge "), strings.HasPrefix(m, "ge"):
		return "1.2.840.113619.6.374", "GE_DICOM_1"
	case strings.Contains(m, "siemens"):
		return "1.3.12.2.1107.5.2", "SIEMENS_XA30"
	case strings.Contains(m, "philips"):
		return "1.3.46.670589.11.0.0.51.4.56.1", "PHILIPS_R5"
	case strings.Contains(m, "canon"), strings.Contains(m, "toshiba"):
		return "1.2.392.200036.9116.2.6.1.48", "CANON_V10"
	case strings.Contains(m, "fuji"):
		return "1.2.392.200036.9125.0.1", "FUJIFILM_5"
	}
	return "1.2.276.0.7230010.3.0.3.6.7", "OFFIS_DCMTK_367"
}

// vendorClass is the DHCP option 60 a device of this maker sends.
func vendorClass(d *Device) string {
	switch pcapgen.Role(d.Role) {
	case pcapgen.RoleMonitor, pcapgen.RolePump, pcapgen.RoleLab:
		return strings.ReplaceAll(firstWord(d.Manufacturer), ".", "") + " " + d.Model
	}
	return ""
}
