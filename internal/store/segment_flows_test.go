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

// TestSegmentFlowsOwnVLAN holds that a flow's two segments are each
// endpoint's own: a modality on VLAN 140 talking to a PACS on VLAN 180 is
// listed from VLAN 140, though the capture keyed the flow on VLAN 180; an
// endpoint never seen tagged has its subnet alone.
func TestSegmentFlowsOwnVLAN(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		rep := &vigil.DiscoveryReport{
			Devices: []*vigil.ObservedDevice{
				{MAC: "00:00:5e:00:53:01", IPs: []string{"10.14.0.21"}, VLANs: []int{140}, FirstSeen: at, LastSeen: at},
				{MAC: "00:00:5e:00:53:02", IPs: []string{"10.18.0.10"}, VLANs: []int{180}, FirstSeen: at, LastSeen: at},
			},
			Flows: []*vigil.FlowSummary{
				{Client: "10.14.0.21", Server: "10.18.0.10", Port: 104, Proto: "tcp", App: "dicom", VLAN: 180, Connections: 1, Packets: 10, Bytes: 1000, FirstSeen: at, LastSeen: at},
				{Client: "10.30.0.5", Server: "10.18.0.10", Port: 104, Proto: "tcp", App: "dicom", VLAN: 180, Connections: 1, Packets: 2, Bytes: 100, FirstSeen: at, LastSeen: at},
			},
		}
		var recs []*vigil.Record
		for i, d := range rep.Devices {
			recs = append(recs, &vigil.Record{Origin: vigil.Origin{File: "a.pcap", Line: i + 1}, ObservedAt: at,
				Fields: vigil.MakeFields(map[string]string{vigil.FieldMAC: d.MAC, vigil.FieldIP: d.IPs[0]})})
		}
		if err := db.Update(ctx, func(tx *store.Tx) error {
			_, err := tx.RecordDiscoveryRun(ctx, &vigil.User{Name: "ops"}, []string{"a.pcap"}, rep, recs)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindSegmentFlows(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []*vigil.SegmentFlow{
			{From: "VLAN 140 10.14.0.0/24", To: "VLAN 180 10.18.0.0/24", Apps: []string{"dicom"}, Flows: 1, Packets: 10, Bytes: 1000},
			{From: "10.30.0.0/24", To: "VLAN 180 10.18.0.0/24", Apps: []string{"dicom"}, Flows: 1, Packets: 2, Bytes: 100},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("segment flows (-want +got):\n%s", diff)
		}
	})
}
