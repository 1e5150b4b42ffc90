package web_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/vendors"
)

func TestVendorSessionsPage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		err := db.Update(ctx, func(tx *store.Tx) error {
			rep := &vigil.DiscoveryReport{Flows: []*vigil.FlowSummary{
				{Client: "198.51.100.9", Server: "10.1.0.10", Port: 3389, Proto: "tcp", App: "rdp", Connections: 1, Bytes: 9000, FirstSeen: at, LastSeen: at.Add(30 * time.Minute)},
				{Client: "203.0.113.5", Server: "10.1.0.11", Port: 22, Proto: "tcp", App: "ssh", Connections: 1, Bytes: 900, FirstSeen: at, LastSeen: at.Add(time.Minute)},
			}}
			_, err := tx.RecordDiscoveryRun(ctx, nil, []string{"a.pcap"}, rep, nil)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		ge := &vigil.Vendor{Name: "GE HealthCare", Endpoints: []vigil.VendorEndpoint{{Kind: vigil.EndpointAddress, Value: "198.51.100.0/24", Tool: "GE InSite"}}}
		if err := vendors.New(db).Add(ctx, nil, ge); err != nil {
			t.Fatal(err)
		}
		aud, _ := e.client("auditor")
		page := e.get(aud, "/vendors/sessions", 200)
		for _, want := range []string{"GE InSite", `href="/vendors/1"`, "vendor-remote-no-baa", "vendor-remote-unknown", "203.0.113.5", "30m0s"} {
			if !strings.Contains(page, want) {
				t.Errorf("the page lacks %q", want)
			}
		}
		var got struct {
			Sessions []struct{ Vendor, Peer string }
			Findings []struct{ Code, Vendor string }
		}
		// GE's session reaches an address outside the inventory: no BAA,
		// and an unknown maker.
		for q, want := range map[string][2]int{"": {2, 3}, "?vendor=GE+HealthCare": {1, 2}, "?vendor=unknown": {1, 1}, "?vendor=1&at=2026-03-01": {0, 0}, "?at=2026-03-02": {2, 3}} {
			if err := json.Unmarshal([]byte(e.get(aud, "/api/v1/vendors/sessions"+q, 200)), &got); err != nil {
				t.Fatal(err)
			}
			if len(got.Sessions) != want[0] || len(got.Findings) != want[1] {
				t.Errorf("%s: %d sessions and %d findings, want %v", q, len(got.Sessions), len(got.Findings), want)
			}
		}
		if p := e.get(aud, "/vendors/1", 200); !strings.Contains(p, `href="/vendors/sessions?vendor=1"`) {
			t.Error("the vendor page does not link to its sessions")
		}
		e.get(aud, "/api/v1/vendors/sessions?device=x", 400)
		e.get(aud, "/api/v1/vendors/sessions?vendor=nobody", 404)
		if p := e.get(aud, "/vendors/sessions?vendor=unknown", 200); strings.Contains(p, "GE InSite") || !strings.Contains(p, "203.0.113.5") {
			t.Errorf("filtered to the unknown vendor:\n%.2000s", p)
		}
	})
}
