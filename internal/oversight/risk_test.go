package oversight

import (
	"math/rand/v2"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// seed returns the seed of a test's generator and logs it, so that a
// failure can be replayed.
func seed(t *testing.T) uint64 {
	s := uint64(time.Now().UnixNano())
	t.Logf("seed %d", s)
	return s
}

func randomDevices(r *rand.Rand, n int) ([]*vigil.Device, map[int64]bool) {
	makers := []string{"GE Medical Systems", "GE", "Philips", "Baxter", "", "General Electric Co."}
	var ds []*vigil.Device
	remote := map[int64]bool{}
	for i := range n {
		d := &vigil.Device{ID: int64(i + 1), Manufacturer: makers[r.IntN(len(makers))], Model: []string{"B650", "MX800", "Sigma", ""}[r.IntN(4)],
			StoresEPHI: r.IntN(5) == 0, SendsEPHI: r.IntN(6) == 0, Criticality: append(vigil.Criticalities, "")[r.IntN(5)]}
		if r.IntN(8) == 0 {
			remote[d.ID] = true
		}
		ds = append(ds, d)
	}
	return ds, remote
}

func TestDevicesOf(t *testing.T) {
	ge := &vigil.Vendor{Name: "GE HealthCare", Aliases: []string{"General Electric"}}
	svc := &vigil.Vendor{Name: "Crothall", Kind: vigil.VendorServiceProvider, Models: []string{"sigma"}}
	ds := []*vigil.Device{{ID: 1, Manufacturer: "GE"}, {ID: 2, Manufacturer: "GE Medical Systems"}, {ID: 3, Manufacturer: "General Electric Co."},
		{ID: 4, Manufacturer: "Philips"}, {ID: 5, Manufacturer: "Baxter", Model: "Sigma"}, {ID: 6}}
	ids := func(ds []*vigil.Device) (out []int64) {
		for _, d := range ds {
			out = append(out, d.ID)
		}
		return out
	}
	if got := ids(DevicesOf(ge, ds)); len(got) != 3 || got[0] != 1 || got[2] != 3 {
		t.Errorf("GE makes %v, want [1 2 3]", got)
	}
	if got := ids(DevicesOf(svc, ds)); len(got) != 1 || got[0] != 5 {
		t.Errorf("the service company services %v, want [5]", got)
	}
}

func TestAssess(t *testing.T) {
	for _, tc := range []struct {
		name    string
		devices []*vigil.Device
		remote  map[int64]bool
		want    vigil.VendorTier
	}{
		{"nothing", nil, nil, vigil.VendorTierNone},
		{"plain", []*vigil.Device{{ID: 1, Criticality: vigil.CriticalityNonClinical}}, nil, vigil.VendorTierLow},
		{"ephi", []*vigil.Device{{ID: 1, StoresEPHI: true}}, nil, vigil.VendorTierMedium},
		{"critical", []*vigil.Device{{ID: 1, Criticality: vigil.CriticalityLifeSustaining}}, nil, vigil.VendorTierMedium},
		{"remote", []*vigil.Device{{ID: 1}}, map[int64]bool{1: true}, vigil.VendorTierMedium},
		{"ephi and remote", []*vigil.Device{{ID: 1, SendsEPHI: true}, {ID: 2}}, map[int64]bool{2: true}, vigil.VendorTierHigh},
	} {
		r := Assess(tc.devices, tc.remote)
		if r.Tier != tc.want || len(r.Factors) == 0 {
			t.Errorf("%s: tier %s, factors %q; want %s", tc.name, r.Tier, r.Factors, tc.want)
		}
	}
}

// TestAssessProperties checks on random fleets that the counts are right,
// that the tier follows the number of factors, and that no device added
// ever lowers a tier.
func TestAssessProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(seed(t), 13))
	for range 300 {
		ds, remote := randomDevices(r, r.IntN(130))
		got := Assess(ds, remote)
		var ephi, crit, rem int
		for _, d := range ds {
			if d.StoresEPHI || d.SendsEPHI {
				ephi++
			}
			if d.Criticality.Rank() >= 3 {
				crit++
			}
			if remote[d.ID] {
				rem++
			}
		}
		if got.Devices != len(ds) || got.EPHI != ephi || got.Critical != crit || got.RemoteAccess != rem {
			t.Fatalf("counts %+v, want %d devices, %d ePHI, %d critical, %d remote", got, len(ds), ephi, crit, rem)
		}
		factors := 0
		for _, ok := range []bool{ephi > 0, crit > 0, rem > 0, len(ds) >= largeFleet} {
			if ok {
				factors++
			}
		}
		want := map[int]vigil.VendorTier{0: vigil.VendorTierLow, 1: vigil.VendorTierMedium}[factors]
		if factors >= 2 {
			want = vigil.VendorTierHigh
		}
		if len(ds) == 0 {
			want = vigil.VendorTierNone
		}
		if got.Tier != want {
			t.Fatalf("%d factors gave %s, want %s (%q)", factors, got.Tier, want, got.Factors)
		}
		more, moreRemote := randomDevices(r, 1+r.IntN(5))
		for i, d := range more {
			d.ID = int64(1000 + i)
			remote[d.ID] = moreRemote[int64(i+1)]
		}
		if after := Assess(append(ds, more...), remote); TierRank(after.Tier) < TierRank(got.Tier) {
			t.Fatalf("adding devices lowered the tier from %s to %s", got.Tier, after.Tier)
		}
	}
}
