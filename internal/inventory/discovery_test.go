package inventory_test

import (
	"context"
	"path/filepath"
	"testing"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/discover"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

func TestRecordDiscovery(t *testing.T) {
	ctx := context.Background()
	// A real dcmtk association captured on loopback: storescp accepting a
	// called AE title that is not its own.
	capture := filepath.Join("..", "dissect", "testdata", "dicom_any_ae.pcap")
	rep, err := discover.RunFiles(ctx, []string{capture}, discover.Options{})
	if err != nil {
		t.Fatal(err)
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		res, err := svc(t, db).RecordDiscovery(ctx, nil, []string{"dicom_any_ae.pcap"}, rep, true)
		if err != nil {
			t.Fatal(err)
		}
		if res.Devices == 0 || res.Flows == 0 || res.Import == nil || res.Import.Added == 0 {
			t.Fatalf("RecordDiscovery = %+v", res)
		}
		fs, err := db.FindNetworkFindings(ctx, "dicom-any-ae")
		if err != nil || len(fs) == 0 {
			t.Fatalf("dicom-any-ae findings: %v, %v", fs, err)
		}
		srcs, _ := db.FindSources(ctx)
		if len(srcs) != 1 || srcs[0].Name != store.NetworkSource || srcs[0].Kind != vigil.SourceNetwork {
			t.Fatalf("sources after discovery = %+v", srcs)
		}
		// Everything seen only on the wire is unmanaged.
		ds, err := db.FindDiscrepancies(ctx, vigil.DiscrepancyFilter{Kind: vigil.DiscrepancyUnmanaged})
		if err != nil || len(ds) != res.Import.Records {
			t.Errorf("unmanaged discrepancies = %d (%v), want %d", len(ds), err, res.Import.Records)
		}
		segs, err := db.FindSegmentFlows(ctx)
		if err != nil || len(segs) == 0 {
			t.Errorf("segments: %v %v", segs, err)
		}
		devs, _, _ := db.FindDevices(ctx, vigil.DeviceFilter{})
		var seenDICOM bool
		for _, d := range devs {
			v, err := db.FindNetworkView(ctx, d)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range v.Observations {
				seenDICOM = seenDICOM || o.DICOM != nil
			}
		}
		if !seenDICOM {
			t.Errorf("no device's network view shows its DICOM traffic")
		}
		// Recording the same capture again adds nothing to the network source.
		res2, err := svc(t, db).RecordDiscovery(ctx, nil, []string{"dicom_any_ae.pcap"}, rep, true)
		if err != nil || res2.Import.Added != 0 || res2.Import.Removed != 0 {
			t.Errorf("second run: %+v, %v", res2.Import, err)
		}
	})
}
