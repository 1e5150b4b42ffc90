package discover

import (
	"context"
	"encoding/json"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/classify"
)

var dump = flag.Bool("dump", false, "log the JSON report of each capture a test runs")

// realdata returns the path of a shared realdata capture, skipping the test
// when the shared data is absent.
func realdata(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "..", "shared", "realdata", "pcap", rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("realdata absent: %v", err)
	}
	return p
}

// runFile runs discovery over one realdata capture.
func runFile(t *testing.T, rel string, opt Options) *vigil.DiscoveryReport {
	t.Helper()
	r, err := RunFiles(context.Background(), []string{realdata(t, rel)}, opt)
	if err != nil {
		t.Fatalf("RunFiles(%s): %v", rel, err)
	}
	if *dump {
		b, _ := json.MarshalIndent(r, "", "  ")
		t.Logf("%s:\n%s", rel, b)
	}
	return r
}

// deviceByIP returns the device holding ip, or nil.
func deviceByIP(r *vigil.DiscoveryReport, ip string) *vigil.ObservedDevice {
	for _, d := range r.Devices {
		for _, a := range d.IPs {
			if a == ip {
				return d
			}
		}
	}
	return nil
}

// deviceByMAC returns the device with the MAC, or nil.
func deviceByMAC(r *vigil.DiscoveryReport, mac string) *vigil.ObservedDevice {
	for _, d := range r.Devices {
		if d.MAC == mac {
			return d
		}
	}
	return nil
}

func hasFinding(d *vigil.ObservedDevice, code string) bool {
	for _, f := range d.Findings {
		if f.Code == code {
			return true
		}
	}
	return false
}

// TestRealdataReadable runs every shared capture through discovery: none
// may fail or panic, damaged ones included.
func TestRealdataReadable(t *testing.T) {
	dir := filepath.Dir(realdata(t, "ndpi"))
	var files []string
	for _, sub := range []string{"ndpi", "zeek"} {
		for _, ext := range []string{"*.pcap", "*.pcapng"} {
			m, _ := filepath.Glob(filepath.Join(dir, sub, ext))
			files = append(files, m...)
		}
	}
	if len(files) < 30 {
		t.Fatalf("found %d captures, want at least 30", len(files))
	}
	for _, f := range files {
		r, err := RunFiles(context.Background(), []string{f}, Options{})
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if r.Stats.Packets == 0 {
			t.Errorf("%s: no packets read", f)
		}
		if r.Stats.DecodeErrors > r.Stats.Packets/10 {
			t.Errorf("%s: %d of %d packets failed to decode", f, r.Stats.DecodeErrors, r.Stats.Packets)
		}
	}
}

func TestRealdataDHCP(t *testing.T) {
	tests := []struct {
		file, mac string
		want      vigil.DHCPInfo
	}{
		{"zeek/dhcp_dhcp.pcap", "90:b1:1c:99:49:29", vigil.DHCPInfo{Hostname: "btest.is.cool", AssignedIP: "128.2.6.189",
			RequestedIP: "128.2.6.189", Server: "128.2.6.152", Domain: "cmu.edu"}},
		// The frame comes from 00:0a:28:00:fa:41 but chaddr is 00:0b:82:01:fc:42: the
		// DHCP client is chaddr, as in Zeek's expected dhcp.log.
		{"zeek/dhcp_dhcp_discover_param_req_and_client_id.pcap", "00:0b:82:01:fc:42", vigil.DHCPInfo{Hostname: "test0000",
			Fingerprint: "1,3,6,42", RequestedIP: "208.67.222.222"}},
		{"zeek/dhcp_dhcp_time_and_nameserver.pcap", "00:90:f5:91:cd:1f", vigil.DHCPInfo{Hostname: "pop-os", RequestedIP: "192.168.15.250",
			Fingerprint: "1,28,2,3,15,6,119,12,44,47,26,121,42,4,5,249,33,252"}},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			r := runFile(t, tt.file, Options{})
			d := deviceByMAC(r, tt.mac)
			if d == nil || d.DHCP == nil {
				t.Fatalf("no DHCP device %s", tt.mac)
			}
			got := *d.DHCP
			got.ClientID, got.MessageTypes = "", nil
			if tt.want.Server == "" {
				got.Server, got.AssignedIP, got.Domain = "", "", ""
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("DHCP (-want +got):\n%s", diff)
			}
		})
	}
	// The server sends option 60 = ArubaAP: it must not become the client's vendor class.
	r := runFile(t, "zeek/dhcp_dhcp.pcap", Options{})
	if d := deviceByIP(r, "128.2.6.152"); d == nil || d.MAC != "00:0c:29:40:0e:ef" {
		t.Errorf("DHCP server 128.2.6.152 not found on its MAC: %+v", d)
	}
}

func TestRealdataMDNS(t *testing.T) {
	r := runFile(t, "zeek/dns_mdns.pcap", Options{})
	d := deviceByIP(r, "10.0.2.7")
	if d == nil || d.MDNS == nil {
		t.Fatal("no mDNS device 10.0.2.7")
	}
	if diff := cmp.Diff([]string{"johanna-QEMU-Virtual-Machine.local"}, d.MDNS.Names); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"_ipp._tcp.local", "_ipps._tcp.local"}, d.MDNS.Browsed); diff != "" {
		t.Errorf("browsed (-want +got):\n%s", diff)
	}
	if !slices.Contains(d.IPs, "fd52:429e:c03c:8235:883c:d6ff:fee1:4dc4") {
		t.Errorf("IPv6 address not folded into the device: %v", d.IPs)
	}
}

func TestRealdataSNMP(t *testing.T) {
	r := runFile(t, "ndpi/snmp.pcap", Options{})
	d := deviceByIP(r, "97.0.115.163")
	if d == nil || d.SNMP == nil {
		t.Fatal("no SNMP device 97.0.115.163")
	}
	if !slices.Contains(d.SNMP.Communities, "public") || !hasFinding(d, vigil.FindingCleartextManagement) {
		t.Errorf("97.0.115.163: communities %v, findings %v", d.SNMP.Communities, d.Findings)
	}
	seen := map[string]bool{}
	for _, d := range r.Devices {
		if d.SNMP != nil {
			for _, c := range d.SNMP.Communities {
				seen[c] = true
			}
		}
	}
	for _, c := range []string{"public", "public2c", "adsl"} {
		if !seen[c] {
			t.Errorf("community %q not reported (have %v)", c, seen)
		}
	}
	r = runFile(t, "zeek/snmp_snmpwalk-short.pcap", Options{})
	d = deviceByIP(r, "138.68.10.203")
	if d == nil || d.SNMP == nil || !strings.HasPrefix(d.SNMP.SysDescr, "Linux ubuntu-512mb-sfo2-01 4.4.0-31-generic") {
		t.Fatalf("138.68.10.203 sysDescr not found: %+v", d)
	}
	r = runFile(t, "zeek/snmp_snmpv3_get_next.pcap", Options{})
	for _, d := range r.Devices {
		if d.SNMP != nil && len(d.SNMP.Communities) > 0 {
			t.Errorf("v3 capture reported communities %v", d.SNMP.Communities)
		}
	}
}

func TestRealdataLLDPCDP(t *testing.T) {
	r := runFile(t, "zeek/lldp.pcap", Options{})
	d := deviceByMAC(r, "00:22:2d:81:db:10")
	if d == nil || d.LLDP == nil || d.LLDP.SystemName != "SMCGS8P-Smart" || !strings.Contains(d.LLDP.SystemDescription, "SMCGS8P-Smart v3.20") {
		t.Fatalf("LLDP switch not found: %+v", d)
	}
	r = runFile(t, "zeek/cdp-v1.pcap", Options{})
	if len(r.Devices) != 1 || r.Devices[0].CDP == nil || r.Devices[0].CDP.SystemName != "R1" {
		t.Fatalf("CDP R1 not found: %+v", r.Devices)
	}
}

func TestRealdataScanner(t *testing.T) {
	r := runFile(t, "zeek/nmap-vsn.pcap", Options{})
	d := deviceByIP(r, "192.168.1.71")
	if d == nil || !hasFinding(d, vigil.FindingActiveScanner) {
		t.Fatalf("192.168.1.71 not flagged as scanner: %+v", d)
	}
	var ips []string
	for _, d := range r.Devices {
		ips = append(ips, d.IPs...)
		if d.IPs[0] != "192.168.1.71" && hasFinding(d, vigil.FindingActiveScanner) {
			t.Errorf("%v flagged as scanner", d.IPs)
		}
	}
	slices.Sort(ips)
	// Only hosts that answered (ARP, SYN-ACK, RST, DNS) exist; the 240 silent probed addresses do not.
	want := []string{"192.168.1.1", "192.168.1.50", "192.168.1.61", "192.168.1.65", "192.168.1.69", "192.168.1.71"}
	if diff := cmp.Diff(want, ips); diff != "" {
		t.Errorf("device IPs (-want +got):\n%s", diff)
	}
}

func TestRealdataTLS(t *testing.T) {
	tests := []struct{ file, client, sni, ja3 string }{
		{"zeek/tls_chrome-34-google.pcap", "192.168.4.149", "google.de", "a607f3a5c94c2ee592af1456f36c8367"},
		{"zeek/tls_client-certificate.pcap", "192.168.0.64", "certauth.idrix.fr", "579ccef312d18482"},
		{"zeek/tls_ecdhe.pcap", "192.168.18.50", "", "29d8afc9e0a4d38d"},
	}
	for _, tt := range tests {
		t.Run(filepath.Base(tt.file), func(t *testing.T) {
			r := runFile(t, tt.file, Options{})
			d := deviceByIP(r, tt.client)
			if d == nil || d.TLS == nil {
				t.Fatalf("no TLS client %s", tt.client)
			}
			if tt.sni == "" && len(d.TLS.ServerNames) != 0 || tt.sni != "" && !slices.Contains(d.TLS.ServerNames, tt.sni) {
				t.Errorf("server names %v, want %q", d.TLS.ServerNames, tt.sni)
			}
			if len(d.TLS.JA3) != 1 || !strings.HasPrefix(d.TLS.JA3[0], tt.ja3) {
				t.Errorf("JA3 %v, want prefix %s", d.TLS.JA3, tt.ja3)
			}
		})
	}
	r := runFile(t, "zeek/tls_chrome-34-google.pcap", Options{})
	if d := deviceByIP(r, "74.125.239.152"); d == nil || d.MAC != "" {
		t.Errorf("routed server 74.125.239.152 should be keyed by IP: %+v", d)
	}
	r = runFile(t, "zeek/tls_client-certificate.pcap", Options{})
	d := deviceByIP(r, "54.36.191.227")
	if d == nil || d.TLS == nil || len(d.TLS.Certificates) != 1 {
		t.Fatalf("server certificate of 54.36.191.227 not found: %+v", d)
	}
	if c := d.TLS.Certificates[0]; c.Subject != "CN=certauth.idrix.fr" || !strings.Contains(c.Issuer, "Let's Encrypt") || c.SelfSigned {
		t.Errorf("certificate %+v", c)
	}
}

func TestRealdataHL7(t *testing.T) {
	r := runFile(t, "ndpi/hl7.pcap", Options{ClinicalSubnets: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16")}})
	snd, rcv := deviceByIP(r, "10.0.0.155"), deviceByIP(r, "10.0.0.126")
	if snd == nil || rcv == nil || snd.HL7 == nil || rcv.HL7 == nil {
		t.Fatalf("HL7 peers not found: %+v %+v", snd, rcv)
	}
	if snd.HL7.Role != "sender" || rcv.HL7.Role != "receiver" || !slices.Contains(snd.HL7.MessageTypes, "ADT^A01") {
		t.Errorf("roles %q/%q, types %v", snd.HL7.Role, rcv.HL7.Role, snd.HL7.MessageTypes)
	}
	if !slices.Contains(rcv.Services, vigil.ObservedService{Port: 6661, Proto: "tcp", App: "hl7"}) {
		t.Errorf("receiver services %v, want 6661/tcp hl7", rcv.Services)
	}
	for _, d := range []*vigil.ObservedDevice{snd, rcv} {
		if !hasFinding(d, vigil.FindingCleartextPHI) || !hasFinding(d, vigil.FindingPHIOutsideClinical) {
			t.Errorf("%v findings %v", d.IPs, d.Findings)
		}
	}
	b, _ := json.Marshal(r)
	for _, phi := range []string{"MOUSE", "MICKEY", "19281118"} {
		if strings.Contains(string(b), phi) {
			t.Errorf("report contains PHI %q", phi)
		}
	}
}

func TestRealdataDiscoveryProtocols(t *testing.T) {
	r := runFile(t, "ndpi/ssdp-m-search-ua.pcap", Options{})
	d := deviceByIP(r, "192.168.242.50")
	if d == nil || d.SSDP == nil || !slices.Contains(d.SSDP.UserAgents, "Google Chrome/99.0.4844.74 Mac OS X") ||
		!slices.Contains(d.SSDP.Targets, "urn:dial-multiscreen-org:service:dial:1") {
		t.Errorf("SSDP M-SEARCH: %+v", d)
	}
	r = runFile(t, "ndpi/ssdp-m-search.pcap", Options{})
	d = deviceByMAC(r, "00:08:9b:c9:d0:8c")
	if d == nil || slices.Contains(d.Protocols, "ssdp") || !slices.Contains(d.Protocols, "plex-gdm") {
		t.Errorf("GDM on 32412 must not be SSDP: %+v", d)
	}
	r = runFile(t, "ndpi/upnp.pcap", Options{})
	d = deviceByIP(r, "192.168.61.66")
	if d == nil || d.WSD == nil || !slices.Contains(d.WSD.Actions, "Resolve") {
		t.Errorf("WS-Discovery Resolve: %+v", d)
	}
	r = runFile(t, "ndpi/http_ua_splitted_in_two_pkts.pcapng", Options{})
	found := false
	for _, d := range r.Devices {
		if d.HTTP != nil && len(d.HTTP.UserAgents) > 0 && strings.Contains(d.HTTP.UserAgents[0], "SM-T805") {
			found = strings.Contains(d.HTTP.UserAgents[0], "Chrome/61") && d.DeviceType == "mobile"
		}
	}
	if !found {
		t.Error("split User-Agent of the SM-T805 not reassembled")
	}
	r = runFile(t, "zeek/http_get.pcap", Options{})
	if d := deviceByIP(r, "141.142.228.5"); d == nil || d.HTTP == nil || !slices.Contains(d.HTTP.UserAgents, "Wget/1.14 (darwin12.2.0)") {
		t.Errorf("wget UA: %+v", d)
	}
}

// TestRealdataManufacturerEvidence checks on real captures that the
// application layer names the maker with its source, and the OUI vendor is
// kept apart: a Cisco switch by its CDP description, a Xerox device by the
// TLS certificate it served, a Samsung phone by its User-Agent.
func TestRealdataManufacturerEvidence(t *testing.T) {
	oui, err := classify.LoadOUI()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		file, ip, maker, source string
		nic                     bool // the capture holds the device's own MAC
	}{
		{"zeek/cdp-v1.pcap", "192.168.10.1", "Cisco", "cdp", true},
		{"ndpi/ja3_lots_of_cipher_suites.pcap", "10.206.65.249", "Xerox", "tls", false},
		{"ndpi/http_ua_splitted_in_two_pkts.pcapng", "254.125.135.128", "Samsung", "http", false},
		{"zeek/http_get.pcap", "141.142.228.5", "Apple", "http", true},
	}
	for _, tt := range tests {
		r := runFile(t, tt.file, Options{VendorOf: oui.Vendor})
		d := deviceByIP(r, tt.ip)
		if d == nil {
			t.Errorf("%s: no device %s", tt.file, tt.ip)
			continue
		}
		if d.Manufacturer != tt.maker || d.ManufacturerSource != tt.source {
			t.Errorf("%s %s: manufacturer %q by %q, want %q by %q", tt.file, tt.ip, d.Manufacturer, d.ManufacturerSource, tt.maker, tt.source)
		}
		if tt.nic && (d.NICVendor == "" || d.NICVendor != oui.Vendor(d.MAC)) {
			t.Errorf("%s %s: nic_vendor %q, want the OUI's %q", tt.file, tt.ip, d.NICVendor, oui.Vendor(d.MAC))
		}
	}
}
