package compliance_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/mds2"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/vendors"
)

// TestMDS2FormsReachTheChecks imports a manufacturer's MDS2 form for a
// model and shows that mds2-on-record and ephi-encrypted-at-rest read it
// for that model's devices, and not for others.
func TestMDS2FormsReachTheChecks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		db.Now = func() time.Time { return time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC) }
		inv, comp := services(t, db)
		pump := device("BME-1", "Biomed")
		pump.Fields.Set(vigil.FieldStoresEPHI, "true")
		pump.Fields.Set(vigil.FieldMAC, "00:09:fb:00:00:01") // networked: an MDS2 is expected
		other := device("BME-2", "Biomed")
		other.Fields.Set(vigil.FieldModel, "Sigma Spectrum")
		other.Fields.Set(vigil.FieldManufacturer, "Baxter")
		other.Fields.Set(vigil.FieldStoresEPHI, "true")
		other.Fields.Set(vigil.FieldMAC, "58:46:e1:00:00:02")
		if _, err := inv.Import(ctx, nil, cmms(pump, other)); err != nil {
			t.Fatal(err)
		}
		var smp *mds2.Sample
		for seed := uint64(1); ; seed++ {
			smp = mds2.Generate(rand.New(rand.NewPCG(seed, 2)), mds2.Spec{Manufacturer: "BD", Model: "Alaris 8015", DocumentID: "MDS2-1", ReleaseDate: "2026-01-15"})
			if smp.Want.Facts.EncryptsAtRest.Yes() {
				break
			}
		}
		if _, err := vendors.New(db).ImportMDS2(ctx, nil, "alaris.csv", bytes.NewReader(smp.CSV()), vendors.MDS2Import{}); err != nil {
			t.Fatal(err)
		}
		run, err := comp.CheckDevices(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		byTag := map[string]bool{}
		for _, s := range run.Subjects {
			byTag[s.Device.AssetTag] = s.Device.MDS2 && s.Device.EncryptsAtRest
		}
		if !byTag["BME-1"] || byTag["BME-2"] {
			t.Fatalf("MDS2 and encryption at rest on record, by device: %v", byTag)
		}
		for _, c := range run.Checks {
			if c.ID != "mds2-on-record" && c.ID != "ephi-encrypted-at-rest" {
				continue
			}
			if len(c.Failing) != 1 || c.Failing[0].AssetTag != "BME-2" {
				t.Errorf("%s fails %+v, want BME-2 alone", c.ID, c.Failing)
			}
		}
	})
}
