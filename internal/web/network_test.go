package web_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/discover"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

func TestNetworkPages(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	ctx := context.Background()
	rep, err := discover.RunFiles(ctx, []string{filepath.Join("..", "dissect", "testdata", "dicom_any_ae.pcap")}, discover.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Inventory.RecordDiscovery(ctx, nil, []string{"dicom_any_ae.pcap"}, rep, true); err != nil {
		t.Fatal(err)
	}
	c, _ := e.client("auditor")
	body := e.get(c, "/network", 200)
	for _, want := range []string{"dicom-any-ae", "Conversations between segments", "dicom_any_ae.pcap", `id="segment-matrix"`, "The matrix as a table"} {
		if !strings.Contains(body, want) {
			t.Errorf("network page lacks %q", want)
		}
	}
	// Times and lists as people read them, not as Go prints them.
	for _, raw := range []string{"[dicom_any_ae.pcap]", "+0000 UTC", "map["} {
		if strings.Contains(body, raw) {
			t.Errorf("network page prints %q", raw)
		}
	}
	devs, _, _ := e.db.FindDevices(ctx, vigil.DeviceFilter{Source: "network"})
	if len(devs) == 0 {
		t.Fatal("no device from the network source")
	}
	found := false
	for _, d := range devs {
		page := e.get(c, "/devices/"+itoa(d.ID), 200)
		found = found || strings.Contains(page, "On the network") && strings.Contains(page, "DICOM")
	}
	if !found {
		t.Errorf("no device page shows the DICOM seen on the wire")
	}
	e.get(c, "/api/v1/network/findings?code=dicom-any-ae", 200)
	e.get(c, "/api/v1/network/segments", 200)
	e.get(c, "/api/v1/devices/"+itoa(devs[0].ID)+"/network", 200)
}
