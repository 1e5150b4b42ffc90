package discover

import (
	"slices"
	"testing"

	"github.com/vigil-health/vigil"
)

// TestRealdataFlowNames checks the names real handshakes and DNS answers
// give flows: the TLS server name, the certificate's names (TLS 1.2) and
// the DNS name of a server.
func TestRealdataFlowNames(t *testing.T) {
	flowTo := func(r *vigil.DiscoveryReport, client, server string) *vigil.FlowSummary {
		for _, f := range r.Flows {
			if f.Client == client && f.Server == server && f.App == "tls" {
				return f
			}
		}
		t.Fatalf("no TLS flow %s -> %s", client, server)
		return nil
	}
	r := runFile(t, "zeek/tls_chrome-34-google.pcap", Options{})
	if f := flowTo(r, "192.168.4.149", "74.125.239.152"); f.ServerName != "google.de" || f.CertOrg != "Google Inc" || !slices.Contains(f.CertNames, "*.google.de") {
		t.Errorf("flow names %q %q %v, want google.de, Google Inc and *.google.de", f.ServerName, f.CertOrg, f.CertNames)
	}
	r = runFile(t, "zeek/tls_client-certificate.pcap", Options{})
	if f := flowTo(r, "192.168.0.64", "54.36.191.227"); f.ServerName != "certauth.idrix.fr" || !slices.Contains(f.CertNames, "certauth.idrix.fr") {
		t.Errorf("flow names %q %v, want the SNI and certificate name certauth.idrix.fr", f.ServerName, f.CertNames)
	}
}
