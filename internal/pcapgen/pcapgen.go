// Package pcapgen writes deterministic, realistic clinical network traffic
// as a pcap file: DICOM associations between modalities and a PACS, HL7 v2
// over MLLP (and over TLS), infusion pumps on TLS 1.2, a legacy TLS 1.0
// client, DHCP with vendor classes, a Telnet session, an SNMP v2c walk,
// LLDP, an unknown device, an ARP/SYN sweep by a scanner and quiet hosts
// that only renew their DHCP leases. Patient data is
// obviously synthetic. The same Options always give the same bytes.
package pcapgen

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"math/rand/v2"
	"net/netip"
	"time"
)

// Role says what a generated host does in the scenario.
type Role string

// The roles the scenario knows.
const (
	RoleSwitch     Role = "switch"
	RolePACS       Role = "pacs"
	RoleModality   Role = "modality"
	RoleHL7Engine  Role = "hl7-engine"
	RoleMonitor    Role = "monitor"
	RoleEHR        Role = "ehr"
	RoleLab        Role = "lab"
	RolePump       Role = "pump"
	RolePumpServer Role = "pump-server"
	RoleLegacy     Role = "legacy-tls10"
	RoleBiomed     Role = "biomed-workstation"
	RoleTelnet     Role = "telnet-device"
	RoleNMS        Role = "nms"
	RolePrinter    Role = "printer"
	RoleUnknown    Role = "unknown"
	RoleScanner    Role = "scanner"
	RoleGateway    Role = "gateway"
	// RoleQuiet is a host that takes part in nothing but the DHCP exchange
	// a client repeats as its lease runs out, which says its MAC, its
	// address and its name to a passive sensor.
	RoleQuiet Role = "quiet"
)

// Host is one generated device.
type Host struct {
	Name        string
	Role        Role
	MAC         [6]byte
	IP          netip.Addr
	VLAN        uint16
	VendorClass string // DHCP option 60
	AETitle     string // DICOM
	ImplUID     string // DICOM implementation class UID
	ImplVersion string // DICOM implementation version name
	HL7App      string // MSH-3
	// UDI, when set on a monitor, is the unique device identifier its
	// ORU^R01 messages carry in a PRT segment: the carrier in PRT-10 and
	// its parts in PRT-16 to PRT-20.
	UDI string
	// CertOrg, when set, has the host present a leaf certificate whose
	// subject organisation is CertOrg when it serves TLS 1.2 or earlier.
	CertOrg string
	// TTL is the IP time to live its packets carry (default 64); a host
	// beyond a router shows a lower one.
	TTL uint8
}

func (h *Host) ttl() uint8 { return cmp.Or(h.TTL, 64) }

// Options controls the generated capture.
type Options struct {
	Seed int64
	// Devices replaces the default hospital; the scenario uses hosts by Role
	// and skips the parts whose roles are missing.
	Devices []Host
	// Monitors and Pumps size the default hospital (defaults 8 and 6).
	Monitors, Pumps int
	// TargetBytes repeats the scenario until the file reaches this size;
	// 0 writes it once.
	TargetBytes int64
	// Start is the first packet's time (default 2026-01-05 08:00 UTC).
	Start time.Time
	// ImageBytes is the size of each DICOM image sent (default 256 KiB).
	ImageBytes int
	// Remote are vendor remote sessions written after the scenario's
	// rounds (see RemoteSession); none by default.
	Remote []RemoteSession
	// Relays have a host send on, unchanged, the ORU^R01 a monitor sent,
	// as an interface engine does; none by default.
	Relays []Relay
}

// Relay names, by Host.Name, a host that sends on to another the
// messages a monitor sent.
type Relay struct {
	From, To, Of string
}

// Write writes the capture to w.
func Write(w io.Writer, opt Options) error {
	if opt.Start.IsZero() {
		opt.Start = time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	}
	if opt.ImageBytes <= 0 {
		opt.ImageBytes = 256 << 10
	}
	hosts := opt.Devices
	if hosts == nil {
		hosts = DefaultHosts(opt.Seed, opt.Monitors, opt.Pumps)
	}
	g := &gen{
		w:     &writer{w: bufio.NewWriterSize(w, 1<<20), now: opt.Start, frame: make([]byte, 0, 2048)},
		rng:   rand.New(rand.NewPCG(uint64(opt.Seed), 0x5eed)),
		opt:   opt,
		roles: map[Role][]*Host{},
		mllp:  map[*Host]*conn{},
	}
	for i := range hosts {
		h := &hosts[i]
		g.roles[h.Role] = append(g.roles[h.Role], h)
	}
	g.w.header()
	for round := 0; ; round++ {
		g.round(round)
		if g.w.err != nil || g.w.n >= opt.TargetBytes {
			break
		}
		g.w.now = g.w.now.Add(time.Second)
	}
	if err := g.remote(); err != nil {
		return fmt.Errorf("pcapgen: %w", err)
	}
	if g.w.err != nil {
		return fmt.Errorf("pcapgen: write: %w", g.w.err)
	}
	if err := g.w.w.Flush(); err != nil {
		return fmt.Errorf("pcapgen: write: %w", err)
	}
	return nil
}

// DefaultHosts returns the default hospital: clinical VLAN 10, IT VLAN 20,
// an unmanaged VLAN 30.
func DefaultHosts(seed int64, monitors, pumps int) []Host {
	if monitors <= 0 {
		monitors = 8
	}
	if pumps <= 0 {
		pumps = 6
	}
	rng := rand.New(rand.NewPCG(uint64(seed), 0x4057))
	mac := func(oui [3]byte) [6]byte {
		return [6]byte{oui[0], oui[1], oui[2], byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256))}
	}
	local := [3]byte{0x02, 0x42, 0xac}
	philips := [3]byte{0x00, 0x09, 0xfb}
	ip := func(s string) netip.Addr { return netip.MustParseAddr(s) }
	hs := []Host{
		{Name: "core-sw1", Role: RoleSwitch, MAC: mac(local), IP: ip("10.10.0.2"), VLAN: 10},
		{Name: "gw", Role: RoleGateway, MAC: mac(local), IP: ip("10.10.0.1"), VLAN: 10},
		{Name: "pacs", Role: RolePACS, MAC: mac(local), IP: ip("10.10.1.10"), VLAN: 10, AETitle: "PACS_MAIN",
			ImplUID: "1.2.276.0.7230010.3.0.3.6.7", ImplVersion: "OFFIS_DCMTK_367"},
		{Name: "ct1", Role: RoleModality, MAC: mac(local), IP: ip("10.10.1.21"), VLAN: 10, AETitle: "CT_GE_01",
			ImplUID: "1.2.840.113619.6.374", ImplVersion: "GE_REVOLUTION"},
		{Name: "mr1", Role: RoleModality, MAC: mac(local), IP: ip("10.10.1.22"), VLAN: 10, AETitle: "MR_SIEMENS_1",
			ImplUID: "1.3.12.2.1107.5.2", ImplVersion: "SIEMENS_XA30"},
		{Name: "us1", Role: RoleModality, MAC: mac(philips), IP: ip("10.10.1.23"), VLAN: 10, AETitle: "US_PHILIPS_3",
			ImplUID: "1.3.46.670589.14.1", ImplVersion: "PHILIPS_EPIQ"},
		{Name: "hl7-engine", Role: RoleHL7Engine, MAC: mac(local), IP: ip("10.10.1.30"), VLAN: 10, HL7App: "CLOVERLEAF"},
		{Name: "ehr", Role: RoleEHR, MAC: mac(local), IP: ip("10.20.1.5"), VLAN: 20, HL7App: "EPIC"},
		{Name: "lab", Role: RoleLab, MAC: mac(local), IP: ip("10.10.1.31"), VLAN: 10, HL7App: "LABSYS"},
		{Name: "pump-server", Role: RolePumpServer, MAC: mac(local), IP: ip("10.10.1.40"), VLAN: 10},
		{Name: "ecg-cart", Role: RoleLegacy, MAC: mac(local), IP: ip("10.10.3.200"), VLAN: 10, VendorClass: "MAC5500 ECG"},
		{Name: "biomed-ws", Role: RoleBiomed, MAC: mac(local), IP: ip("10.20.1.8"), VLAN: 20, VendorClass: "MSFT 5.0"},
		{Name: "pump-gw", Role: RoleTelnet, MAC: mac(local), IP: ip("10.10.1.50"), VLAN: 10},
		{Name: "nms", Role: RoleNMS, MAC: mac(local), IP: ip("10.20.1.9"), VLAN: 20},
		{Name: "printer", Role: RolePrinter, MAC: mac(local), IP: ip("10.20.1.60"), VLAN: 20},
		{Name: "mystery", Role: RoleUnknown, MAC: mac(local), IP: ip("10.30.0.77"), VLAN: 30},
		{Name: "scanner", Role: RoleScanner, MAC: mac(local), IP: ip("10.10.1.99"), VLAN: 10},
	}
	for i := 0; i < monitors; i++ {
		hs = append(hs, Host{Name: fmt.Sprintf("monitor%02d", i+1), Role: RoleMonitor, MAC: mac(philips),
			IP: netip.AddrFrom4([4]byte{10, 10, 2, byte(10 + i)}), VLAN: 10, VendorClass: "Philips IntelliVue MX750", HL7App: "INTELLIVUE"})
	}
	for i := 0; i < pumps; i++ {
		hs = append(hs, Host{Name: fmt.Sprintf("pump%02d", i+1), Role: RolePump, MAC: mac(local),
			IP: netip.AddrFrom4([4]byte{10, 10, 3, byte(10 + i)}), VLAN: 10, VendorClass: "BD Alaris PCU"})
	}
	return hs
}

// gen is the state of one generation.
type gen struct {
	w     *writer
	rng   *rand.Rand
	opt   Options
	roles map[Role][]*Host
	port  uint16
	mllp  map[*Host]*conn // monitors keep their MLLP connection open
}

func (g *gen) one(r Role) *Host {
	if hs := g.roles[r]; len(hs) > 0 {
		return hs[0]
	}
	return nil
}

// ephemeral returns the next client port.
func (g *gen) ephemeral() uint16 {
	g.port++
	return 49152 + g.port%16000
}

func (g *gen) random(n int) []byte {
	b := make([]byte, n)
	for i := 0; i+8 <= n; i += 8 {
		v := g.rng.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	return b
}
