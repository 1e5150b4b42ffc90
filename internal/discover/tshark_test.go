package discover

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
)

// tsharkFields lists the fields compared with tshark, each with the
// function that collects Vigil's values for it.
var tsharkFields = []struct {
	field string
	vigil func(d *vigil.ObservedDevice) []string
}{
	{"dhcp.option.hostname", func(d *vigil.ObservedDevice) []string {
		if d.DHCP == nil {
			return nil
		}
		return []string{d.DHCP.Hostname}
	}},
	{"dhcp.option.request_list_item", func(d *vigil.ObservedDevice) []string {
		if d.DHCP == nil {
			return nil
		}
		return []string{d.DHCP.Fingerprint}
	}},
	{"tls.handshake.extensions_server_name", func(d *vigil.ObservedDevice) []string {
		if d.TLS == nil {
			return nil
		}
		return d.TLS.ServerNames
	}},
	{"snmp.community", func(d *vigil.ObservedDevice) []string {
		if d.SNMP == nil {
			return nil
		}
		return d.SNMP.Communities
	}},
	{"lldp.tlv.system.name", func(d *vigil.ObservedDevice) []string {
		if d.LLDP == nil {
			return nil
		}
		return []string{d.LLDP.SystemName}
	}},
}

// TestTsharkCompare runs tshark -T fields over the realdata captures and
// checks that Vigil reports the same DHCP host names and option 55
// fingerprints, TLS server names, SNMP communities and LLDP system names.
// It skips when tshark is not installed.
func TestTsharkCompare(t *testing.T) {
	if testing.Short() {
		t.Skip("tshark comparison takes tens of seconds; skipped with -short")
	}
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark not installed")
	}
	dir := filepath.Dir(realdata(t, "zeek"))
	files := []string{
		"zeek/dhcp_dhcp.pcap", "zeek/dhcp_dhcp_discover_param_req_and_client_id.pcap", "zeek/dhcp_dhcp_time_and_nameserver.pcap",
		"zeek/dhcp_dhcp_inform.pcap", "zeek/tls_chrome-34-google.pcap", "zeek/tls_client-certificate.pcap", "zeek/tls_ecdhe.pcap",
		"ndpi/ja3_lots_of_cipher_suites.pcap", "ndpi/tls_1.2_unidirectional_client.pcapng", "ndpi/tls_1.3_unidirectional_client.pcapng",
		"ndpi/snmp.pcap", "zeek/snmp_snmpv1_get.pcap", "zeek/snmp_snmpv2_get.pcap", "zeek/snmp_snmpwalk-short.pcap", "zeek/lldp.pcap",
	}
	for _, rel := range files {
		t.Run(filepath.Base(rel), func(t *testing.T) {
			path := filepath.Join(dir, rel)
			args := []string{"-n", "-r", path, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"}
			for _, f := range tsharkFields {
				args = append(args, "-e", f.field)
			}
			out, err := exec.Command(tshark, args...).Output()
			if err != nil {
				t.Fatalf("tshark: %v", err)
			}
			want := make([][]string, len(tsharkFields))
			for _, line := range strings.Split(string(bytes.TrimRight(out, "\n")), "\n") {
				cols := strings.Split(line, "\t")
				for i := range tsharkFields {
					if i >= len(cols) || cols[i] == "" {
						continue
					}
					vals := []string{cols[i]}
					if tsharkFields[i].field != "dhcp.option.request_list_item" {
						vals = strings.Split(cols[i], ",")
					}
					for _, v := range vals {
						if !slices.Contains(want[i], v) {
							want[i] = append(want[i], v)
						}
					}
				}
			}
			r, err := RunFiles(context.Background(), []string{path}, Options{})
			if err != nil {
				t.Fatal(err)
			}
			for i, f := range tsharkFields {
				var got []string
				for _, d := range r.Devices {
					for _, v := range f.vigil(d) {
						if v != "" && !slices.Contains(got, v) {
							got = append(got, v)
						}
					}
				}
				slices.Sort(got)
				slices.Sort(want[i])
				if diff := cmp.Diff(want[i], got); diff != "" {
					t.Errorf("%s (-tshark +vigil):\n%s", f.field, diff)
				}
			}
		})
	}
}
