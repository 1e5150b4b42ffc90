package feeds

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
)

// TestCSAFAllICSMA imports every ICSMA advisory in the shared real data.
func TestCSAFAllICSMA(t *testing.T) {
	dir := realdata(t, "vuln", "csaf-icsma")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Skipf("no advisories: %v", err)
	}
	cves := map[string]bool{}
	c := NewCorpus()
	for _, f := range files {
		b := parseFile(t, f)
		if b.Format != FormatCSAF || len(b.Advisories) != 1 {
			t.Fatalf("%s: format %q, %d advisories", f, b.Format, len(b.Advisories))
		}
		a := b.Advisories[0]
		if a.ID == "" || a.Released.IsZero() || len(a.Products) == 0 {
			t.Errorf("%s: id %q released %v products %d", f, a.ID, a.Released, len(a.Products))
		}
		for _, id := range a.CVEs {
			cves[id] = true
		}
		c.Add(b)
	}
	if len(files) != 144 {
		t.Errorf("%d advisory files, want 144", len(files))
	}
	if len(cves) != 428 {
		t.Errorf("%d distinct CVEs, want 428 (REPORT.md)", len(cves))
	}
	if len(c.Advisories) != len(files) {
		t.Errorf("corpus has %d advisories, want %d", len(c.Advisories), len(files))
	}
}

// TestCSAFGEBrokenNames: ICSMA-20-023-01 writes "CVE-2020- 6962" inside product
// names; only the advisory's own vulnerability entries may yield CVE ids.
func TestCSAFGEBrokenNames(t *testing.T) {
	b := parseFile(t, realdata(t, "vuln", "csaf-icsma", "icsma-20-023-01.json"))
	a := b.Advisories[0]
	want := []string{"CVE-2020-6961", "CVE-2020-6962", "CVE-2020-6963", "CVE-2020-6964", "CVE-2020-6965", "CVE-2020-6966"}
	got := slices.Clone(a.CVEs)
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CVEs (-want +got):\n%s", diff)
	}
	broken := false
	for _, p := range a.Products {
		if strings.Contains(p.Name, "CVE-2020- 6962") {
			broken = true
		}
	}
	if !broken {
		t.Fatal("fixture changed: no product name with the broken CVE id")
	}
	var ids []string
	for _, v := range b.Vulnerabilities {
		ids = append(ids, v.ID)
	}
	for _, s := range a.Statuses {
		ids = append(ids, s.VulnID)
	}
	for _, r := range a.Remediations {
		ids = append(ids, r.VulnID)
	}
	for _, id := range ids {
		if !slices.Contains(want, id) {
			t.Errorf("invented vulnerability id %q", id)
		}
	}
	var apex *vigil.AdvisoryProduct
	for i := range a.Products {
		if a.Products[i].ID == "CSAFPID-0005" {
			apex = &a.Products[i]
		}
	}
	if apex == nil || apex.Vendor != "General Electric (GE)" || apex.Product != "ApexPro Telemetry Server" || apex.VersionRange != "<= 4.2" {
		t.Errorf("CSAFPID-0005 = %+v", apex)
	}
}

func TestCSAFScoresKeepSource(t *testing.T) {
	c := NewCorpus()
	c.Add(parseFile(t, realdata(t, "vuln", "csaf-icsma", "icsma-20-317-01.json")))
	c.Add(parseFile(t, realdata(t, "vuln", "nvd-2.0", "CVE-2020-25165.json")))
	c.Add(parseFile(t, realdata(t, "vuln", "csaf-icsma", "icsma-22-174-01.json")))
	c.Add(parseFile(t, realdata(t, "vuln", "nvd-2.0", "CVE-2022-2119.json")))
	for id, want := range map[string]map[string]float64{
		"CVE-2020-25165": {"csaf:ICSMA-20-317-01": 6.5, "nvd@nist.gov": 7.5},
		"CVE-2022-2119":  {"csaf:ICSMA-22-174-01": 7.5, "nvd@nist.gov": 9.8},
	} {
		v := c.Vulns[id]
		if v == nil {
			t.Fatalf("%s missing", id)
		}
		got := map[string]float64{}
		for _, s := range v.Scores {
			if _, ok := want[s.Source]; ok && strings.HasPrefix(s.Version, "3") {
				got[s.Source] = s.Base
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s scores by source (-want +got):\n%s", id, diff)
		}
		if !slices.Contains(v.Sources, "nvd") || len(v.Configurations) == 0 {
			t.Errorf("%s: sources %v, %d configurations", id, v.Sources, len(v.Configurations))
		}
	}
}

func TestCSAFICSMAinKEV(t *testing.T) {
	kev := parseFile(t, realdata(t, "vuln", "kev", "known_exploited_vulnerabilities.json"))
	inKEV := map[string]bool{}
	for _, k := range kev.KEV {
		inKEV[k.CVE] = true
	}
	files, _ := filepath.Glob(filepath.Join(realdata(t, "vuln", "csaf-icsma"), "*.json"))
	hits := map[string]bool{}
	pairs := 0
	for _, f := range files {
		for _, id := range parseFile(t, f).Advisories[0].CVEs {
			if inKEV[id] {
				hits[id] = true
				pairs++
			}
		}
	}
	if len(hits) != 11 || pairs != 12 {
		t.Errorf("%d distinct ICSMA CVEs in KEV in %d pairs, want 11 in 12 (REPORT.md): %v", len(hits), pairs, hits)
	}
}

func TestCSAFVEX(t *testing.T) {
	in := `{"document":{"category":"csaf_vex","csaf_version":"2.0","title":"t","publisher":{"name":"Acme"},
	"tracking":{"id":"ACME-1","initial_release_date":"2024-01-01T00:00:00Z","current_release_date":"2024-01-01T00:00:00Z"}},
	"product_tree":{"branches":[{"category":"vendor","name":"Acme","branches":[{"category":"product_name","name":"Pump",
	"branches":[{"category":"product_version","name":"1.0","product":{"name":"Acme Pump 1.0","product_id":"P1"}},
	{"category":"product_version_range","name":"vers:generic/<2.0","product":{"name":"Acme Pump < 2.0","product_id":"P2"}}]}]}],
	"product_groups":[{"group_id":"G1","product_ids":["P1","P2"]}]},
	"vulnerabilities":[{"cve":"CVE-2024-0001","product_status":{"known_not_affected":["P1"],"known_affected":["P2"]},
	"flags":[{"label":"vulnerable_code_not_in_execute_path","product_ids":["P1"]}],
	"threats":[{"category":"exploit_status","details":"none known","group_ids":["G1"]}],
	"remediations":[{"category":"no_fix_planned","details":"retire it","group_ids":["G1"]}],
	"scores":[{"cvss_v3":{"version":"3.1","vectorString":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H","baseScore":9.8,"baseSeverity":"CRITICAL"},"products":["P2"]}]}]}`
	b, err := ParseFormat(t.Context(), FormatCSAF, "vex.json", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []vigil.VEXStatement{{VulnID: "CVE-2024-0001", Product: "Acme Pump 1.0", Status: vigil.StatusNotAffected,
		Justification: "vulnerable_code_not_in_execute_path", Source: "csaf:ACME-1"}}
	if diff := cmp.Diff(want, b.VEX); diff != "" {
		t.Errorf("VEX (-want +got):\n%s", diff)
	}
	a := b.Advisories[0]
	if got := a.Remediations[0]; got.Category != vigil.RemediationNoFixPlanned || len(got.ProductIDs) != 2 {
		t.Errorf("remediation = %+v", got)
	}
	if len(a.Statuses) != 2 || a.Category != "csaf_vex" {
		t.Errorf("statuses %+v category %q", a.Statuses, a.Category)
	}
}

var cveLike = regexp.MustCompile(`CVE-\d{4}-\d{4,}`)

func TestCSAFNoCVEsFromNames(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(realdata(t, "vuln", "csaf-icsma"), "*.json"))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b := parseFile(t, f)
		for _, v := range b.Vulnerabilities {
			if !cveLike.MatchString(v.ID) || !strings.Contains(string(raw), `"cve": "`+v.ID+`"`) {
				t.Errorf("%s: vulnerability %q is not a \"cve\" field of the advisory", f, v.ID)
			}
		}
	}
}
