package discover

import (
	"bytes"
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/capture"
	"github.com/vigil-health/vigil/internal/pcapgen"
)

// TestRemoteSessionFlows runs discovery on a capture with vendor remote
// sessions and checks the flows carry what ties them to a vendor.
func TestRemoteSessionFlows(t *testing.T) {
	sshAt := time.Date(2026, 1, 5, 9, 30, 0, 0, time.UTC)
	var buf bytes.Buffer
	err := pcapgen.Write(&buf, pcapgen.Options{Seed: 3, Remote: []pcapgen.RemoteSession{
		{Device: "ct1", Peer: netip.MustParseAddr("198.51.100.20"), Protocol: "rdp", Duration: 45 * time.Minute},
		{Device: "us1", Peer: netip.MustParseAddr("203.0.113.66"), Protocol: "teamviewer"},
		{Device: "10.10.1.22", Peer: netip.MustParseAddr("198.51.100.30"), Protocol: "ssh", Duration: 5 * time.Minute, Start: sshAt},
		{Device: "mr1", Peer: netip.MustParseAddr("203.0.113.10"), Protocol: "tls", ServerName: "srs.example-health.test",
			CertOrg: "Example Health AG", PeerName: "srs.example-health.test"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	src, err := capture.NewReader("remote.pcap", bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Run(context.Background(), []capture.Source{src}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Client, Server, App, SNI, Org, Host string
		Names                               []string
		Long                                bool
	}
	var got []row
	for _, f := range r.Flows {
		if f.Client == "198.51.100.20" || f.Client == "203.0.113.66" || f.Client == "198.51.100.30" || f.Server == "203.0.113.10" {
			got = append(got, row{f.Client, f.Server, f.App, f.ServerName, f.CertOrg, f.ServerHost, f.CertNames, f.LastSeen.Sub(f.FirstSeen) > 4*time.Minute})
		}
	}
	want := []row{
		{"10.10.1.22", "203.0.113.10", "tls", "srs.example-health.test", "Example Health AG", "srs.example-health.test", []string{"srs.example-health.test"}, true},
		{"198.51.100.20", "10.10.1.21", "rdp", "", "", "", nil, true},
		{"198.51.100.30", "10.10.1.22", "ssh", "", "", "", nil, true},
		{"203.0.113.66", "10.10.1.23", "teamviewer", "", "", "", nil, true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("remote flows (-want +got):\n%s", diff)
	}
	for _, f := range r.Flows {
		if f.App == "ssh" && (f.FirstSeen.Before(sshAt) || f.FirstSeen.After(sshAt.Add(time.Second))) {
			t.Errorf("the SSH session opened at %s, want %s", f.FirstSeen, sshAt)
		}
	}
	for _, ip := range []string{"10.10.1.21", "10.10.1.23"} {
		if d := deviceByIP(r, ip); d == nil || !hasFinding(d, vigil.FindingRemoteAccess) {
			t.Errorf("%s: no remote-access finding", ip)
		}
	}
}
