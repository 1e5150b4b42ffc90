package oversight

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
)

func TestGaps(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	day := func(n int) time.Time { return now.AddDate(0, 0, n) }
	ephi := vigil.VendorRisk{EPHI: 2}
	st := []Standing{
		{Vendor: &vigil.Vendor{ID: 1, Name: "Alpha"}, Risk: ephi},
		{Vendor: &vigil.Vendor{ID: 2, Name: "Beta"}, Risk: ephi,
			BAAs:  []*vigil.BAA{{ID: 10, VendorID: 2, Version: 1, Expires: day(-400)}, {ID: 11, VendorID: 2, Version: 2, Expires: day(30)}},
			Certs: []*vigil.Certification{{ID: 20, Kind: vigil.CertSOC2Type2, Expires: day(-10)}, {ID: 21, Kind: vigil.CertISO27001, Expires: day(400)}}},
		{Vendor: &vigil.Vendor{ID: 3, Name: "Gamma"}, Risk: ephi,
			BAAs:  []*vigil.BAA{{ID: 12, VendorID: 3, Version: 1, Renewal: day(0)}},
			Certs: []*vigil.Certification{{ID: 22, Kind: vigil.CertHITRUSTr2, Expires: day(-5)}, {ID: 23, Kind: vigil.CertHITRUSTr2, Expires: day(300)}}},
		{Vendor: &vigil.Vendor{ID: 4, Name: "Delta"}, Risk: vigil.VendorRisk{Devices: 5}}, // no ePHI: nothing asked
	}
	want := []Gap{
		{VendorID: 1, Vendor: "Alpha", Item: "baa", Status: GapMissing, EPHIDevices: 2},
		{VendorID: 1, Vendor: "Alpha", Item: "certification", Status: GapMissing, EPHIDevices: 2},
		{VendorID: 2, Vendor: "Beta", Item: "certification", Kind: vigil.CertSOC2Type2, ID: 20, Status: GapExpired, Due: day(-10), EPHIDevices: 2},
		{VendorID: 3, Vendor: "Gamma", Item: "baa", ID: 12, Status: GapExpired, Due: day(0), EPHIDevices: 2},
		{VendorID: 2, Vendor: "Beta", Item: "baa", ID: 11, Status: GapExpiring, Due: day(30), EPHIDevices: 2},
	}
	if diff := cmp.Diff(want, Gaps(now, 60*24*time.Hour, st)); diff != "" {
		t.Errorf("gaps (-want +got):\n%s", diff)
	}
}

// TestGapsProperties checks on random registers that every gap is a vendor
// touching ePHI, that its status agrees with its due date, and that every
// ePHI vendor's newest BAA due within the window is reported.
func TestGapsProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(seed(t), 7))
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	for range 200 {
		within := time.Duration(r.IntN(120)) * 24 * time.Hour
		var st []Standing
		for i := range 1 + r.IntN(8) {
			s := Standing{Vendor: &vigil.Vendor{ID: int64(i + 1), Name: string(rune('A' + i))}, Risk: vigil.VendorRisk{EPHI: r.IntN(3)}}
			for v := range r.IntN(3) {
				s.BAAs = append(s.BAAs, &vigil.BAA{ID: int64(100*i + v + 1), VendorID: s.Vendor.ID, Version: v + 1, Expires: now.AddDate(0, 0, r.IntN(400)-200)})
			}
			for c := range r.IntN(3) {
				s.Certs = append(s.Certs, &vigil.Certification{ID: int64(100*i + c + 50), Kind: vigil.CertKinds[r.IntN(4)], Expires: now.AddDate(0, 0, r.IntN(400)-200)})
			}
			st = append(st, s)
		}
		gaps := Gaps(now, within, st)
		baaGap := map[int64]bool{}
		for _, g := range gaps {
			s := st[g.VendorID-1]
			if s.Risk.EPHI == 0 {
				t.Fatalf("gap for vendor %d without ePHI", g.VendorID)
			}
			switch g.Status {
			case GapMissing:
				if (g.Item == "baa" && len(s.BAAs) > 0) || (g.Item == "certification" && len(s.Certs) > 0) {
					t.Fatalf("%s of vendor %d missing but held", g.Item, g.VendorID)
				}
			case GapExpired:
				if g.Due.After(now) {
					t.Fatalf("expired gap due %v after now", g.Due)
				}
			case GapExpiring:
				if !g.Due.After(now) || g.Due.After(now.Add(within)) {
					t.Fatalf("expiring gap due %v outside the window", g.Due)
				}
			}
			if g.Item == "baa" {
				baaGap[g.VendorID] = true
			}
		}
		for _, s := range st {
			if s.Risk.EPHI == 0 {
				continue
			}
			due := true
			if n := len(s.BAAs); n > 0 {
				due = !s.BAAs[n-1].Due().After(now.Add(within))
			}
			if due != baaGap[s.Vendor.ID] {
				t.Fatalf("vendor %d: BAA due %v, reported %v", s.Vendor.ID, due, baaGap[s.Vendor.ID])
			}
		}
	}
}
