package exposure_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/exposure"
	"github.com/vigil-health/vigil/internal/feeds"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestWorklistOrder pins the worklist's order on a small inventory: the
// device with a KEV vulnerability known in ransomware comes first though
// its score is lower, the overdue KEV device next, then the highest score.
func TestWorklistOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		inv, exp := services(t, db)
		ctx := context.Background()
		dev := func(tag, model, fw string) *vigil.Record {
			return &vigil.Record{Fields: vigil.MakeFields(map[string]string{"asset_tag": tag, "manufacturer": "Acme Medical",
				"model": model, "firmware": fw, "device_type": "Infusion Pump"})}
		}
		if _, err := inv.Import(ctx, nil, &vigil.Snapshot{Source: vigil.Source{Name: "cmdb", Kind: vigil.SourceInventory}, Records: []*vigil.Record{
			dev("RANSOM", "Pump R", "1.0"),
			dev("OVERDUE", "Pump O", "1.0"),
			dev("SEVERE", "Pump S", "1.0"),
		}}); err != nil {
			t.Fatal(err)
		}
		low := vigil.Score{Source: "nvd@nist.gov", Version: "3.1", Vector: "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:L/A:L", Base: 3.9, Primary: true}
		high := vigil.Score{Source: "nvd@nist.gov", Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Base: 9.8, Primary: true}
		vuln := func(id, model string, st vigil.ProductStatus, s vigil.Score) *vigil.Vulnerability {
			return &vigil.Vulnerability{ID: id, Scores: []vigil.Score{s}, Affected: []vigil.Affected{{Vendor: "Acme Medical", Product: model,
				Versions: []vigil.AffectedRange{{Version: "1.0", Status: st}, {Version: "2.0", Status: st}}}}}
		}
		now := time.Now().UTC()
		batch := &feeds.Batch{Name: "test", Format: feeds.FormatCVE5,
			Vulnerabilities: []*vigil.Vulnerability{
				vuln("CVE-2099-0001", "Pump R", vigil.StatusAffected, low),
				vuln("CVE-2099-0002", "Pump O", vigil.StatusAffected, low),
				vuln("CVE-2099-0003", "Pump S", vigil.StatusAffected, high),
			},
			KEV: []*vigil.KEVEntry{
				{CVE: "CVE-2099-0001", DateAdded: now.AddDate(0, 0, -1), DueDate: now.AddDate(0, 0, 20), RansomwareUse: "Known"},
				{CVE: "CVE-2099-0002", DateAdded: now.AddDate(0, -2, 0), DueDate: now.AddDate(0, 0, -30), RansomwareUse: "Unknown"},
			},
			EPSS: []vigil.EPSSRecord{{CVE: "CVE-2099-0003", EPSS: vigil.EPSS{Score: 0.97, Percentile: 0.99, Date: now}}},
		}
		if _, err := exp.ImportFeeds(ctx, nil, []exposure.FeedFile{{Name: "test.json", Batch: batch}}); err != nil {
			t.Fatal(err)
		}
		order := func(f vigil.RiskFilter) []string {
			as, err := exp.AssessRisk(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var tags []string
			for _, a := range as {
				d, err := db.FindDeviceByID(ctx, a.DeviceID)
				if err != nil {
					t.Fatal(err)
				}
				tags = append(tags, d.AssetTag)
			}
			return tags
		}
		if diff := cmp.Diff([]string{"RANSOM", "OVERDUE", "SEVERE"}, order(vigil.RiskFilter{OpenOnly: true})); diff != "" {
			t.Errorf("worklist order (-want +got):\n%s", diff)
		}
		// The severe device scores highest: the tiers, not the score, put the others first.
		as, err := exp.AssessRisk(ctx, vigil.RiskFilter{OpenOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if !(as[2].Score > as[0].Score && as[2].Score > as[1].Score) {
			t.Errorf("scores %v, %v, %v: the test needs the third to score highest", as[0].Score, as[1].Score, as[2].Score)
		}
		if got := []int{as[0].Urgency, as[1].Urgency, as[2].Urgency}; !cmp.Equal(got, []int{2, 1, 0}) {
			t.Errorf("urgency tiers %v, want [2 1 0]", got)
		}
	})
}
