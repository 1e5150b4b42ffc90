package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vigil-health/vigil/internal/pcapgen"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestUDIOneDevice is issue 14 item 4's done-when, through the real binary
// on both stores: a generated capture in which one monitor sends HL7 with
// its UDI in PRT and another only its EUI-64 in OBX-18, a CMMS export that
// lists both by those identifiers alone (no MAC, no IP), `vigil import`
// then `vigil discover --import`: each monitor is one device, holding the
// CMMS's asset tag and the wire's MAC.
func TestUDIOneDevice(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			db := storetest.DSN(t, engine)
			hosts := pcapgen.DefaultHosts(11, 2, 1)
			var mons []*pcapgen.Host
			for i := range hosts {
				if hosts[i].Role == pcapgen.RoleMonitor {
					mons = append(mons, &hosts[i])
				}
			}
			const carrier = "(01)00844588018923(17)281231(10)LOT7(21)SN-0042"
			mons[0].UDI = carrier
			m := mons[1].MAC
			eui := fmt.Sprintf("%02X%02X%02XFFFE%02X%02X%02X", m[0], m[1], m[2], m[3], m[4], m[5])
			pcap := filepath.Join(dir, "span.pcap")
			f, err := os.Create(pcap)
			if err != nil {
				t.Fatal(err)
			}
			if err := pcapgen.Write(f, pcapgen.Options{Seed: 11, Devices: hosts, ImageBytes: 4 << 10}); err != nil {
				t.Fatal(err)
			}
			f.Close()
			// The CMMS spells the UDI as a Data Matrix scanner sends it and
			// the EUI-64 with dashes; neither row has a MAC or an IP.
			csv := filepath.Join(dir, "cmms.csv")
			rows := "Control Number,Manufacturer,Model,UDI,EUI-64\n" +
				"CE-UDI-1,Philips,IntelliVue MX750,]d2010084458801892310LOT7\x1d21SN-0042\x1d17281231,\n" +
				"CE-EUI-2,Philips,IntelliVue MX750,," + strings.Join([]string{eui[0:2], eui[2:4], eui[4:6], eui[6:8], eui[8:10], eui[10:12], eui[12:14], eui[14:16]}, "-") + "\n"
			if err := os.WriteFile(csv, []byte(rows), 0o600); err != nil {
				t.Fatal(err)
			}
			if code, out, stderr := run(t, nil, "import", "--source", "cmms", "--role", "clinical-engineering", "--db", db, csv); code != 0 {
				t.Fatalf("import: exit %d\n%s\n%s", code, out, stderr)
			}
			if code, out, stderr := run(t, nil, "discover", "--pcap", pcap, "--import", "--db", db, "--format", "json"); code != 0 {
				t.Fatalf("discover --import: exit %d\n%s\n%s", code, out, stderr)
			}
			// The FDA's GUDID sample names the model behind the UDI's DI.
			sample := realdata(t, "inventory", "fda-gudid", "gudid_device_test.xml")
			if code, out, stderr := run(t, nil, "gudid", "import", sample, "--db", db); code != 0 || !strings.Contains(out, "1 read, 1 added") {
				t.Fatalf("gudid import: exit %d\n%s\n%s", code, out, stderr)
			}
			if code, out, _ := run(t, nil, "gudid", "import", sample, "--db", db, "--format", "json"); code != 0 || !strings.Contains(out, `"unchanged": 1`) {
				t.Errorf("gudid import again: exit %d\n%s", code, out)
			}
			code, out, stderr := run(t, nil, "gudid", "show", "(01)00844868017264(21)X", "--db", db, "--format", "json") // a package DI
			if code != 0 || !strings.Contains(out, `"company": "CONSENSUS ORTHOPEDICS, INC."`) || !strings.Contains(out, `"primary_di": "00844588018923"`) {
				t.Errorf("gudid show: exit %d\n%s\n%s", code, out, stderr)
			}
			bad := filepath.Join(dir, "bad.xml")
			os.WriteFile(bad, []byte("<gudid><device deviceid='00844588018923'><companyName>A</companyName></devic></gudid>"), 0o600)
			code, _, stderr = run(t, nil, "gudid", "import", bad, "--db", db)
			oneErrorLine(t, code, stderr, "bad.xml: byte 77: malformed XML")
			code, out, _ = run(t, nil, "inventory", "show", "CE-UDI-1", "--db", db)
			if code != 0 || !strings.Contains(out, "FDA GUDID (reference data") || !strings.Contains(out, "CONSENSUS ORTHOPEDICS, INC.") || !strings.Contains(out, "1107-0-3258") {
				t.Errorf("inventory show lacks the GUDID record:\n%s", out)
			}
			code, out, _ = run(t, nil, "inventory", "show", "CE-EUI-2", "--db", db)
			if code != 0 || strings.Contains(out, "FDA GUDID") {
				t.Errorf("a device without a UDI shows a GUDID record:\n%s", out)
			}
			for _, c := range []struct {
				tag, mac, linked string
			}{
				{"CE-UDI-1", macText(mons[0].MAC), "udi"},
				{"CE-EUI-2", macText(mons[1].MAC), "eui64"},
			} {
				code, out, stderr := run(t, nil, "inventory", "show", c.tag, "--db", db, "--format", "json")
				if code != 0 {
					t.Fatalf("inventory show %s: exit %d: %s", c.tag, code, stderr)
				}
				var shown struct {
					Device struct {
						ID       int64  `json:"id"`
						AssetTag string `json:"asset_tag"`
						MAC      string `json:"mac"`
					} `json:"device"`
					Provenance struct {
						Sources []string `json:"sources"`
					} `json:"provenance"`
				}
				if err := json.Unmarshal([]byte(out), &shown); err != nil {
					t.Fatalf("inventory show %s: %v\n%s", c.tag, err, out)
				}
				if shown.Device.MAC != c.mac || !slices.Contains(shown.Provenance.Sources, "network") || !slices.Contains(shown.Provenance.Sources, "cmms") {
					t.Errorf("%s: device %d has MAC %q and sources %v; want the wire's %s and both sources (one device, not two)",
						c.tag, shown.Device.ID, shown.Device.MAC, shown.Provenance.Sources, c.mac)
				}
				// No second device holds the monitor's MAC.
				code, out, _ = run(t, nil, "inventory", "list", "--db", db, "--format", "json", "-q", c.mac)
				var listed struct{ Total int }
				if err := json.Unmarshal([]byte(out), &listed); code != 0 || err != nil || listed.Total != 1 {
					t.Errorf("%s: %d devices hold MAC %s, want 1 (%v)", c.tag, listed.Total, c.mac, err)
				}
			}
		})
	}
}

func macText(m [6]byte) string {
	return fmt.Sprintf("%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5])
}
