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
	"github.com/vigil-health/vigil/internal/bound"
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
	limits := feedLimitFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := checkLimits(limits); err != nil {
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
		if err := download(ctx, client, u, p, *limits); err != nil {
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
		if err := download(ctx, client, *nvdURL+"?"+q.Encode(), p, *limits); err != nil {
			failed = append(failed, fmt.Sprintf("NVD page %d: %v", page, err))
			break
		}
		paths = append(paths, p)
		env, err := nvdPaging(p, *limits)
		if err != nil || env.ResultsPerPage == 0 || env.StartIndex+env.ResultsPerPage >= env.TotalResults {
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
	return importFeedFiles(ctx, m, *db, paths, *limits, "", "", "")
}

// nvdPage is the paging an NVD CVE API 2.0 response starts with.
type nvdPage struct{ ResultsPerPage, StartIndex, TotalResults int }

// nvdPaging reads the paging of the NVD page at path: its members before
// the "vulnerabilities" list, held to lim; the list is never read here.
func nvdPaging(path string, lim bound.Limits) (nvdPage, error) {
	var pg nvdPage
	f, err := os.Open(path)
	if err != nil {
		return pg, err
	}
	defer f.Close()
	dec := json.NewDecoder(bound.JSON(bound.File(f, path, lim), path, lim))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return pg, fmt.Errorf("%s: not a JSON object", path)
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return pg, err
		}
		var dst *int
		switch t {
		case "resultsPerPage":
			dst = &pg.ResultsPerPage
		case "startIndex":
			dst = &pg.StartIndex
		case "totalResults":
			dst = &pg.TotalResults
		case "vulnerabilities":
			return pg, nil
		}
		if dst == nil {
			var skip json.RawMessage
			err = dec.Decode(&skip)
		} else {
			err = dec.Decode(dst)
		}
		if err != nil {
			return pg, err
		}
	}
	return pg, nil
}

// download fetches u into path, failing on any status but 200; what it
// writes is held to lim.FileBytes, the most an import would read of it.
func download(ctx context.Context, c *http.Client, u, path string, lim bound.Limits) error {
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
	if _, err := io.Copy(f, bound.File(resp.Body, u, lim)); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}
