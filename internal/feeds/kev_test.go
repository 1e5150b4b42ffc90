package feeds

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestKEVJSONAndCSVAgree(t *testing.T) {
	j := parseFile(t, realdata(t, "vuln", "kev", "known_exploited_vulnerabilities.json"))
	c := parseFile(t, realdata(t, "vuln", "kev", "known_exploited_vulnerabilities.csv"))
	if j.Format != FormatKEVJSON || c.Format != FormatKEVCSV {
		t.Fatalf("formats %q %q", j.Format, c.Format)
	}
	if len(j.KEV) != 1404 || j.KEVCatalogVersion != "2025.08.25" {
		t.Errorf("JSON: %d entries, version %q; want 1404, 2025.08.25", len(j.KEV), j.KEVCatalogVersion)
	}
	if len(c.KEV) != len(j.KEV) {
		t.Fatalf("CSV has %d entries, JSON %d", len(c.KEV), len(j.KEV))
	}
	byID := map[string]*vigil.KEVEntry{}
	for _, k := range c.KEV {
		byID[k.CVE] = k
	}
	for _, k := range j.KEV {
		o := byID[k.CVE]
		if o == nil || !o.DateAdded.Equal(k.DateAdded) || !o.DueDate.Equal(k.DueDate) || o.RansomwareUse != k.RansomwareUse {
			t.Errorf("%s: JSON %+v, CSV %+v", k.CVE, k, o)
		}
	}
	m := byID["CVE-2023-43208"]
	if m == nil || !m.DateAdded.Equal(date(2024, 5, 20)) || m.VendorProject != "NextGen Healthcare" {
		t.Errorf("CVE-2023-43208 = %+v", m)
	}
}

func TestEPSSTimeSeries(t *testing.T) {
	b := parseFile(t, realdata(t, "vuln", "epss", "CVE-2023-43208.epss.excerpt.csv"))
	if b.Format != FormatEPSSSeries || len(b.EPSS) != 20 {
		t.Fatalf("format %q, %d rows", b.Format, len(b.EPSS))
	}
	at := map[string]float64{}
	for _, r := range b.EPSS {
		if r.CVE != "CVE-2023-43208" {
			t.Fatalf("CVE %q", r.CVE)
		}
		at[r.Date.Format("2006-01-02")] = r.Score
	}
	for d, want := range map[string]float64{"2024-04-30": 0.00349, "2024-05-01": 0.45639, "2024-05-21": 0.94574} {
		if at[d] != want {
			t.Errorf("EPSS on %s = %v, want %v", d, at[d], want)
		}
	}
	latest := LatestEPSS(b.EPSS)["CVE-2023-43208"]
	if latest.Model != "v4" {
		t.Errorf("latest model %q, want v4", latest.Model)
	}
}

const dailyEPSS = "#model_version:v2025.03.14,score_date:2025-03-17T00:00:00+0000\ncve,epss,percentile\nCVE-2023-43208,0.94316,0.9994\nCVE-1999-0001,0.01,0.5\n"

func TestEPSSDailyGzip(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(dailyEPSS))
	zw.Close()
	b, err := Parse(context.Background(), "epss_scores-2025-03-17.csv.gz", &buf)
	if err != nil {
		t.Fatal(err)
	}
	want := []vigil.EPSSRecord{
		{CVE: "CVE-2023-43208", EPSS: vigil.EPSS{Score: 0.94316, Percentile: 0.9994, Date: date(2025, 3, 17), Model: "v2025.03.14"}},
		{CVE: "CVE-1999-0001", EPSS: vigil.EPSS{Score: 0.01, Percentile: 0.5, Date: date(2025, 3, 17), Model: "v2025.03.14"}},
	}
	if diff := cmp.Diff(want, b.EPSS); diff != "" {
		t.Errorf("EPSS (-want +got):\n%s", diff)
	}
}

const cve5Sample = `{"dataType":"CVE_RECORD","dataVersion":"5.1","cveMetadata":{"cveId":"CVE-2022-2119","state":"PUBLISHED","datePublished":"2022-06-24T00:00:00Z"},
"containers":{"cna":{"providerMetadata":{"shortName":"icscert"},"descriptions":[{"lang":"en","value":"DCMTK path traversal"}],
"affected":[{"vendor":"OFFIS","product":"DCMTK","defaultStatus":"unaffected","versions":[{"version":"0","lessThan":"3.6.7","status":"affected","versionType":"custom"}]}],
"metrics":[{"cvssV3_1":{"version":"3.1","vectorString":"CVSS:3.1/AV:A/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H","baseScore":7.5,"baseSeverity":"HIGH"}}],
"problemTypes":[{"descriptions":[{"cweId":"CWE-22"}]}]}}}`

func TestCVE5(t *testing.T) {
	b, err := Parse(context.Background(), "CVE-2022-2119.json", strings.NewReader(cve5Sample))
	if err != nil {
		t.Fatal(err)
	}
	v := b.Vulnerabilities[0]
	want := []vigil.Affected{{Vendor: "OFFIS", Product: "DCMTK", Default: vigil.StatusNotAffected,
		Versions: []vigil.AffectedRange{{Version: "0", VersionRange: vigil.VersionRange{EndExcluding: "3.6.7"}, Status: vigil.StatusAffected}}}}
	if diff := cmp.Diff(want, v.Affected); diff != "" {
		t.Errorf("affected (-want +got):\n%s", diff)
	}
	if len(v.Scores) != 1 || v.Scores[0].Source != "icscert" || v.Scores[0].Base != 7.5 || v.CWEs[0] != "CWE-22" {
		t.Errorf("scores %+v cwes %v", v.Scores, v.CWEs)
	}
}

const osvRecord1 = `{"schema_version":"1.6.0","id":"GHSA-xxxx","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2024-1111"],
"summary":"bad","affected":[{"package":{"ecosystem":"Maven","name":"com.fasterxml.jackson.core:jackson-databind"},
"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"2.0.0"},{"fixed":"2.6.7.4"},{"introduced":"2.7.0"},{"last_affected":"2.9.10"}]}]}],
"severity":[{"type":"CVSS_V3","score":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N"}]}`

func TestOSV(t *testing.T) {
	for _, in := range []string{osvRecord1, "[" + osvRecord1 + "]"} {
		b, err := Parse(context.Background(), "osv.json", strings.NewReader(in))
		if err != nil {
			t.Fatal(err)
		}
		v := b.Vulnerabilities[0]
		if v.ID != "CVE-2024-1111" || v.Aliases[0] != "GHSA-xxxx" {
			t.Errorf("id %q aliases %v", v.ID, v.Aliases)
		}
		want := []vigil.Affected{{Ecosystem: "Maven", Product: "com.fasterxml.jackson.core:jackson-databind",
			PURL: "pkg:maven/com.fasterxml.jackson.core/jackson-databind",
			Versions: []vigil.AffectedRange{
				{VersionRange: vigil.VersionRange{StartIncluding: "2.0.0", EndExcluding: "2.6.7.4"}, Status: vigil.StatusAffected},
				{VersionRange: vigil.VersionRange{StartIncluding: "2.7.0", EndIncluding: "2.9.10"}, Status: vigil.StatusAffected},
			}}}
		if diff := cmp.Diff(want, v.Affected); diff != "" {
			t.Errorf("affected (-want +got):\n%s", diff)
		}
	}
}

// TestCorrupt: a corrupt feed gives an error naming the file and position
// and no batch at all.
func TestCorrupt(t *testing.T) {
	kev, err := os.ReadFile(realdata(t, "vuln", "kev", "known_exploited_vulnerabilities.json"))
	if err != nil {
		t.Fatal(err)
	}
	csvKEV, err := os.ReadFile(realdata(t, "vuln", "kev", "known_exploited_vulnerabilities.csv"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, in, want string
	}{
		{"kev-truncated.json", string(kev[:len(kev)/2]), "kev-truncated.json: KEV catalog at byte"},
		{"kev-bad-date.json", strings.Replace(string(kev), `"dateAdded": "2025-08-25"`, `"dateAdded": "yesterday"`, 1), "record 0 (CVE-2025-48384): dateAdded"},
		{"kev-bad.csv", string(csvKEV[:2000]) + "\"unterminated\n", "kev-bad.csv: line"},
		{"nvd.json", `{"resultsPerPage":1,"vulnerabilities":[{"cve":{"id":"CVE-1","configurations":[{"nodes":[{"cpeMatch":[{"criteria":"cpe:2.3:x:a"}]}]}]}}]}`, "record 0 (CVE-1): configuration 0 node 0 match 0"},
		{"nvd2.json", `{"resultsPerPage":1,"vulnerabilities":[{"cve":{"id":"CVE-1"}}, {"cve":{"id":5}}]}`, "nvd2.json: NVD CVE 2.0 at byte"},
		{"epss.csv", "cve,epss,percentile\nCVE-2020-0001,1.5,0.2\n", "epss.csv: line 2: epss"},
		{"epss2.csv", "#model_version:v1,score_date:2025-01-01\ncve,epss,percentile\nCVE-2020-0001,0.5,0.2\nnope,0.1,0.1\n", "epss2.csv: line 4"},
		{"series.csv", "date,model,epss,percentile\n2024-01-01,v3,0.1,0.2\n", "needs the CVE id in its file name"},
		{"csaf.json", `{"document":{"csaf_version":"2.0","tracking":{"id":"X","initial_release_date":"2024"}}}`, "csaf.json: tracking.initial_release_date"},
		{"csaf2.json", `{"document":{"csaf_version":"2.0","tracking":{"id":"X"}},"vulnerabilities":[{"cve":"CVE-2020- 6962"}]}`, "vulnerabilities[0].cve"},
		{"cve5.json", `{"dataType":"CVE_RECORD","dataVersion":"5.0","cveMetadata":{"cveId":"CVE-2020-1"}}`, "is not a CVE id"},
		{"osv.json", `[{"id":"X","modified":"2024-01-01T00:00:00Z","affected":[]},{"modified":"x","affected":[]}]`, "record 1"},
		{"empty.json", ``, "unrecognised feed format"},
	}
	for _, tt := range tests {
		b, err := Parse(context.Background(), tt.name, strings.NewReader(tt.in))
		if err == nil {
			t.Errorf("%s: no error", tt.name)
			continue
		}
		if b != nil {
			t.Errorf("%s: partial batch returned with error", tt.name)
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %q does not contain %q", tt.name, err, tt.want)
		}
	}
}

func TestParseCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Parse(ctx, "k.json", strings.NewReader(`{"catalogVersion":"1","count":1,"vulnerabilities":[{"cveID":"CVE-2020-0001","dateAdded":"2020-01-01"}]}`))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{osvRecord1, cve5Sample, dailyEPSS, "cveID,vendorProject,product,vulnerabilityName,dateAdded,shortDescription,requiredAction,dueDate,knownRansomwareCampaignUse\n",
		`{"resultsPerPage":1,"vulnerabilities":[{"cve":{"id":"CVE-1"}}]}`, `{"document":{"csaf_version":"2.0","tracking":{"id":"X"}}}`,
		`{"catalogVersion":"1","vulnerabilities":[]}`, "date,model,epss,percentile\n2024-01-01,v3,0.1,0.2\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Parse(context.Background(), "CVE-2020-0001.fuzz", bytes.NewReader(data))
		if err != nil && b != nil {
			t.Fatal("batch returned with an error")
		}
		if err != nil && !strings.Contains(err.Error(), "CVE-2020-0001.fuzz") {
			t.Fatalf("error does not name the file: %v", err)
		}
		if err == nil && b == nil {
			t.Fatal("nil batch without an error")
		}
	})
}
