package web

import (
	"bytes"
	"strings"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/oversight"
)

// TestVendorSessionsTemplate renders the sessions page full and empty.
func TestVendorSessionsTemplate(t *testing.T) {
	tmpl, err := parseTemplates()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	s := oversight.Session{DeviceID: 7, Device: "BME-7", DeviceIP: "10.0.0.7", Maker: "GE HealthCare", VendorID: 1, Vendor: "GE HealthCare", Peer: "198.51.100.9",
		PeerName: "gw.example", Inbound: true, Protocol: "rdp", Port: 3389, Tool: "GE InSite", FirstSeen: now, LastSeen: now.Add(time.Hour), Connections: 2, Bytes: 9}
	f := oversight.SessionFinding{Code: oversight.FindingRemoteNoBAA, Device: "BME-7", DeviceID: 7, Vendor: "GE HealthCare", VendorID: 1, Peer: s.Peer, Tool: s.Tool, At: now, Detail: "d"}
	for variant, p := range map[string]*vendorSessionsPage{
		"full": {Sessions: []sessionRow{{Session: s, VendorURL: "/vendors/1", DeviceURL: "/devices/7"}, {Session: oversight.Session{Vendor: oversight.Unknown}}},
			Findings: []sessionFindingRow{{SessionFinding: f, VendorURL: "/vendors/1", DeviceURL: "/devices/7"}, {}}, Vendor: "1", Device: "7", At: "2026-11-30", VendorName: "GE HealthCare", Filtered: true},
		"empty": {},
	} {
		p.User = &vigil.User{Name: "dana", Role: vigil.RoleAuditor}
		var buf bytes.Buffer
		if err := tmpl["vendor_sessions"].Execute(&buf, p); err != nil {
			t.Errorf("%s: %v", variant, err)
		} else if !strings.Contains(buf.String(), "</main>") {
			t.Errorf("%s: the page stops short", variant)
		}
	}
}
