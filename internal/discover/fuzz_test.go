package discover

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/capture"
	"github.com/vigil-health/vigil/internal/pcapgen"
)

// FuzzRun runs the whole engine over arbitrary capture bytes: readers,
// decoders, reassembly, every dissector and the aggregation must survive
// them. The seed is a generated hospital capture, so mutations hit the
// DICOM, HL7, TLS, DHCP and SNMP paths.
func FuzzRun(f *testing.F) {
	var hosts []pcapgen.Host
	for _, h := range pcapgen.DefaultHosts(3, 1, 1) {
		switch h.Role {
		case pcapgen.RolePACS, pcapgen.RoleModality, pcapgen.RoleHL7Engine, pcapgen.RoleMonitor, pcapgen.RoleGateway:
			hosts = append(hosts, h)
		}
	}
	var buf bytes.Buffer
	if err := pcapgen.Write(&buf, pcapgen.Options{Seed: 3, ImageBytes: 64, Devices: hosts[:5]}); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	// Small real captures, read from the shared data when it is present.
	for _, rel := range []string{"ndpi/hl7.pcap", "zeek/dhcp_dhcp.pcap", "zeek/snmp_snmpv2_get.pcap", "zeek/lldp.pcap", "ndpi/upnp.pcap"} {
		if b, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "realdata", "pcap", rel)); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		src, err := capture.NewReader("fuzz.pcap", bytes.NewReader(data))
		if err != nil {
			return
		}
		r, err := Run(context.Background(), []capture.Source{src}, Options{ClinicalVLANs: []uint16{10}})
		if err == nil {
			Records(r, "fuzz.pcap")
			WriteTable(&bytes.Buffer{}, r)
		}
		// Tight limits, live: addresses and values past them are let go
		// and the run carries on.
		src, _ = capture.NewReader("fuzz.pcap", bytes.NewReader(data))
		tight := Options{MaxHosts: 3, Limits: bound.Limits{FieldBytes: 8}, Live: true}
		if r, err := Run(context.Background(), []capture.Source{src}, tight); err == nil {
			Records(r, "fuzz.pcap")
		}
		src, _ = capture.NewReader("fuzz.pcap", bytes.NewReader(data))
		tight.Live = false
		Run(context.Background(), []capture.Source{src}, tight)
	})
}
