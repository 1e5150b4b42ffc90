package compliance_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/mds2"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/vendors"
)

// TestVendorFactsReachTheChecks registers vendors, agreements, a
// certification, end-of-life dates and an MDS2 form, records a vendor's
// RDP session from a capture's flows, and shows that each vendor check
// fails exactly the device the register makes deficient, with the reason
// naming the vendor.
func TestVendorFactsReachTheChecks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		inv, comp := services(t, db)
		set := func(r *vigil.Record, kv ...string) *vigil.Record {
			for i := 0; i < len(kv); i += 2 {
				r.Fields.Set(kv[i], kv[i+1])
			}
			return r
		}
		bd := set(device("BME-1", "Biomed"), vigil.FieldStoresEPHI, "true", vigil.FieldMAC, "00:09:fb:00:00:01", vigil.FieldIP, "10.1.1.5")
		baxter := set(device("BME-2", "Biomed"), vigil.FieldManufacturer, "Baxter", vigil.FieldModel, "Sigma Spectrum", vigil.FieldSendsEPHI, "true")
		philips := set(device("BME-3", "Biomed"), vigil.FieldManufacturer, "Philips", vigil.FieldModel, "IntelliVue MX450", vigil.FieldStoresEPHI, "true")
		if _, err := inv.Import(ctx, nil, cmms(bd, baxter, philips)); err != nil {
			t.Fatal(err)
		}
		vs := vendors.New(db)
		for _, v := range []*vigil.Vendor{
			{Name: "Becton Dickinson", Aliases: []string{"BD"}, Endpoints: []vigil.VendorEndpoint{{Kind: vigil.EndpointAddress, Value: "203.0.113.0/24", Tool: "BD remote support"}}},
			{Name: "Baxter"},
		} {
			if err := vs.Add(ctx, nil, v); err != nil {
				t.Fatal(err)
			}
		}
		day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
		becton, err := vs.Find(ctx, "BD")
		if err != nil {
			t.Fatal(err)
		}
		if err := vs.AddBAA(ctx, nil, &vigil.BAA{VendorID: becton.ID, Signed: day(2025, 1, 10), Expires: day(2028, 1, 10)}); err != nil {
			t.Fatal(err)
		}
		if err := vs.AddCertification(ctx, nil, &vigil.Certification{VendorID: becton.ID, Kind: vigil.CertSOC2Type2, Issuer: "an auditor", Expires: day(2026, 2, 1)}); err != nil {
			t.Fatal(err)
		}
		if err := vs.SetModelSupport(ctx, nil, &vigil.ModelSupport{Manufacturer: "Baxter", Model: "sigma spectrum", EndOfSupport: day(2025, 12, 31)}); err != nil {
			t.Fatal(err)
		}
		// BD's form says remote service is not permitted (RMOT-1 No).
		var smp *mds2.Sample
		for seed := uint64(1); ; seed++ {
			smp = mds2.Generate(rand.New(rand.NewPCG(seed, 3)), mds2.Spec{Manufacturer: "BD", Model: "Alaris 8015", DocumentID: "MDS2-7", ReleaseDate: "2025-05-01"})
			if smp.Want.Facts.RemoteService == vigil.MDS2No {
				break
			}
		}
		if _, err := vs.ImportMDS2(ctx, nil, "alaris.csv", bytes.NewReader(smp.CSV()), vendors.MDS2Import{}); err != nil {
			t.Fatal(err)
		}
		// The capture: BD's support address reached the pump by RDP.
		rep := &vigil.DiscoveryReport{Flows: []*vigil.FlowSummary{{
			Client: "203.0.113.7", Server: "10.1.1.5", Port: 3389, Proto: "tcp", App: "rdp", Connections: 1, Packets: 40, Bytes: 9000,
			FirstSeen: now.Add(-2 * time.Hour), LastSeen: now.Add(-90 * time.Minute),
		}}}
		if _, err := inv.RecordDiscovery(ctx, nil, []string{"capture.pcap"}, rep, false); err != nil {
			t.Fatal(err)
		}

		run, err := comp.CheckDevices(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]string{}
		for _, c := range run.Checks {
			switch c.ID {
			case "vendor-baa-current", "vendor-on-record", "remote-access-vendor-assured", "model-supported", "mds2-matches-traffic", "remote-access-vendor":
				got[c.ID] = []string{}
				for _, f := range c.Failing {
					got[c.ID] = append(got[c.ID], f.AssetTag+": "+f.Reason)
				}
			}
		}
		want := map[string][]string{
			"vendor-baa-current":           {"BME-2: no business associate agreement in force with Baxter"},
			"vendor-on-record":             {"BME-3: the manufacturer Philips is not in the vendor register"},
			"remote-access-vendor-assured": {"BME-1: no current certification for Becton Dickinson"},
			"model-supported":              {"BME-2: past the manufacturer's end of support (2025-12-31)"},
			"mds2-matches-traffic":         {"BME-1: MDS2 RMOT-1 says remote service is not permitted, but remote access was seen (BD remote support)"},
			"remote-access-vendor":         {},
		}
		for k, v := range got {
			for i := range v {
				v[i] = strings.TrimSpace(v[i])
			}
			got[k] = v
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("failing devices by check (-want +got):\n%s", diff)
		}
	})
}
