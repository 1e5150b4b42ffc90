package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/feeds"
	"github.com/vigil-health/vigil/internal/sbom"
	"github.com/vigil-health/vigil/internal/store"
)

const feedsUsage = `usage: vigil feeds COMMAND
  import FILE|DIR...   import NVD, CVE 5, KEV, EPSS, CSAF, OSV files and CycloneDX/SPDX SBOMs (format detected)
  update [--dir DIR]   fetch CISA KEV, FIRST EPSS and recent NVD changes from their official locations, then import them
  sources              list the official feed locations`

func runFeeds(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 {
		return usagef("%s", feedsUsage)
	}
	switch args[0] {
	case "import":
		return feedsImport(ctx, m, args[1:])
	case "update":
		return feedsUpdate(ctx, m, args[1:])
	case "sources":
		t := &table{header: []string{"NAME", "FORMAT", "URL", "NOTE"}}
		for _, s := range feeds.Sources() {
			t.add(s.Name, string(s.Format), s.URL, s.Note)
		}
		return t.writeText(m.Stdout)
	}
	return usagef("unknown feeds command %q\n%s", args[0], feedsUsage)
}

// feedExts are the file names a directory import picks up.
var feedExts = []string{".json", ".xml", ".csv", ".gz", ".spdx", ".cdx"}

// expandFeedPaths lists files, walking directories for feed-like names.
func expandFeedPaths(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, vigil.Errorf(vigil.EINVALID, "cannot read %s: %v", p, pathErr(err))
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			for _, ext := range feedExts {
				if !d.IsDir() && strings.HasSuffix(strings.ToLower(path), ext) {
					out = append(out, path)
					break
				}
			}
			return nil
		})
		if err != nil {
			return nil, vigil.Errorf(vigil.EINVALID, "cannot read %s: %v", p, pathErr(err))
		}
	}
	return out, nil
}

// parseFeedFiles reads each file as parseFeedFile does.
func parseFeedFiles(ctx context.Context, paths []string) ([]store.FeedFile, error) {
	files := make([]store.FeedFile, 0, len(paths))
	for _, p := range paths {
		ff, err := parseFeedFile(ctx, p)
		if err != nil {
			return nil, err
		}
		files = append(files, ff)
	}
	return files, nil
}

// parseFeedFile reads one file as an SBOM when it looks like one, else as a feed.
func parseFeedFile(ctx context.Context, path string) (store.FeedFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return store.FeedFile{}, vigil.Errorf(vigil.EINVALID, "cannot read %s: %v", path, pathErr(err))
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 64<<10)
	head, _ := br.Peek(64 << 10)
	name := filepath.Base(path)
	if sbom.Detect(head) != sbom.FormatUnknown {
		s, err := sbom.Parse(ctx, path, br)
		if err != nil {
			return store.FeedFile{}, vigil.WrapError(vigil.EINVALID, err.Error(), err)
		}
		return store.FeedFile{Name: name, SBOM: s}, nil
	}
	b, err := feeds.Parse(ctx, path, br)
	if err != nil {
		return store.FeedFile{}, vigil.WrapError(vigil.EINVALID, err.Error(), err)
	}
	return store.FeedFile{Name: name, Batch: b}, nil
}

func feedsImport(ctx context.Context, m *Main, args []string) error {
	fs := m.flagSet("feeds import")
	db := m.dbFlag(fs)
	mfr := fs.String("manufacturer", "", "attach the SBOMs to this manufacturer (default: what each SBOM says)")
	model := fs.String("model", "", "attach the SBOMs to this model")
	firmware := fs.String("firmware", "", "attach the SBOMs to this firmware version")
	pos, err := parseInterspersed(func(a []string) error { return parse(fs, a) }, fs.Args, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("usage: vigil feeds import FILE|DIR...")
	}
	paths, err := expandFeedPaths(pos)
	if err != nil {
		return err
	}
	files, err := parseFeedFiles(ctx, paths)
	if err != nil {
		return err
	}
	for _, ff := range files {
		if ff.SBOM != nil {
			for dst, v := range map[*string]string{&ff.SBOM.Manufacturer: *mfr, &ff.SBOM.Model: *model, &ff.SBOM.Firmware: *firmware} {
				if v != "" {
					*dst = v
				}
			}
		}
	}
	d, err := openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer d.Close()
	res, err := d.ImportFeeds(ctx, m.actor(), files)
	if err != nil {
		return err
	}
	m.printFeedResult(res)
	return nil
}

func (m *Main) printFeedResult(res *store.FeedResult) {
	fmt.Fprintf(m.Stdout, "imported %d files: %d vulnerability records, %d KEV entries, %d EPSS scores, %d advisories, %d SBOMs, %d VEX statements; %d device matches\n",
		res.Files, res.Vulnerabilities, res.KEV, res.EPSS, res.Advisories, res.SBOMs, res.VEX, res.Matches)
}

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
