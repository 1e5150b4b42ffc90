package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// feedsUpdate fetches the feeds that are single downloads or an
// incremental API (KEV, EPSS, NVD changes since the last update) into a
// directory, then imports them like files. Bulk archives (CVE List, OSV,
// the CISA CSAF repository) are left to 'feeds import' on a downloaded copy.
func feedsUpdate(ctx context.Context, m *Main, args []string) error {
	fs := m.flagSet("feeds update")
	db := m.dbFlag(fs)
	dir := fs.String("dir", "feeds-cache", "directory to keep the downloaded files in")
	kevURL := fs.String("kev-url", "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json", "CISA KEV JSON location")
	epssURL := fs.String("epss-url", "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz", "FIRST EPSS daily file location")
	nvdURL := fs.String("nvd-url", "https://services.nvd.nist.gov/rest/json/cves/2.0", "NVD CVE API 2.0 location")
	since := fs.Duration("nvd-since", 7*24*time.Hour, "fetch NVD records modified in this window")
	timeout := fs.Duration("timeout", 2*time.Minute, "per-request timeout")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return vigil.Errorf(vigil.EUNAVAILABLE, "cannot create %s: %v", *dir, pathErr(err))
	}
	client := &http.Client{Timeout: *timeout}
	stamp := time.Now().UTC().Format("20060102T150405Z")
	var paths []string
	var failed []string
	fetch := func(name, u, file string) {
		p := filepath.Join(*dir, stamp+"-"+file)
		if err := download(ctx, client, u, p); err != nil {
			failed = append(failed, fmt.Sprintf("%s: %v", name, err))
			return
		}
		paths = append(paths, p)
	}
	fetch("CISA KEV", *kevURL, "kev.json")
	fetch("FIRST EPSS", *epssURL, "epss.csv.gz")
	end := time.Now().UTC()
	start := end.Add(-*since)
	for page, idx := 0, 0; ; page++ {
		q := url.Values{"lastModStartDate": {start.Format("2006-01-02T15:04:05.000Z")}, "lastModEndDate": {end.Format("2006-01-02T15:04:05.000Z")},
			"resultsPerPage": {"2000"}, "startIndex": {strconv.Itoa(idx)}}
		p := filepath.Join(*dir, fmt.Sprintf("%s-nvd-%03d.json", stamp, page))
		if err := download(ctx, client, *nvdURL+"?"+q.Encode(), p); err != nil {
			failed = append(failed, fmt.Sprintf("NVD page %d: %v", page, err))
			break
		}
		paths = append(paths, p)
		var env struct{ ResultsPerPage, StartIndex, TotalResults int }
		b, _ := os.ReadFile(p)
		if json.Unmarshal(b, &env) != nil || env.ResultsPerPage == 0 || env.StartIndex+env.ResultsPerPage >= env.TotalResults {
			break
		}
		idx = env.StartIndex + env.ResultsPerPage
		time.Sleep(6 * time.Second) // NVD's public rate limit without an API key
	}
	for _, f := range failed {
		fmt.Fprintf(m.Stderr, "not fetched: %s\n", f)
	}
	if len(paths) == 0 {
		return vigil.Errorf(vigil.EUNAVAILABLE, "no feed could be fetched (is this network offline? copy the files over and use 'vigil feeds import')")
	}
	return feedsImport(ctx, m, append([]string{"--db", *db}, paths...))
}

// download fetches u into path, failing on any status but 200.
func download(ctx context.Context, c *http.Client, u, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("User-Agent", "vigil feeds update")
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %s", resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, io.LimitReader(resp.Body, 2<<30)); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}
