package main

import (
	"encoding/json"
	"maps"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil/internal/pcapgen"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestVendorSessionsFromCapture generates a capture with vendor remote
// sessions, records it with vigil discover --import, registers the vendors
// with their endpoints and no BAA, and checks that vigil vendors sessions
// ties each session to its vendor and raises vendor-remote-no-baa until
// the BAA is added; a session from an address no vendor owns is
// vendor-remote-unknown.
func TestVendorSessionsFromCapture(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			db := storetest.DSN(t, engine)
			vigil := cliOn(t, db)
			pcap := filepath.Join(dir, "remote.pcap")
			f, err := os.Create(pcap)
			if err != nil {
				t.Fatal(err)
			}
			err = pcapgen.Write(f, pcapgen.Options{Seed: 5, Remote: []pcapgen.RemoteSession{
				{Device: "ct1", Peer: netip.MustParseAddr("198.51.100.20"), Protocol: "rdp", Duration: 45 * time.Minute},
				{Device: "mr1", Peer: netip.MustParseAddr("203.0.113.10"), Protocol: "tls", ServerName: "srs.healthineers.example",
					CertOrg: "Siemens Healthineers AG", PeerName: "srs.healthineers.example"},
				{Device: "us1", Peer: netip.MustParseAddr("203.0.113.66"), Protocol: "teamviewer", Duration: 10 * time.Minute},
			}})
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				t.Fatal(err)
			}
			vigil("discover", "--pcap", pcap, "--import", "--format", "table")
			vigil("vendors", "add", "GE HealthCare")
			vigil("vendors", "add", "Siemens Healthineers")
			vigil("vendors", "endpoint", "add", "GE HealthCare", "--kind", "address", "--value", "198.51.100.0/24", "--tool", "GE InSite")
			vigil("vendors", "endpoint", "add", "Siemens Healthineers", "--kind", "cert-org", "--value", "Siemens Healthineers AG", "--tool", "Siemens SRS")
			if out := vigil("vendors", "endpoint", "list", "GE HealthCare"); !strings.Contains(out, "198.51.100.0/24") || !strings.Contains(out, "GE InSite") {
				t.Errorf("endpoint list:\n%s", out)
			}

			type session struct {
				DeviceIP string `json:"device_ip"`
				Vendor   string
				Peer     string
				Tool     string
				Seconds  int64 `json:"duration_seconds"`
			}
			var ss []session
			if err := json.Unmarshal([]byte(vigil("vendors", "sessions", "--format", "json")), &ss); err != nil {
				t.Fatal(err)
			}
			got := map[string]session{}
			for _, s := range ss {
				got[s.Peer] = s
			}
			for peer, want := range map[string]session{
				"198.51.100.20": {DeviceIP: "10.10.1.21", Vendor: "GE HealthCare", Peer: "198.51.100.20", Tool: "GE InSite"},
				"203.0.113.10":  {DeviceIP: "10.10.1.22", Vendor: "Siemens Healthineers", Peer: "203.0.113.10", Tool: "Siemens SRS"},
				"203.0.113.66":  {DeviceIP: "10.10.1.23", Vendor: "unknown", Peer: "203.0.113.66", Tool: "teamviewer"},
			} {
				g := got[peer]
				g.Seconds = 0
				if g != want {
					t.Errorf("session from %s: %+v, want %+v", peer, got[peer], want)
				}
			}
			if s := got["198.51.100.20"]; s.Seconds < 40*60 {
				t.Errorf("the RDP session lasted %ds, want about 45 minutes", s.Seconds)
			}
			if out := vigil("vendors", "sessions", "--vendor", "GE"); !strings.Contains(out, "198.51.100.20") || strings.Contains(out, "203.0.113.10") {
				t.Errorf("GE's sessions:\n%s", out)
			}

			findings := func() map[string]bool {
				var fs []struct{ Code, Vendor, Peer string }
				if err := json.Unmarshal([]byte(vigil("vendors", "sessions", "--findings", "--format", "json")), &fs); err != nil {
					t.Fatal(err)
				}
				out := map[string]bool{}
				for _, f := range fs {
					out[f.Code+" "+f.Vendor+" "+f.Peer] = true
				}
				return out
			}
			got1 := findings()
			for _, k := range []string{"vendor-remote-no-baa GE HealthCare 198.51.100.20", "vendor-remote-no-baa Siemens Healthineers 203.0.113.10",
				"vendor-remote-unknown unknown 203.0.113.66"} {
				if !got1[k] {
					t.Errorf("findings lack %q: %v", k, got1)
				}
			}
			vigil("vendors", "baa", "add", "GE HealthCare", "--signed", "2025-01-01", "--expires", time.Now().UTC().AddDate(1, 0, 0).Format("2006-01-02"))
			got2 := findings()
			if got2["vendor-remote-no-baa GE HealthCare 198.51.100.20"] || !got2["vendor-remote-no-baa Siemens Healthineers 203.0.113.10"] {
				t.Errorf("after GE's BAA: %v", got2)
			}
			if out := strings.TrimSpace(vigil("vendors", "sessions", "--findings", "--vendor", "GE", "--format", "json")); out != "[]" {
				t.Errorf("GE's findings after its BAA: %s", out)
			}
			if out := vigil("vendors", "sessions", "--findings", "--vendor", "unknown"); !strings.Contains(out, "vendor-remote-unknown") || strings.Contains(out, "vendor-remote-no-baa") {
				t.Errorf("the unknown vendor's findings:\n%s", out)
			}
			if out := vigil("vendors", "sessions", "--findings"); !strings.Contains(out, "vendor-remote-no-baa") || !strings.Contains(out, "DETAIL") {
				t.Errorf("findings table:\n%s", out)
			}
		})
	}
}

// cliOn returns a function running vigil with --db db, failing the test
// when it exits non-zero.
func cliOn(t *testing.T, db string) func(args ...string) string {
	return func(args ...string) string {
		t.Helper()
		code, out, stderr := run(t, nil, append(args, "--db", db)...)
		if code != 0 {
			t.Fatalf("vigil %s: exit %d\n%s%s", strings.Join(args, " "), code, out, stderr)
		}
		return out
	}
}

// TestVendorSessionsOnDemo checks, on the demo hospital, that vigil vendors
// sessions finds exactly the remote sessions of the ground truth, each tied
// to the vendor the generator made it come from (unknown for the one from
// an address no vendor owns), and that the findings name exactly the
// sessions of vendors without a BAA and the unknown one.
func TestVendorSessionsOnDemo(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(engine, func(t *testing.T) {
			dir := t.TempDir()
			vigil := cliOn(t, storetest.DSN(t, engine))
			vigil("demo", "--once", "--dir", dir, "--devices", "150")
			raw, err := os.ReadFile(filepath.Join(dir, "ground_truth.json"))
			if err != nil {
				t.Fatal(err)
			}
			var truth struct {
				Oversight struct {
					Vendors []struct {
						Name      string
						BAAStatus string `json:"baa_status"`
					}
					Sessions []struct {
						Vendor   string
						DeviceIP string `json:"device_ip"`
						PeerIP   string `json:"peer_ip"`
						App      string
					}
				}
			}
			if err := json.Unmarshal(raw, &truth); err != nil {
				t.Fatal(err)
			}
			baa := map[string]string{}
			for _, v := range truth.Oversight.Vendors {
				baa[v.Name] = v.BAAStatus
			}
			want, wantFindings := map[string]string{}, map[string]bool{}
			for _, s := range truth.Oversight.Sessions {
				k := s.PeerIP + " " + s.DeviceIP + " " + s.App
				switch {
				case s.Vendor == "":
					want[k] = "unknown"
					wantFindings["vendor-remote-unknown "+s.PeerIP] = true
				case baa[s.Vendor] == "missing" || baa[s.Vendor] == "expired":
					want[k] = s.Vendor
					wantFindings["vendor-remote-no-baa "+s.PeerIP] = true
				default:
					want[k] = s.Vendor
				}
			}
			var ss []struct {
				Vendor, Peer, Protocol string
				DeviceIP               string `json:"device_ip"`
			}
			if err := json.Unmarshal([]byte(vigil("vendors", "sessions", "--format", "json")), &ss); err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, s := range ss {
				got[s.Peer+" "+s.DeviceIP+" "+s.Protocol] = s.Vendor
			}
			if len(want) < 4 || !maps.Equal(got, want) {
				t.Errorf("sessions %v, want %v", got, want)
			}
			var fs []struct{ Code, Peer string }
			if err := json.Unmarshal([]byte(vigil("vendors", "sessions", "--findings", "--format", "json")), &fs); err != nil {
				t.Fatal(err)
			}
			gotFindings := map[string]bool{}
			for _, f := range fs {
				gotFindings[f.Code+" "+f.Peer] = true
			}
			if len(wantFindings) < 2 || !maps.Equal(gotFindings, wantFindings) {
				t.Errorf("findings %v, want %v", gotFindings, wantFindings)
			}
		})
	}
}
