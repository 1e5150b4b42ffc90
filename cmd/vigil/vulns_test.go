package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFeedsVulnsRiskEndToEnd(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "vigil.db")
	if code, _, stderr := run(t, nil, "demo", "--once", "--dir", dir); code != 0 {
		t.Fatalf("demo: %s", stderr)
	}
	code, out, stderr := run(t, nil, "vulns", "list", "--db", db, "--affecting", "--format", "json")
	if code != 0 {
		t.Fatalf("vulns list: %s", stderr)
	}
	var vl struct {
		Vulnerabilities []struct {
			ID      string `json:"id"`
			Devices int    `json:"devices"`
			KEV     *struct {
				DueDate string `json:"due_date"`
			} `json:"kev"`
		} `json:"vulnerabilities"`
	}
	if err := json.Unmarshal([]byte(out), &vl); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, v := range vl.Vulnerabilities {
		if v.ID == "CVE-2021-44228" {
			found = v.Devices > 0 && v.KEV != nil
		}
	}
	if !found {
		t.Fatalf("the demo's Log4Shell is not matched with its KEV entry: %s", out)
	}
	code, out, _ = run(t, nil, "vulns", "show", "CVE-2022-2119", "--db", db)
	if code != 0 || !strings.Contains(out, "affected") || !strings.Contains(out, "fixed") {
		t.Errorf("vulns show CVE-2022-2119: both affected (DCMTK 3.6.6) and fixed (3.6.7) PACS expected:\n%s", out)
	}
	code, out, stderr = run(t, nil, "risk", "list", "--db", db, "--format", "json", "--limit", "5")
	var rl struct {
		Worklist []struct {
			DeviceID int64   `json:"device_id"`
			Score    float64 `json:"score"`
			Urgency  int     `json:"urgency"`
			Factors  []struct {
				Name string `json:"name"`
			} `json:"factors"`
		} `json:"worklist"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &rl) != nil || len(rl.Worklist) != 5 || len(rl.Worklist[0].Factors) == 0 {
		t.Fatalf("risk list: %d %s %s", code, out, stderr)
	}
	// Ranked by urgency (SSVC Act, KEV ransomware, KEV overdue), then score.
	for i := 1; i < len(rl.Worklist); i++ {
		a, b := rl.Worklist[i-1], rl.Worklist[i]
		if a.Urgency < b.Urgency || a.Urgency == b.Urgency && a.Score < b.Score {
			t.Errorf("worklist not ranked at %d: %v", i, rl.Worklist)
		}
	}
	for _, format := range []string{"table", "csv"} {
		if code, _, stderr := run(t, nil, "risk", "list", "--db", db, "--format", format); code != 0 {
			t.Errorf("risk list --format %s: %s", format, stderr)
		}
	}
	code, out, _ = run(t, nil, "risk", "show", itoa64(rl.Worklist[0].DeviceID), "--db", db)
	if code != 0 || !strings.Contains(out, "FACTOR") || !strings.Contains(out, "SSVC") {
		t.Errorf("risk show: %s", out)
	}
}

func itoa64(n int64) string { b, _ := json.Marshal(n); return string(b) }

// realdata is the shared public test material, when present.
func realdata(t *testing.T, parts ...string) string {
	p := filepath.Join(append([]string{"..", "..", "..", "shared", "realdata"}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared real data not present: %v", err)
	}
	return p
}

func TestFeedsImportRealData(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	code, out, stderr := run(t, nil, "feeds", "import", "--db", db, realdata(t, "vuln"))
	if code != 0 || !strings.Contains(out, "144 advisories") {
		t.Fatalf("realdata/vuln: exit %d\n%s%s", code, out, stderr)
	}
	code, out, stderr = run(t, nil, "feeds", "import", "--db", db, realdata(t, "sbom", "cyclonedx"), realdata(t, "sbom", "spdx"))
	if code != 0 {
		t.Fatalf("realdata SBOMs: exit %d\n%s%s", code, out, stderr)
	}
	bad, _ := filepath.Glob(filepath.Join(realdata(t, "sbom", "cyclonedx-spec-testvectors"), "invalid-*.json"))
	if len(bad) == 0 {
		t.Fatal("no invalid test vectors found")
	}
	for _, f := range bad {
		code, _, stderr := run(t, nil, "feeds", "import", "--db", db, f)
		oneErrorLine(t, code, stderr, filepath.Base(f))
	}
	code, out, _ = run(t, nil, "vulns", "show", "CVE-2022-2119", "--db", db, "--format", "json")
	if code != 0 || !strings.Contains(out, "ics-cert@hq.dhs.gov") && !strings.Contains(out, "csaf:") {
		t.Errorf("CVE-2022-2119 lacks CISA's score with its source: %s", out)
	}
}

func TestFeedsUpdateFromMirror(t *testing.T) {
	kev := `{"title":"KEV","catalogVersion":"2026.11.30","dateReleased":"2026-11-30T00:00:00Z","count":1,"vulnerabilities":[{"cveID":"CVE-2021-44228","vendorProject":"Apache","product":"Log4j2","vulnerabilityName":"Log4j2 RCE","dateAdded":"2021-12-10","shortDescription":"x","requiredAction":"Apply updates.","dueDate":"2021-12-24","knownRansomwareCampaignUse":"Known","notes":"","cwes":[]}]}`
	nvd := `{"resultsPerPage":0,"startIndex":0,"totalResults":0,"format":"NVD_CVE","version":"2.0","timestamp":"2026-11-30T00:00:00.000","vulnerabilities":[]}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/kev.json":
			w.Write([]byte(kev))
		case "/nvd":
			w.Write([]byte(nvd))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	code, out, stderr := run(t, nil, "feeds", "update", "--db", filepath.Join(dir, "v.db"), "--dir", filepath.Join(dir, "cache"),
		"--kev-url", srv.URL+"/kev.json", "--epss-url", srv.URL+"/missing.csv.gz", "--nvd-url", srv.URL+"/nvd")
	if code != 0 || !strings.Contains(out, "1 KEV entries") || !strings.Contains(stderr, "not fetched: FIRST EPSS") {
		t.Fatalf("feeds update: exit %d\n%s\n%s", code, out, stderr)
	}
}
