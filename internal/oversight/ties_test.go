package oversight

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	vigil "github.com/vigil-health/vigil"
)

// TestTiesAgreeWithDevicesOf draws registers and inventories at random and
// checks that the indexed answer is DevicesOf's, device by device.
func TestTiesAgreeWithDevicesOf(t *testing.T) {
	seed := time.Now().UnixNano()
	r := rand.New(rand.NewPCG(uint64(seed), 7))
	makers := []string{"GE", "GE Healthcare", "Philips", "philips medical", "Baxter", "B. Braun", "Siemens Healthineers", "", "Acme"}
	models := []string{"M1", "m1 ", "X-200", "Sigma", "CT 7", ""}
	for round := 0; round < 200; round++ {
		var vendors []*vigil.Vendor
		for i := range 1 + r.IntN(5) {
			v := &vigil.Vendor{ID: int64(i + 1), Name: fmt.Sprintf("%s %d", makers[r.IntN(len(makers))], i)}
			if r.IntN(2) == 0 {
				v.Aliases = []string{makers[r.IntN(len(makers))]}
			}
			if r.IntN(2) == 0 {
				v.Models = []string{models[r.IntN(len(models))]}
			}
			vendors = append(vendors, v)
		}
		ties := NewTies(vendors)
		var inventory []*vigil.Device
		for i := range 20 {
			inventory = append(inventory, &vigil.Device{ID: int64(i + 1), Manufacturer: makers[r.IntN(len(makers))], Model: models[r.IntN(len(models))]})
		}
		byVendor := ties.Devices(inventory)
		for _, v := range vendors {
			if diff := cmp.Diff(DevicesOf(v, inventory), byVendor[v.ID]); diff != "" {
				t.Fatalf("seed %d: vendor %d: Devices differs from DevicesOf (-want +got):\n%s", seed, v.ID, diff)
			}
		}
		for i := range 20 {
			d := &vigil.Device{ID: int64(i + 1), Manufacturer: makers[r.IntN(len(makers))], Model: models[r.IntN(len(models))]}
			want := map[int64]bool{}
			for _, v := range vendors {
				if len(DevicesOf(v, []*vigil.Device{d})) > 0 {
					want[v.ID] = true
				}
			}
			got := map[int64]bool{}
			for _, v := range ties.Of(d) {
				if got[v.ID] {
					t.Fatalf("seed %d: vendor %d twice for %+v", seed, v.ID, d)
				}
				got[v.ID] = true
			}
			if fmt.Sprint(want) != fmt.Sprint(got) {
				t.Fatalf("seed %d: device %q %q: Of gives %v, DevicesOf %v", seed, d.Manufacturer, d.Model, got, want)
			}
		}
	}
}

func TestCertifiedAt(t *testing.T) {
	at := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	certs := []*vigil.Certification{
		{VendorID: 1, Expires: at.AddDate(0, 0, -1)},
		{VendorID: 2, Expires: at.AddDate(1, 0, 0)},
		{VendorID: 3, Expires: at.AddDate(1, 0, 0), PeriodStart: at.AddDate(0, 1, 0)},
		{VendorID: 4, Expires: at},
	}
	for id, want := range map[int64]bool{1: false, 2: true, 3: false, 4: false, 5: false} {
		if got := CertifiedAt(certs, id, at); got != want {
			t.Errorf("vendor %d: %v, want %v", id, got, want)
		}
	}
}
