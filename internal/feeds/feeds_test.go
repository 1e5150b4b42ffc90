package feeds

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// realdata returns the path of a shared real-data file, skipping the test
// when the shared tree is absent.
func realdata(t testing.TB, parts ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{"..", "..", "..", "shared", "realdata"}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("real data not present: %v", err)
	}
	return p
}

func parseFile(t testing.TB, path string) *Batch {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := Parse(context.Background(), filepath.Base(path), f)
	if err != nil {
		t.Fatalf("Parse(%s): %v", path, err)
	}
	return b
}

func TestDetect(t *testing.T) {
	tests := []struct {
		head string
		want Format
	}{
		{`{"resultsPerPage":1,"vulnerabilities":[]}`, FormatNVD},
		{`{"id":"CVE-1","sourceIdentifier":"x","vulnStatus":"Analyzed"}`, FormatNVD},
		{"\ufeff" + `{"dataType":"CVE_RECORD","cveMetadata":{}}`, FormatCVE5},
		{`{"title":"x","catalogVersion":"1","vulnerabilities":[]}`, FormatKEVJSON},
		{"cveID,vendorProject,product\n", FormatKEVCSV},
		{"#model_version:v2025.03.14,score_date:2025-03-17T00:00:00+0000\ncve,epss,percentile\n", FormatEPSS},
		{"cve,epss,percentile\n", FormatEPSS},
		{"date,model,epss,percentile\n", FormatEPSSSeries},
		{`{"document":{"csaf_version":"2.0"}}`, FormatCSAF},
		{`{"schema_version":"1.6.0","id":"GHSA-x"}`, FormatOSV},
		{`[{"id":"GO-2022-0001","modified":"2022-01-01T00:00:00Z","affected":[]}]`, FormatOSV},
		{`{"bomFormat":"CycloneDX"}`, FormatUnknown},
		{"", FormatUnknown},
		{"hello", FormatUnknown},
	}
	for _, tt := range tests {
		if got := Detect("x", []byte(tt.head)); got != tt.want {
			t.Errorf("Detect(%.40q) = %q, want %q", tt.head, got, tt.want)
		}
	}
}

func TestNVDRealData(t *testing.T) {
	dir := realdata(t, "vuln", "nvd-2.0")
	want := map[string]struct {
		configs int
		nvdBase float64
		kev     bool
	}{
		"CVE-2020-6961":  {6, 10.0, false},
		"CVE-2020-25165": {2, 7.5, false},
		"CVE-2022-2119":  {1, 9.8, false},
		"CVE-2023-43208": {1, 9.8, true},
	}
	for id, w := range want {
		b := parseFile(t, filepath.Join(dir, id+".json"))
		if b.Format != FormatNVD || len(b.Vulnerabilities) != 1 {
			t.Fatalf("%s: format %q, %d records", id, b.Format, len(b.Vulnerabilities))
		}
		v := b.Vulnerabilities[0]
		if v.ID != id {
			t.Errorf("id = %q, want %q", v.ID, id)
		}
		if len(v.Configurations) != w.configs {
			t.Errorf("%s: %d configurations, want %d", id, len(v.Configurations), w.configs)
		}
		var nvd float64
		for _, s := range v.Scores {
			if s.Source == "nvd@nist.gov" && strings.HasPrefix(s.Version, "3") {
				nvd = s.Base
			}
		}
		if nvd != w.nvdBase {
			t.Errorf("%s: NVD CVSS 3 base = %v, want %v", id, nvd, w.nvdBase)
		}
		if (v.KEV != nil) != w.kev {
			t.Errorf("%s: KEV = %v, want present=%v", id, v.KEV, w.kev)
		}
		if v.Description == "" || v.Published.IsZero() {
			t.Errorf("%s: empty description or published date", id)
		}
	}
	b := parseFile(t, filepath.Join(dir, "CVE-2023-43208.json"))
	if got := b.Vulnerabilities[0].KEV.DateAdded; !got.Equal(time.Date(2024, 5, 20, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("CVE-2023-43208 cisaExploitAdd = %v, want 2024-05-20", got)
	}
	// CVE-2022-2119 keeps both CISA's 7.5 and NVD's 9.8 with their sources.
	b = parseFile(t, filepath.Join(dir, "CVE-2022-2119.json"))
	var got []string
	for _, s := range b.Vulnerabilities[0].Scores {
		if s.Version == "3.1" {
			got = append(got, s.Source+"="+ftoa(s.Base))
		}
	}
	if diff := cmp.Diff([]string{"ics-cert@hq.dhs.gov=7.5", "nvd@nist.gov=9.8"}, got); diff != "" {
		t.Errorf("CVE-2022-2119 scores (-want +got):\n%s", diff)
	}
}

func TestNVDEnvelope(t *testing.T) {
	in := `{"resultsPerPage":2,"startIndex":0,"totalResults":2,"format":"NVD_CVE","version":"2.0","timestamp":"2024-01-01T00:00:00.000",
	"vulnerabilities":[{"cve":{"id":"CVE-2024-0001","published":"2024-01-01T00:00:00.000","lastModified":"2024-01-02T00:00:00.000",
	"descriptions":[{"lang":"en","value":"x"}],"configurations":[{"nodes":[{"operator":"OR","cpeMatch":[{"vulnerable":true,"criteria":"cpe:2.3:a:v:p:*:*:*:*:*:*:*:*","versionEndExcluding":"2.0"}]}]}]}},
	{"cve":{"id":"CVE-2024-0002","published":"2024-01-01T00:00:00.000"}}]}`
	b, err := Parse(context.Background(), "page.json", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Vulnerabilities) != 2 || b.Vulnerabilities[0].Configurations[0].Nodes[0].Matches[0].EndExcluding != "2.0" {
		t.Fatalf("got %+v", b.Vulnerabilities)
	}
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// TestExploitReports checks that NVD references tagged Exploit are kept as
// exploit reports on the real NVD records (two for CVE-2023-43208, none for
// the others), and which CSAF exploit_status texts report an exploit.
func TestExploitReports(t *testing.T) {
	dir := realdata(t, "vuln", "nvd-2.0")
	want := map[string][]string{
		"CVE-2023-43208": {
			"http://packetstormsecurity.com/files/176920/Mirth-Connect-4.4.0-Remote-Command-Execution.html",
			"https://www.horizon3.ai/nextgen-mirth-connect-remote-code-execution-vulnerability-cve-2023-43208/",
		},
		"CVE-2022-2119": nil, "CVE-2020-6961": nil, "CVE-2020-25165": nil,
	}
	for id, w := range want {
		got := parseFile(t, filepath.Join(dir, id+".json")).Vulnerabilities[0].Exploits
		if diff := cmp.Diff(w, got); diff != "" {
			t.Errorf("%s exploits (-want +got):\n%s", id, diff)
		}
	}
	for details, reports := range map[string]bool{
		"Exploit code is publicly available.":                              true,
		"Exploits that target this vulnerability are publicly available.":  true,
		"Exploited in the wild":                                            true,
		"No known public exploits specifically target this vulnerability.": false,
		"CISA is not aware of any exploitation of this vulnerability.":     false,
		"High attack complexity.":                                          false,
	} {
		if got := ReportsExploit(details); got != reports {
			t.Errorf("ReportsExploit(%q) = %v, want %v", details, got, reports)
		}
	}
}
