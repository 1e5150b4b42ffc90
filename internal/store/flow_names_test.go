package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestFlowNames records flows with the names that tie them to vendors and
// reads them back by app.
func TestFlowNames(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		tlsFlow := &vigil.FlowSummary{Client: "10.1.0.10", Server: "203.0.113.9", Port: 443, Proto: "tcp", App: "tls", Connections: 2, Packets: 40, Bytes: 9000,
			FirstSeen: at, LastSeen: at.Add(time.Hour), ServerName: "gw.example.test", CertOrg: "Example Health", CertNames: []string{"gw.example.test", "*.example.test"},
			ServerHost: "gw.example.test"}
		rdp := &vigil.FlowSummary{Client: "198.51.100.9", Server: "10.1.0.10", Port: 3389, Proto: "tcp", App: "rdp", Connections: 1, Packets: 10, Bytes: 800,
			FirstSeen: at.Add(-time.Hour), LastSeen: at, ClientHost: "support.example.test"}
		dicom := &vigil.FlowSummary{Client: "10.1.0.11", Server: "10.1.0.10", Port: 104, Proto: "tcp", App: "dicom", Connections: 1, FirstSeen: at, LastSeen: at}
		rep := &vigil.DiscoveryReport{Flows: []*vigil.FlowSummary{tlsFlow, rdp, dicom}}
		if err := db.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.RecordDiscoveryRun(ctx, &vigil.User{Name: "ops"}, []string{"a.pcap"}, rep, nil)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindFlowsByApp(ctx, []string{"rdp", "tls", "ssh"})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]*vigil.FlowSummary{rdp, tlsFlow}, got); diff != "" {
			t.Errorf("flows (-want +got):\n%s", diff)
		}
		if got, err := db.FindFlowsByApp(ctx, nil); err != nil || len(got) != 0 {
			t.Errorf("no apps: %v, %v", got, err)
		}
	})
}
