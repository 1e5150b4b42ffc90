package oversight

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func sessionRegister() ([]*vigil.Device, []*vigil.Vendor) {
	devices := []*vigil.Device{
		{ID: 1, AssetTag: "CT-01", Manufacturer: "GE Medical Systems", IP: "10.1.0.10"},
		{ID: 2, AssetTag: "PUMP-7", Manufacturer: "Acme Infusion", IP: "10.1.0.20"},
		{ID: 3, AssetTag: "WS-1", Manufacturer: "Dell", IP: "10.1.5.5"},
		{ID: 4, AssetTag: "seen-on-the-wire", IP: "203.0.113.77"}, // discovery made a device of a vendor's gateway
	}
	vendors := []*vigil.Vendor{
		{ID: 10, Name: "GE HealthCare", Aliases: []string{"GE"}, Endpoints: []vigil.VendorEndpoint{
			{Kind: vigil.EndpointAddress, Value: "198.51.100.0/24", Tool: "GE InSite"},
			{Kind: vigil.EndpointTLSName, Value: "*.insite.gehealthcare.example"},
		}},
		{ID: 11, Name: "Siemens Healthineers", Endpoints: []vigil.VendorEndpoint{
			{Kind: vigil.EndpointAddress, Value: "198.51.100.7", Tool: "Siemens SRS"},
			{Kind: vigil.EndpointCertOrg, Value: "Siemens Healthineers AG"},
			{Kind: vigil.EndpointHost, Value: "srs.siemens.example"},
		}},
		{ID: 12, Name: "Dell", Endpoints: []vigil.VendorEndpoint{{Kind: vigil.EndpointAddress, Value: "10.1.9.0/24", Tool: "Dell relay"}}},
	}
	return devices, vendors
}

func flow(client, server string, port uint16, app string, mins int) *vigil.FlowSummary {
	return &vigil.FlowSummary{Client: client, Server: server, Port: port, Proto: "tcp", App: app, Connections: 1, Bytes: 1000,
		FirstSeen: t0, LastSeen: t0.Add(time.Duration(mins) * time.Minute)}
}

func TestSessions(t *testing.T) {
	devices, vendors := sessionRegister()
	type row struct {
		Device, Vendor, Peer, Tool string
		Inbound                    bool
		Seconds                    int64
	}
	tests := []struct {
		name string
		f    *vigil.FlowSummary
		want []row
	}{
		{"rdp in from a vendor block", flow("198.51.100.9", "10.1.0.10", 3389, "rdp", 45), []row{{"CT-01", "GE HealthCare", "198.51.100.9", "GE InSite", true, 2700}}},
		{"the longest block wins", flow("198.51.100.7", "10.1.0.10", 22, "ssh", 1), []row{{"CT-01", "Siemens Healthineers", "198.51.100.7", "Siemens SRS", true, 60}}},
		{"unknown public peer", flow("203.0.113.50", "10.1.0.20", 5938, "teamviewer", 10), []row{{"PUMP-7", Unknown, "203.0.113.50", "teamviewer", true, 600}}},
		{"internal admin session left out", flow("10.1.5.5", "10.1.0.10", 22, "ssh", 5), nil},
		{"plain TLS to nobody left out", flow("10.1.0.10", "203.0.113.9", 443, "tls", 5), nil},
		{"TLS by SNI wildcard", func() *vigil.FlowSummary {
			f := flow("10.1.0.10", "203.0.113.9", 443, "tls", 30)
			f.ServerName = "gw.insite.gehealthcare.example"
			return f
		}(), []row{{"CT-01", "GE HealthCare", "203.0.113.9", "tls", false, 1800}}},
		{"a public peer in the inventory is still the peer", func() *vigil.FlowSummary {
			f := flow("10.1.0.10", "203.0.113.77", 443, "tls", 30)
			f.ServerName = "gw.insite.gehealthcare.example"
			return f
		}(), []row{{"CT-01", "GE HealthCare", "203.0.113.77", "tls", false, 1800}}},
		{"a vendor's relay inside the hospital is the peer", flow("10.1.0.10", "10.1.9.9", 22, "ssh", 1), []row{{"CT-01", "Dell", "10.1.9.9", "Dell relay", false, 60}}},
		{"wildcard is not the bare name", func() *vigil.FlowSummary {
			f := flow("10.1.0.10", "203.0.113.9", 443, "tls", 30)
			f.ServerName = "insite.gehealthcare.example"
			return f
		}(), nil},
		{"TLS by certificate organisation", func() *vigil.FlowSummary {
			f := flow("10.1.0.20", "203.0.113.10", 443, "tls", 2)
			f.CertOrg = "Siemens Healthineers AG."
			return f
		}(), []row{{"PUMP-7", "Siemens Healthineers", "203.0.113.10", "tls", false, 120}}},
		{"host by DNS answer", func() *vigil.FlowSummary {
			f := flow("10.1.0.20", "203.0.113.11", 22, "ssh", 2)
			f.ServerHost = "SRS.siemens.example."
			return f
		}(), []row{{"PUMP-7", "Siemens Healthineers", "203.0.113.11", "ssh", false, 120}}},
		{"TLS names of an inbound client are not its own", func() *vigil.FlowSummary {
			f := flow("203.0.113.12", "10.1.0.10", 443, "tls", 2)
			f.CertOrg = "Siemens Healthineers AG"
			return f
		}(), nil},
		{"device outside the inventory", flow("198.51.100.3", "10.9.9.9", 5900, "vnc", 3), []row{{"10.9.9.9", "GE HealthCare", "198.51.100.3", "GE InSite", true, 180}}},
		{"not a remote app", flow("198.51.100.3", "10.1.0.10", 104, "dicom", 3), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []row
			for _, s := range Sessions([]*vigil.FlowSummary{tt.f}, devices, vendors, time.Time{}) {
				got = append(got, row{s.Device, s.Vendor, s.Peer, s.Tool, s.Inbound, s.Seconds})
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("sessions (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSessionsMergeAndAt(t *testing.T) {
	devices, vendors := sessionRegister()
	a := flow("198.51.100.9", "10.1.0.10", 3389, "rdp", 45)
	b := flow("198.51.100.9", "10.1.0.10", 3389, "rdp", 45) // the same capture recorded twice
	later := flow("198.51.100.9", "10.1.0.10", 3389, "rdp", 5)
	later.FirstSeen, later.LastSeen = t0.Add(48*time.Hour), t0.Add(48*time.Hour+5*time.Minute)
	if got := Sessions([]*vigil.FlowSummary{a, b, later}, devices, vendors, time.Time{}); len(got) != 2 {
		t.Errorf("got %d sessions, want 2: %+v", len(got), got)
	}
	if got := Sessions([]*vigil.FlowSummary{a, b, later}, devices, vendors, t0.Add(time.Hour)); len(got) != 1 {
		t.Errorf("at an hour later: got %d sessions, want 1", len(got))
	}
}

func TestBAAInForce(t *testing.T) {
	day := 24 * time.Hour
	baas := []*vigil.BAA{
		{ID: 1, VendorID: 10, Version: 1, Effective: t0.Add(-400 * day), Expires: t0.Add(-30 * day)},
		{ID: 2, VendorID: 10, Version: 2, Effective: t0.Add(10 * day), Expires: t0.Add(400 * day)},
		{ID: 3, VendorID: 11, Version: 1, Effective: t0.Add(-10 * day)},
	}
	tests := []struct {
		vendor int64
		at     time.Time
		want   int64
	}{
		{10, t0.Add(-100 * day), 1},
		{10, t0.Add(-30 * day), 0}, // due that day
		{10, t0, 0},                // the old one expired, the new one not yet in effect
		{10, t0.Add(10 * day), 2},
		{10, t0.Add(400 * day), 0},
		{11, t0, 3},
		{11, t0.Add(-11 * day), 0},
		{12, t0, 0},
	}
	for _, tt := range tests {
		var got int64
		if b := BAAInForce(baas, tt.vendor, tt.at); b != nil {
			got = b.ID
		}
		if got != tt.want {
			t.Errorf("BAAInForce(vendor %d, %s) = %d, want %d", tt.vendor, tt.at.Format(time.DateOnly), got, tt.want)
		}
	}
}

func TestSessionFindings(t *testing.T) {
	devices, vendors := sessionRegister()
	flows := []*vigil.FlowSummary{
		flow("198.51.100.9", "10.1.0.10", 3389, "rdp", 45),        // GE to its own CT: BAA in force
		flow("198.51.100.7", "10.1.0.10", 22, "ssh", 1),           // Siemens, no BAA
		flow("203.0.113.50", "10.1.0.20", 5938, "teamviewer", 10), // unknown peer, and Acme is no vendor
		flow("198.51.100.3", "10.1.5.5", 5900, "vnc", 3),          // GE to a Dell workstation: the maker is known
		flow("198.51.100.3", "10.9.9.9", 5900, "vnc", 3),          // GE to a device outside the inventory
	}
	baas := []*vigil.BAA{{ID: 1, VendorID: 10, Version: 1, Effective: t0.Add(-time.Hour), AddedAt: t0.Add(-time.Hour)}}
	type row struct{ Code, Device, Vendor, Peer, Tool string }
	rows := func(fs []SessionFinding) (out []row) {
		for _, f := range fs {
			out = append(out, row{f.Code, f.Device, f.Vendor, f.Peer, f.Tool})
			if f.Detail == "" || f.At.IsZero() {
				t.Errorf("finding %+v lacks a detail or time", f)
			}
		}
		return out
	}
	ss := Sessions(flows, devices, vendors, time.Time{})
	want := []row{
		{FindingRemoteUnknown, "10.9.9.9", "GE HealthCare", "198.51.100.3", "GE InSite"},
		{FindingRemoteNoBAA, "CT-01", "Siemens Healthineers", "198.51.100.7", "Siemens SRS"},
		{FindingRemoteUnknown, "PUMP-7", Unknown, "203.0.113.50", "teamviewer"},
	}
	if diff := cmp.Diff(want, rows(SessionFindings(ss, baas, time.Time{}))); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	// Before the GE agreement was recorded, GE's sessions raise it too.
	got := rows(SessionFindings(ss, baas, t0.Add(-2*time.Hour)))
	if len(got) != 0 {
		t.Errorf("no session had started: got %v", got)
	}
	baas[0].AddedAt = t0.Add(time.Hour * 24)
	if n := len(SessionFindings(ss, baas, t0.Add(time.Hour))); n != 6 {
		t.Errorf("with the GE BAA recorded after the date: %d findings, want 6", n)
	}
}

// TestSessionsGenerated checks, on random registers and flows, what must
// hold whatever they are: a session's vendor owns the endpoint that tied
// it and that endpoint matches the peer; an address endpoint of the vendor
// contains every peer tied by address; no session has an internal peer
// unless an endpoint ties it; every session tied to a vendor without a BAA
// raises vendor-remote-no-baa and every untied one vendor-remote-unknown.
func TestSessionsGenerated(t *testing.T) {
	sd := seed(t)
	r := rand.New(rand.NewPCG(sd, sd>>1))
	for round := range 200 {
		var vendors []*vigil.Vendor
		for i := range 1 + r.IntN(5) {
			v := &vigil.Vendor{ID: int64(i + 1), Name: fmt.Sprintf("Vendor %d", i)}
			for range r.IntN(4) {
				e := vigil.VendorEndpoint{Kind: vigil.EndpointAddress, Value: fmt.Sprintf("198.51.100.%d/%d", r.IntN(256), 24+r.IntN(9))}
				switch r.IntN(4) {
				case 1:
					e = vigil.VendorEndpoint{Kind: vigil.EndpointTLSName, Value: fmt.Sprintf("*.v%d.example", r.IntN(4))}
				case 2:
					e = vigil.VendorEndpoint{Kind: vigil.EndpointCertOrg, Value: fmt.Sprintf("Org %d", r.IntN(4))}
				case 3:
					e = vigil.VendorEndpoint{Kind: vigil.EndpointHost, Value: fmt.Sprintf("gw.v%d.example", r.IntN(4))}
				}
				if err := e.Validate(); err != nil {
					t.Fatalf("seed %d: %v", sd, err)
				}
				v.Endpoints = append(v.Endpoints, e)
			}
			vendors = append(vendors, v)
		}
		devices := []*vigil.Device{{ID: 1, IP: "10.0.0.1", Manufacturer: "Vendor 0"}, {ID: 2, IP: "10.0.0.2", Manufacturer: "Nobody"}}
		var flows []*vigil.FlowSummary
		for range 1 + r.IntN(20) {
			peer := []string{"198.51.100.", "203.0.113.", "10.0.0."}[r.IntN(3)] + fmt.Sprint(r.IntN(256))
			dev := fmt.Sprintf("10.0.0.%d", 1+r.IntN(3))
			app := []string{"rdp", "ssh", "tls", "vnc", "http"}[r.IntN(5)]
			f := flow(peer, dev, 3389, app, r.IntN(120))
			if r.IntN(2) == 0 {
				f = flow(dev, peer, 443, app, r.IntN(120))
				f.ServerName = fmt.Sprintf("x.v%d.example", r.IntN(5))
				f.CertOrg = fmt.Sprintf("Org %d", r.IntN(5))
				f.ServerHost = fmt.Sprintf("gw.v%d.example", r.IntN(5))
			}
			f.FirstSeen = f.FirstSeen.Add(time.Duration(r.IntN(1000)) * time.Hour)
			f.LastSeen = f.LastSeen.Add(f.FirstSeen.Sub(t0))
			flows = append(flows, f)
		}
		var baas []*vigil.BAA
		if r.IntN(2) == 0 {
			baas = append(baas, &vigil.BAA{VendorID: 1, Version: 1, Effective: t0.Add(-time.Hour)})
		}
		ss := Sessions(flows, devices, vendors, time.Time{})
		fs := SessionFindings(ss, baas, time.Time{})
		count := map[string]int{}
		for _, f := range fs {
			count[f.Code]++
		}
		wantNoBAA, wantUnknown := 0, 0
		for _, s := range ss {
			peer := netip.MustParseAddr(s.Peer)
			if s.VendorID == 0 {
				if internal(peer) || s.Protocol == "tls" {
					t.Fatalf("seed %d round %d: untied session %+v", sd, round, s)
				}
				wantUnknown++
				continue
			}
			if s.Endpoint == nil || vendors[s.VendorID-1].Name != s.Vendor {
				t.Fatalf("seed %d round %d: session %+v names no endpoint of its vendor", sd, round, s)
			}
			if s.Endpoint.Kind == vigil.EndpointAddress && !netip.MustParsePrefix(s.Endpoint.Value).Contains(peer) {
				t.Fatalf("seed %d round %d: endpoint %s does not contain %s", sd, round, s.Endpoint.Value, peer)
			}
			if s.VendorID != 1 || len(baas) == 0 {
				wantNoBAA++
			}
			if s.DeviceID != 1 {
				wantUnknown++
			}
			if s.Seconds < 0 || s.Duration() < 0 {
				t.Fatalf("seed %d round %d: negative duration %+v", sd, round, s)
			}
		}
		if count[FindingRemoteNoBAA] != wantNoBAA || count[FindingRemoteUnknown] != wantUnknown {
			t.Fatalf("seed %d round %d: findings %v, want %d no-baa and %d unknown", sd, round, count, wantNoBAA, wantUnknown)
		}
	}
}

// BenchmarkSessions ties 20 000 flows to 200 vendors over 10 000 devices.
func BenchmarkSessions(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	var vendors []*vigil.Vendor
	for i := range 200 {
		vendors = append(vendors, &vigil.Vendor{ID: int64(i + 1), Name: fmt.Sprintf("Vendor %d", i), Endpoints: []vigil.VendorEndpoint{
			{Kind: vigil.EndpointAddress, Value: fmt.Sprintf("198.51.%d.0/24", i)}, {Kind: vigil.EndpointTLSName, Value: fmt.Sprintf("*.v%d.example", i)}}})
	}
	var devices []*vigil.Device
	for i := range 10000 {
		devices = append(devices, &vigil.Device{ID: int64(i + 1), Manufacturer: fmt.Sprintf("Vendor %d", i%300), IP: fmt.Sprintf("10.%d.%d.%d", i>>16, (i>>8)&255, i&255)})
	}
	var flows []*vigil.FlowSummary
	for range 20000 {
		f := flow(fmt.Sprintf("198.51.%d.%d", r.IntN(256), r.IntN(256)), devices[r.IntN(len(devices))].IP, 3389, "rdp", r.IntN(60))
		f.FirstSeen = f.FirstSeen.Add(time.Duration(r.IntN(10000)) * time.Minute)
		flows = append(flows, f)
	}
	for b.Loop() {
		Sessions(flows, devices, vendors, time.Time{})
	}
}
