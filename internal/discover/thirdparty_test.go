package discover

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"
	"time"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/capture"
	"github.com/vigil-health/vigil/internal/classify"
	"github.com/vigil-health/vigil/internal/pcapgen"
)

var thirdPartySeed = flag.Uint64("thirdparty.seed", 0, "seed of TestThirdPartyNICs (0: from the clock)")

// thirdPartyNICs are OUIs of companies that make network cards and embedded
// boards, not medical devices; the Philips Patient Monitoring one stands for
// a NIC of another medical maker.
var thirdPartyNICs = [][3]byte{
	{0x00, 0x1b, 0x21}, // Intel
	{0x00, 0xd0, 0xc9}, // Advantech
	{0x00, 0x0e, 0xc6}, // ASIX
	{0x00, 0x30, 0x64}, // ADLINK
	{0xac, 0x1f, 0x6b}, // Super Micro
	{0x00, 0x09, 0xfb}, // Philips Patient Monitoring
}

// A maker as the application layer shows it, with what discovery must report.
type thirdPartyMaker struct {
	uid, version     string // DICOM
	hl7, dhcp, cert  string // HL7 MSH-3, DHCP option 60, TLS subject organisation
	maker, model, by string // expected manufacturer, model and manufacturer_source
}

// None of these makers is in the demo hospital's capture (GE CT, Siemens
// MR, Philips ultrasound and monitors, BD pumps).
var (
	thirdPartyModalities = []thirdPartyMaker{
		{uid: "1.2.392.200036.9116.2.6.1.48", version: "TM_CT_DIO_1.0", maker: "Canon Medical (Toshiba)", by: "dicom"},
		{uid: "1.2.840.113564.3.5", version: "DRX-Revolution_5.6", maker: "Carestream Health", model: "DRX", by: "dicom"},
		{uid: "1.2.840.113619.2.80.0", version: "LOGIQE9_R6", maker: "GE Healthcare", model: "LOGIQ E9", by: "dicom"},
		{uid: "1.2.840.113681.2.200", version: "SELENIA_DIMENSIONS", maker: "Hologic", by: "dicom"},
		{uid: "1.2.392.200036.9107.500.305", version: "CS7_V1.10", maker: "Konica Minolta", by: "dicom"},
	}
	thirdPartyMonitors = []thirdPartyMaker{
		{hl7: "BENEVISION_CMS", dhcp: "Mindray BeneVision N12", maker: "Mindray", model: "BeneVision N12", by: "hl7"},
		{hl7: "INFINITY_GW", dhcp: "Draeger Infinity M540", maker: "Dräger", model: "Infinity M540", by: "hl7"},
		{hl7: "SPACELABS_ICS", dhcp: "Spacelabs Xprezzon", maker: "Spacelabs", by: "hl7"},
		{hl7: "NIHON_KOHDEN_GW", dhcp: "Nihon Kohden BSM", maker: "Nihon Kohden", by: "hl7"},
	}
	thirdPartyPumps = []thirdPartyMaker{
		{dhcp: "Baxter Sigma Spectrum", maker: "Baxter", model: "Sigma Spectrum", by: "dhcp"},
		{dhcp: "ICU Medical Plum 360", maker: "ICU Medical", model: "Plum 360", by: "dhcp"},
		{dhcp: "B. Braun Space", maker: "B. Braun", by: "dhcp"},
	}
	thirdPartyServers = []thirdPartyMaker{
		{cert: "ICU Medical Inc", maker: "ICU Medical", by: "tls"},
		{cert: "Baxter Healthcare Corporation", maker: "Baxter", by: "tls"},
		{cert: "Masimo Corporation", maker: "Masimo", by: "tls"},
	}
)

// TestThirdPartyNICs generates a hospital whose devices carry third-party
// network cards and makers other than the demo's, and checks that discovery
// names each device's maker from the application layer (DICOM UID root and
// version name, HL7 application, DHCP vendor class, TLS certificate) and the
// NIC's vendor apart, and that the network source's records carry the
// application-layer maker.
func TestThirdPartyNICs(t *testing.T) {
	seed := cmp0(*thirdPartySeed, uint64(time.Now().UnixNano()))
	rng := rand.New(rand.NewPCG(seed, 14))
	defer func() {
		if t.Failed() {
			t.Logf("seed %d (rerun with -thirdparty.seed=%d)", seed, seed)
		}
	}()
	oui, err := classify.LoadOUI()
	if err != nil {
		t.Fatal(err)
	}
	mac := func(o [3]byte) [6]byte {
		return [6]byte{o[0], o[1], o[2], byte(rng.IntN(256)), byte(rng.IntN(256)), byte(rng.IntN(256))}
	}
	local := [3]byte{0x02, 0x42, 0xac}
	nic := func() [3]byte { return thirdPartyNICs[rng.IntN(len(thirdPartyNICs))] }
	ip := netip.MustParseAddr
	hosts := []pcapgen.Host{
		{Name: "gw", Role: pcapgen.RoleGateway, MAC: mac(local), IP: ip("10.40.0.1"), VLAN: 40},
		{Name: "pacs", Role: pcapgen.RolePACS, MAC: mac(local), IP: ip("10.40.1.10"), VLAN: 40, AETitle: "PACS",
			ImplUID: "1.2.276.0.7230010.3.0.3.6.7", ImplVersion: "OFFIS_DCMTK_367"},
		{Name: "engine", Role: pcapgen.RoleHL7Engine, MAC: mac(local), IP: ip("10.40.1.30"), VLAN: 40, HL7App: "ENGINE"},
	}
	want := map[string]thirdPartyMaker{}
	pick := func(ms []thirdPartyMaker) thirdPartyMaker { return ms[rng.IntN(len(ms))] }
	for i := range 3 {
		m := pick(thirdPartyModalities)
		h := pcapgen.Host{Name: fmt.Sprintf("mod%d", i), Role: pcapgen.RoleModality, MAC: mac(nic()),
			IP: netip.AddrFrom4([4]byte{10, 40, 2, byte(10 + i)}), VLAN: 40, AETitle: fmt.Sprintf("MOD%d", i), ImplUID: m.uid, ImplVersion: m.version}
		hosts = append(hosts, h)
		want[h.IP.String()] = m
	}
	for i := range 3 {
		m := pick(thirdPartyMonitors)
		h := pcapgen.Host{Name: fmt.Sprintf("mon%d", i), Role: pcapgen.RoleMonitor, MAC: mac(nic()),
			IP: netip.AddrFrom4([4]byte{10, 40, 3, byte(10 + i)}), VLAN: 40, HL7App: m.hl7, VendorClass: m.dhcp}
		hosts = append(hosts, h)
		want[h.IP.String()] = m
	}
	for i := range 2 {
		m := pick(thirdPartyPumps)
		h := pcapgen.Host{Name: fmt.Sprintf("pump%d", i), Role: pcapgen.RolePump, MAC: mac(nic()),
			IP: netip.AddrFrom4([4]byte{10, 40, 4, byte(10 + i)}), VLAN: 40, VendorClass: m.dhcp}
		hosts = append(hosts, h)
		want[h.IP.String()] = m
	}
	srv := pick(thirdPartyServers)
	hosts = append(hosts, pcapgen.Host{Name: "pumpsrv", Role: pcapgen.RolePumpServer, MAC: mac(nic()), IP: ip("10.40.1.40"), VLAN: 40, CertOrg: srv.cert})
	want["10.40.1.40"] = srv

	var buf bytes.Buffer
	if err := pcapgen.Write(&buf, pcapgen.Options{Seed: int64(seed), Devices: hosts, ImageBytes: 8 << 10}); err != nil {
		t.Fatal(err)
	}
	src, err := capture.NewReader("thirdparty.pcap", &buf)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(context.Background(), []capture.Source{src}, Options{VendorOf: oui.Vendor})
	if err != nil {
		t.Fatal(err)
	}
	macOf := map[string]string{}
	for _, h := range hosts {
		macOf[h.IP.String()] = net6(h.MAC)
	}
	records := map[string]*vigil.Record{}
	for _, rec := range Records(r, "thirdparty.pcap") {
		records[rec.Get(vigil.FieldIP)] = rec
	}
	for addr, w := range want {
		d := deviceByIP(r, addr)
		if d == nil {
			t.Errorf("%s (%s): not discovered", addr, w.maker)
			continue
		}
		nicVendor := oui.Vendor(macOf[addr])
		if d.Manufacturer != w.maker || d.ManufacturerSource != w.by || d.Model != w.model || d.NICVendor != nicVendor {
			t.Errorf("%s: manufacturer %q by %q model %q nic %q, want %q by %q model %q nic %q",
				addr, d.Manufacturer, d.ManufacturerSource, d.Model, d.NICVendor, w.maker, w.by, w.model, nicVendor)
		}
		if rec := records[addr]; rec == nil || rec.Get(vigil.FieldManufacturer) != w.maker {
			t.Errorf("%s: network record manufacturer %v, want %q", addr, rec, w.maker)
		}
	}
}

func cmp0(v, def uint64) uint64 {
	if v != 0 {
		return v
	}
	return def
}

func net6(m [6]byte) string {
	return fmt.Sprintf("%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5])
}
