package discover

import (
	"bytes"
	"context"
	"encoding/json"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/capture"
	"github.com/vigil-health/vigil/internal/classify"
	"github.com/vigil-health/vigil/internal/pcapgen"
)

// generated runs discovery over one round of the default generated hospital.
func generated(t *testing.T, opt Options) *vigil.DiscoveryReport {
	t.Helper()
	var buf bytes.Buffer
	if err := pcapgen.Write(&buf, pcapgen.Options{Seed: 42, ImageBytes: 64 << 10}); err != nil {
		t.Fatal(err)
	}
	src, err := capture.NewReader("generated.pcap", &buf)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(context.Background(), []capture.Source{src}, opt)
	if err != nil {
		t.Fatal(err)
	}
	if *dump {
		b, _ := json.MarshalIndent(r, "", "  ")
		t.Logf("%s", b)
	}
	return r
}

func codes(d *vigil.ObservedDevice) []string {
	var out []string
	for _, f := range d.Findings {
		out = append(out, f.Code)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestGeneratedHospital(t *testing.T) {
	r := generated(t, Options{ClinicalVLANs: []uint16{10}})
	tests := []struct {
		ip    string
		codes []string
		check func(*vigil.ObservedDevice) string
	}{
		{"10.10.1.10", []string{vigil.FindingCleartextPHI, vigil.FindingDICOMAnyAE}, func(d *vigil.ObservedDevice) string {
			if d.DICOM == nil || d.DICOM.Role != "scp" || d.DICOM.ImplementationVersion != "OFFIS_DCMTK_367" ||
				!slices.Contains(d.DICOM.AETitles, "PACS_MAIN") {
				return "PACS DICOM info wrong"
			}
			if !slices.Contains(d.Hostnames, "pacs.hospital.example") {
				return "PACS name from the DNS answer missing"
			}
			return ""
		}},
		{"10.10.1.21", []string{vigil.FindingCleartextPHI}, func(d *vigil.ObservedDevice) string {
			if d.DICOM == nil || d.DICOM.Role != "scu" || d.DICOM.ImplementationClassUID != "1.2.840.113619.6.374" ||
				!slices.Contains(d.DICOM.AETitles, "CT_GE_01") || d.DeviceType != "imaging-modality" {
				return "CT DICOM info wrong"
			}
			return ""
		}},
		{"10.10.2.10", []string{vigil.FindingCleartextPHI}, func(d *vigil.ObservedDevice) string {
			if d.HL7 == nil || d.HL7.Role != "sender" || len(d.HL7.DeviceIDs) == 0 || d.DeviceType != "patient-monitor" {
				return "monitor HL7 info wrong"
			}
			if d.DHCP == nil || d.DHCP.VendorClass != "Philips IntelliVue MX750" || d.DHCP.Fingerprint != "1,3,6,15,42" {
				return "monitor DHCP info wrong"
			}
			return ""
		}},
		{"10.20.1.5", []string{vigil.FindingCleartextPHI, vigil.FindingPHIOutsideClinical}, nil},
		{"10.10.3.10", nil, func(d *vigil.ObservedDevice) string {
			if d.TLS == nil || d.TLS.MaxVersionOffered != "TLS 1.2" || !slices.Contains(d.TLS.ServerNames, "pumps.hospital.example") {
				return "pump TLS info wrong"
			}
			return ""
		}},
		{"10.10.3.200", []string{vigil.FindingWeakTLS}, nil},
		{"10.10.1.50", []string{vigil.FindingCleartextManagement, vigil.FindingRemoteAccess}, nil},
		{"10.20.1.60", []string{vigil.FindingCleartextManagement}, func(d *vigil.ObservedDevice) string {
			if d.SNMP == nil || !slices.Contains(d.SNMP.Communities, "public") || !strings.HasPrefix(d.SNMP.SysDescr, "HP LaserJet") {
				return "printer SNMP info wrong"
			}
			return ""
		}},
		{"10.10.1.99", []string{vigil.FindingActiveScanner}, nil},
		{"10.30.0.77", nil, nil},
	}
	for _, tt := range tests {
		d := deviceByIP(r, tt.ip)
		if d == nil {
			t.Errorf("%s: no device", tt.ip)
			continue
		}
		if got := codes(d); !slices.Equal(got, tt.codes) {
			t.Errorf("%s: findings %v, want %v (%v)", tt.ip, got, tt.codes, d.Findings)
		}
		if tt.check != nil {
			if msg := tt.check(d); msg != "" {
				t.Errorf("%s: %s: %+v", tt.ip, msg, d)
			}
		}
	}
	// The scanner's sweep of 10.10.1.0/24 must not invent devices.
	for _, d := range r.Devices {
		for _, ip := range d.IPs {
			a := netip.MustParseAddr(ip)
			if a.Is4() && a.As4()[2] == 1 && a.As4()[3] > 99 {
				t.Errorf("device for a silent probed address: %v", d.IPs)
			}
		}
	}
	b, _ := json.Marshal(r)
	for _, phi := range []string{"TESTPATIENT", "DOE^SYNTHETIC", "SYN999999", "19700101"} {
		if strings.Contains(string(b), phi) {
			t.Errorf("report contains PHI %q", phi)
		}
	}
}

// TestVendorOfOUI wires the classify package's OUI registry in as
// Options.VendorOf, as cmd/vigil does.
func TestVendorOfOUI(t *testing.T) {
	oui, err := classify.LoadOUI()
	if err != nil {
		t.Fatal(err)
	}
	r := generated(t, Options{VendorOf: oui.Vendor})
	d := deviceByIP(r, "10.10.2.10")
	if d == nil || !strings.Contains(strings.ToLower(d.Manufacturer), "philips") {
		t.Errorf("monitor with a Philips OUI: manufacturer %q", d.Manufacturer)
	}
}
