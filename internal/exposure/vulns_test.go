package exposure_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/exposure"
	"github.com/vigil-health/vigil/internal/feeds"
	"github.com/vigil-health/vigil/internal/gen"
	"github.com/vigil-health/vigil/internal/sbom"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// demoFeeds writes the demo hospital's SBOMs and feeds and parses them.
func demoFeeds(t *testing.T) []exposure.FeedFile {
	t.Helper()
	h, err := gen.Generate(gen.Options{Seed: 1, Devices: 600, Now: time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := h.WriteFiles(dir, gen.Vulns{}); err != nil {
		t.Fatal(err)
	}
	var files []exposure.FeedFile
	for _, pattern := range []string{"sbom/*.json", "advisories/*.json", "feeds/*.json", "feeds/*/*.json"} {
		paths, _ := filepath.Glob(filepath.Join(dir, pattern))
		for _, p := range paths {
			f, err := os.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			if filepath.Base(filepath.Dir(p)) == "sbom" {
				s, err := sbom.Parse(context.Background(), p, f)
				if err != nil {
					t.Fatal(err)
				}
				files = append(files, exposure.FeedFile{Name: filepath.Base(p), SBOM: s})
			} else {
				b, err := feeds.Parse(context.Background(), p, f)
				if err != nil {
					t.Fatal(err)
				}
				files = append(files, exposure.FeedFile{Name: filepath.Base(p), Batch: b})
			}
			f.Close()
		}
	}
	return files
}

func TestImportFeedsAndMatch(t *testing.T) {
	files := demoFeeds(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		inv, exp := services(t, db)
		ctx := context.Background()
		dev := func(tag, mfr, model, fw string) *vigil.Record {
			return &vigil.Record{Fields: vigil.MakeFields(map[string]string{"asset_tag": tag, "manufacturer": mfr, "model": model, "firmware": fw})}
		}
		_, err := inv.Import(ctx, nil, &vigil.Snapshot{Source: vigil.Source{Name: "cmdb", Kind: vigil.SourceInventory}, Records: []*vigil.Record{
			dev("PACS-OLD", "GE Healthcare", "Centricity PACS", "7.0 SP2"),
			dev("PACS-NEW", "GE Healthcare", "Centricity PACS", "7.0 SP4"),
			dev("MON-1", "Philips", "IntelliVue MX800", "M.00.03"),
			dev("HL7-1", "Rhapsody", "Rhapsody Integration Engine", "6.7.1"),
		}})
		if err != nil {
			t.Fatal(err)
		}
		res, err := exp.ImportFeeds(ctx, nil, files)
		if err != nil {
			t.Fatal(err)
		}
		if res.Vulnerabilities == 0 || res.SBOMs == 0 || res.Advisories == 0 || res.KEV != 1 || res.Matches == 0 {
			t.Fatalf("ImportFeeds = %+v", res)
		}
		id := func(tag string) int64 {
			ds, _, _ := db.FindDevices(ctx, vigil.DeviceFilter{Query: tag})
			if len(ds) != 1 {
				t.Fatalf("device %s: %d found", tag, len(ds))
			}
			return ds[0].ID
		}
		status := func(tag, cve string) vigil.ProductStatus {
			ms, err := db.FindMatches(ctx, vigil.MatchFilter{DeviceID: id(tag), VulnID: cve})
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) == 0 {
				return "none"
			}
			return ms[0].Status
		}
		// DCMTK 3.6.6 in the older PACS firmware is affected; 3.6.7 in the newer is not.
		if got := status("PACS-OLD", "CVE-2022-2119"); got != vigil.StatusAffected {
			t.Errorf("PACS with DCMTK 3.6.6: CVE-2022-2119 status %q, want affected", got)
		}
		if got := status("PACS-NEW", "CVE-2022-2119"); got == vigil.StatusAffected {
			t.Errorf("PACS with DCMTK 3.6.7 is matched as affected by CVE-2022-2119")
		}
		// The makers' VEX says the monitors are not affected by CVE-2022-0778.
		if got := status("MON-1", "CVE-2022-0778"); got == vigil.StatusAffected {
			t.Errorf("monitor covered by a not_affected VEX statement shows %q", got)
		}
		if got := status("HL7-1", "CVE-2021-44228"); got != vigil.StatusAffected {
			t.Errorf("interface engine with log4j 2.14.1: CVE-2021-44228 status %q", got)
		}
		v, err := db.FindVulnerability(ctx, "CVE-2021-44228")
		if err != nil || v.KEV == nil || v.KEV.DueDate.IsZero() {
			t.Fatalf("log4shell KEV: %+v, %v", v, err)
		}
		as, err := exp.AssessRisk(ctx, vigil.RiskFilter{})
		if err != nil || len(as) == 0 {
			t.Fatalf("AssessRisk: %v, %v", as, err)
		}
		rank := map[int64]int{}
		for i, a := range as {
			rank[a.DeviceID] = i
			if len(a.Factors) == 0 {
				t.Errorf("device %d: no risk factors explained", a.DeviceID)
			}
		}
		// Fixed firmware ranks below the engine with a KEV-listed CVE.
		if r, ok := rank[id("HL7-1")]; !ok || r > 1 || rank[id("PACS-NEW")] < r {
			t.Errorf("the engine with a KEV-listed CVE ranks %d (%v); ranks %v", r, ok, rank)
		}
		// Importing the same files again changes no matches.
		res2, err := exp.ImportFeeds(ctx, nil, files)
		if err != nil || res2.Matches != res.Matches {
			t.Errorf("re-import: %d matches, was %d (%v)", res2.Matches, res.Matches, err)
		}
		// An inventory import after the feeds matches the new device in the
		// same transaction; one that changes nothing leaves the matches be.
		more := &vigil.Snapshot{Source: vigil.Source{Name: "cmms", Kind: vigil.SourceInventory}, Records: []*vigil.Record{
			dev("PACS-2", "GE Healthcare", "Centricity PACS", "7.0 SP2")}}
		if _, err := inv.Import(ctx, nil, more); err != nil {
			t.Fatal(err)
		}
		if got := status("PACS-2", "CVE-2022-2119"); got != vigil.StatusAffected {
			t.Errorf("PACS imported after the feeds: CVE-2022-2119 status %q", got)
		}
		before, _ := db.FindMatches(ctx, vigil.MatchFilter{})
		if _, err := inv.Import(ctx, nil, more); err != nil {
			t.Fatal(err)
		}
		if after, _ := db.FindMatches(ctx, vigil.MatchFilter{}); len(after) != len(before) {
			t.Errorf("a re-import with no change altered the matches: %d, was %d", len(after), len(before))
		}
		if _, brk, _ := db.VerifyAuditLog(ctx); brk != nil {
			t.Errorf("audit chain broken: %+v", brk)
		}
	})
}
