package vendors_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/oversight"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/vendors"
)

func TestSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		err := db.Update(ctx, func(tx *store.Tx) error {
			for _, d := range []*vigil.Device{
				{ID: 1, AssetTag: "CT-01", Manufacturer: "GE Medical Systems", IP: "10.1.0.10"},
				{ID: 2, AssetTag: "PUMP-7", Manufacturer: "Acme Infusion", IP: "10.1.0.20"},
			} {
				if err := tx.InsertDevice(ctx, actor, d, store.DeviceExtra{}); err != nil {
					return err
				}
			}
			rep := &vigil.DiscoveryReport{Flows: []*vigil.FlowSummary{
				{Client: "198.51.100.9", Server: "10.1.0.10", Port: 3389, Proto: "tcp", App: "rdp", Connections: 1, Bytes: 90000, FirstSeen: at, LastSeen: at.Add(40 * time.Minute)},
				{Client: "10.1.0.20", Server: "203.0.113.9", Port: 443, Proto: "tcp", App: "tls", Connections: 3, Bytes: 5000, FirstSeen: at, LastSeen: at.Add(time.Minute),
					ServerName: "gw.acme.example", CertOrg: "Acme Infusion Inc"},
			}}
			_, err := tx.RecordDiscoveryRun(ctx, actor, []string{"a.pcap"}, rep, nil)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		s := vendors.New(db)
		csv := "Vendor,Aliases,Endpoints,Remote tool\n" +
			"GE HealthCare,GE Medical Systems,198.51.100.0/24;insite.gehealthcare.example;cert-org:GE Healthcare Inc. (InSite web),GE InSite\n"
		if _, err := s.Import(ctx, actor, "vendors.csv", []byte(csv)); err != nil {
			t.Fatal(err)
		}
		ge, err := s.Find(ctx, "GE HealthCare")
		if err != nil {
			t.Fatal(err)
		}
		wantEps := []vigil.VendorEndpoint{{Kind: vigil.EndpointAddress, Value: "198.51.100.0/24", Tool: "GE InSite"}, {Kind: vigil.EndpointHost, Value: "insite.gehealthcare.example", Tool: "GE InSite"},
			{Kind: vigil.EndpointCertOrg, Value: "GE Healthcare Inc.", Tool: "InSite web"}}
		if diff := cmp.Diff(wantEps, ge.Endpoints); diff != "" {
			t.Errorf("imported endpoints (-want +got):\n%s", diff)
		}
		type row struct{ Device, Vendor, Peer, Tool string }
		rows := func(ss []oversight.Session) (out []row) {
			for _, x := range ss {
				out = append(out, row{x.Device, x.Vendor, x.Peer, x.Tool})
			}
			return out
		}
		ss, err := s.Sessions(ctx, vendors.SessionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]row{{"CT-01", "GE HealthCare", "198.51.100.9", "GE InSite"}}, rows(ss)); diff != "" {
			t.Errorf("sessions (-want +got):\n%s", diff)
		}
		// The TLS flow becomes a session once Acme's gateway is an endpoint.
		if err := s.Add(ctx, actor, &vigil.Vendor{Name: "Acme Infusion"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddEndpoint(ctx, actor, "Acme Infusion", vigil.VendorEndpoint{Kind: vigil.EndpointCertOrg, Value: "Acme Infusion Inc", Tool: "Acme Connect"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddEndpoint(ctx, actor, "nobody", vigil.VendorEndpoint{Kind: vigil.EndpointHost, Value: "x.example"}); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("endpoint of no vendor: %v", err)
		}
		if _, err := s.AddEndpoint(ctx, actor, "GE", vigil.VendorEndpoint{Kind: vigil.EndpointAddress, Value: "not an address"}); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("bad endpoint: %v", err)
		}
		ss, err = s.Sessions(ctx, vendors.SessionFilter{Vendor: "Acme Infusion"})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]row{{"PUMP-7", "Acme Infusion", "203.0.113.9", "Acme Connect"}}, rows(ss)); diff != "" {
			t.Errorf("Acme's sessions (-want +got):\n%s", diff)
		}
		if ss, err := s.Sessions(ctx, vendors.SessionFilter{DeviceID: 1, At: at.Add(-time.Hour)}); err != nil || len(ss) != 0 {
			t.Errorf("before the capture: %v, %v", ss, err)
		}
		codes := func() (out []string) {
			fs, err := s.SessionFindings(ctx, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range fs {
				out = append(out, f.Code+" "+f.Vendor+" "+f.Device)
			}
			return out
		}
		rep, err := s.SessionReport(ctx, vendors.SessionFilter{Vendor: "Acme Infusion"})
		if err != nil || len(rep.Sessions) != 1 || len(rep.Findings) != 1 || rep.Findings[0].Vendor != "Acme Infusion" {
			t.Errorf("Acme's report: %+v, %v", rep, err)
		}
		want := []string{"vendor-remote-no-baa GE HealthCare CT-01", "vendor-remote-no-baa Acme Infusion PUMP-7"}
		if diff := cmp.Diff(want, codes()); diff != "" {
			t.Errorf("findings (-want +got):\n%s", diff)
		}
		if err := s.AddBAA(ctx, actor, &vigil.BAA{VendorID: ge.ID, Signed: at.AddDate(-1, 0, 0), Expires: at.AddDate(1, 0, 0)}); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want[1:], codes()); diff != "" {
			t.Errorf("with GE's BAA (-want +got):\n%s", diff)
		}
		audit, err := db.FindAuditEvents(ctx, vigil.AuditFilter{ObjectType: "vendor"})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range audit {
			if e.Action == "vendor.endpoint" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("endpoint audit: %d events, want 1", n)
		}
	})
}
