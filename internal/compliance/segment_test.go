package compliance_test

import (
	"context"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/checks"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestDeviceSegmentIsItsOwnVLAN holds that a device no segment's subnet
// holds is on the segment of the VLAN discovery saw it on, not on the VLAN
// a flow of it was keyed on: a modality on VLAN 140 sending to a server on
// VLAN 180 is on "imaging", though the capture tagged the flow 180.
func TestDeviceSegmentIsItsOwnVLAN(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
		inv, comp := services(t, db)
		r := device("MOD-1", "Radiology")
		r.Fields.Set(vigil.FieldMAC, "00:00:5e:00:53:21")
		r.Fields.Set(vigil.FieldIP, "10.9.9.5")
		if _, err := inv.Import(ctx, nil, cmms(r)); err != nil {
			t.Fatal(err)
		}
		if err := comp.SetSegments(ctx, nil, []vigil.Segment{{Name: "imaging", VLAN: 140, Clinical: true}, {Name: "servers", VLAN: 180}}); err != nil {
			t.Fatal(err)
		}
		rep := &vigil.DiscoveryReport{
			Devices: []*vigil.ObservedDevice{{MAC: "00:00:5e:00:53:21", IPs: []string{"10.9.9.5"}, VLANs: []int{140}, FirstSeen: now, LastSeen: now}},
			Flows: []*vigil.FlowSummary{{Client: "10.9.9.5", Server: "10.9.8.1", Port: 104, Proto: "tcp", App: "dicom", VLAN: 180,
				Connections: 1, Packets: 10, Bytes: 1000, FirstSeen: now, LastSeen: now}},
		}
		if _, err := inv.RecordDiscovery(ctx, nil, []string{"a.pcap"}, rep, false); err != nil {
			t.Fatal(err)
		}
		src := []byte(`id: segment-probe
title: the device's segment
description: names the segment the checks see.
controls:
  - {framework: csf2, control: PR.IR-01}
applies_to: "true"
expr: device.segment == "imaging"
reason: '"on segment " + device.segment'
reads: [device]
severity: low
remediation: none
`)
		_, res, err := comp.TestCheck(ctx, "segment-probe.yaml", src)
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != 1 || res[0].Status != checks.StatusPass {
			t.Errorf("device segment: %+v, want imaging (its own VLAN 140)", res)
		}
	})
}
