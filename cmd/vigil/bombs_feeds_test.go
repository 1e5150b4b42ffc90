//go:build linux

package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// The bombs of vigil feeds import and POST /api/v1/feeds: every feed and
// SBOM format, every limit that holds it (docs/vulnerabilities.md,
// "Limits"). The server runs on the default limits.
func init() {
	moreBombs = append(moreBombs, func() []bomb {
		feeds := []string{"feeds", "import"}
		return []bomb{
			// gzip: an NVD page of 1.1 GiB packed in about a megabyte,
			// stopped by a lowered --max-inflated on the command line and
			// by the default 1 GiB on the command line and the server.
			{name: "nvd-inflate-64m.json.gz", want: "--max-inflated", flags: []string{"--max-inflated", "64MiB"}, args: feeds, upload: uploadFeed, write: writeNVDGzipBomb},
			{name: "nvd-inflate.json.gz", want: "--max-inflated", args: feeds, upload: uploadFeed, write: writeNVDGzipBomb},

			// JSON: CSAF and OSV nested a million deep, a 100 MB string in
			// a CSAF document, a CSAF document of 70 MB (read whole: an
			// eighth of --max-file-bytes), one of 1.1 million product
			// statuses, an NVD record of 20 MB of small values, a
			// CycloneDX SBOM nested two million deep.
			{name: "csaf-deep.json", want: "--max-depth", args: feeds, upload: uploadFeed, write: func(w *bufio.Writer) {
				w.WriteString(`{"document":{"csaf_version":"2.0","category":"csaf_security_advisory","notes":`)
				repeat(w, "[", 1_000_000)
			}},
			{name: "osv-deep.json", want: "--max-depth", args: feeds, upload: uploadFeed, write: func(w *bufio.Writer) {
				w.WriteString(`{"schema_version":"1.6.0","id":"OSV-2024-1","modified":"2024-01-01T00:00:00Z","affected":`)
				repeat(w, `[{"x":`, 1_000_000)
			}},
			{name: "csaf-string.json", want: "--max-field-bytes", args: feeds, upload: uploadFeed, write: func(w *bufio.Writer) {
				w.WriteString(`{"document":{"csaf_version":"2.0","category":"csaf_vex","title":"`)
				repeat(w, "x", 100<<20)
				w.WriteString(`"}}`)
			}},
			{name: "csaf-whole.json", want: "--max-file-bytes", args: feeds, upload: uploadFeed, write: func(w *bufio.Writer) {
				w.WriteString(`{"document":{"csaf_version":"2.0","category":"csaf_vex"`)
				repeat(w, " ", 70<<20)
				w.WriteString(`}}`)
			}},
			{name: "csaf-lists.json", want: "--max-rows", args: feeds, upload: uploadFeed, write: func(w *bufio.Writer) {
				w.WriteString(`{"document":{"csaf_version":"2.0","category":"csaf_vex"},"vulnerabilities":[{"cve":"CVE-2024-0001","product_status":{"known_affected":["a"`)
				repeat(w, `,"a"`, 1_100_000)
				w.WriteString(`]}}]}`)
			}},
			{name: "nvd-record.json", want: "--max-record-bytes", args: feeds, upload: uploadFeed, write: func(w *bufio.Writer) {
				w.WriteString(`{"resultsPerPage":1,"vulnerabilities":[{"cve":{"id":"CVE-2024-0001","references":[{"url":"a"}`)
				repeat(w, `,{"url":"a"}`, 2_000_000)
				w.WriteString(`]}}]}`)
			}},
			{name: "cdx-deep.json", want: "--max-depth", args: feeds, upload: uploadFeed, write: func(w *bufio.Writer) {
				w.WriteString(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":`)
				repeat(w, "[", 2_000_000)
			}},

			// CSV: a KEV catalog and an EPSS file with one 100 MB line, a
			// KEV header of five million columns, EPSS scores of 1.1
			// million rows (the command line lowers --max-rows).
			{name: "kev-line.csv", want: "--max-record-bytes", args: feeds, upload: uploadFeed, write: func(w *bufio.Writer) {
				w.WriteString("cveID,vendorProject,product,vulnerabilityName,dateAdded,shortDescription,requiredAction,dueDate,knownRansomwareCampaignUse,notes,cwes\nCVE-2021-44228,")
				repeat(w, "x", 100<<20)
			}},
			{name: "epss-line.csv", want: "--max-record-bytes", args: feeds, upload: uploadFeed, write: func(w *bufio.Writer) {
				w.WriteString("#model_version:v2025.03.14,score_date:")
				repeat(w, "2", 100<<20)
			}},
			{name: "kev-columns.csv", want: "--max-columns", args: feeds, upload: uploadFeed, write: func(w *bufio.Writer) {
				w.WriteString("cveID,vendorProject")
				repeat(w, ",a", 5_000_000)
			}},
			{name: "epss-rows.csv", want: "--max-rows", flags: []string{"--max-rows", "100000"}, args: feeds, upload: uploadFeed, write: func(w *bufio.Writer) {
				w.WriteString("#model_version:v2025.03.14,score_date:2025-03-17T00:00:00+0000\ncve,epss,percentile\n")
				repeat(w, "CVE-2024-0001,0.1,0.2\n", 1_100_000)
			}},

			// XML: a CycloneDX SBOM nested ten million deep, one with a
			// 50 MB component name.
			{name: "cdx-deep.xml", want: "--max-depth", args: feeds, upload: uploadFeed, write: func(w *bufio.Writer) {
				w.WriteString(`<?xml version="1.0" encoding="UTF-8"?><bom xmlns="http://cyclonedx.org/schema/bom/1.4" version="1"><components>`)
				repeat(w, "<a>", 10_000_000)
			}},
			{name: "cdx-text.xml", want: "--max-field-bytes", args: feeds, upload: uploadFeed, write: func(w *bufio.Writer) {
				w.WriteString(`<?xml version="1.0" encoding="UTF-8"?><bom xmlns="http://cyclonedx.org/schema/bom/1.4" version="1"><components><component type="library"><name>`)
				repeat(w, "a", 50<<20)
				w.WriteString(`</name></component></components></bom>`)
			}},

			// SPDX tag-value: one line of 100 MB.
			{name: "spdx-line.spdx", want: "--max-record-bytes", args: feeds, upload: uploadFeed, write: func(w *bufio.Writer) {
				w.WriteString("SPDXVersion: SPDX-2.2\nDataLicense: CC0-1.0\nSPDXID: SPDXRef-DOCUMENT\nPackageName: ")
				repeat(w, "a", 100<<20)
			}},
		}
	})
}

// uploadFeed posts the file at path to POST /api/v1/feeds.
func uploadFeed(t *testing.T, url, token, path string) (*http.Response, error) {
	return uploadBody(t, url+"/api/v1/feeds?filename="+filepath.Base(path), token, path)
}

// writeNVDGzipBomb writes an NVD page that unpacks to 1.1 GiB as gzip
// members written once and repeated: a record and 8 MiB of white space
// after it (each record stays under --max-record-bytes), 140 times.
func writeNVDGzipBomb(w *bufio.Writer) {
	member := func(s string) []byte {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		zw.Write([]byte(s))
		zw.Close()
		return b.Bytes()
	}
	w.Write(member(`{"resultsPerPage":140,"vulnerabilities":[`))
	rec := member(`{"cve":{"id":"CVE-2024-0001","published":"2024-01-01T00:00:00"}}` + strings.Repeat(" ", 8<<20) + ",")
	for range 140 {
		w.Write(rec)
	}
	w.Write(member(`{"cve":{"id":"CVE-2024-0002"}}]}`))
}

// TestFeedsUpdateLimits: a download is cut at --max-file-bytes and not
// kept; the limits reach the import of what was fetched.
func TestFeedsUpdateLimits(t *testing.T) {
	nvd := `{"resultsPerPage":1,"startIndex":0,"totalResults":1,"vulnerabilities":[{"cve":{"id":"CVE-2024-0001","published":"2024-01-01T00:00:00"}}]}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/kev.json":
			w.Write([]byte(`{"catalogVersion":"1","vulnerabilities":[` + strings.Repeat(" ", 4096) + `]}`))
		case "/nvd":
			w.Write([]byte(nvd))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	cache := filepath.Join(dir, "cache")
	update := func(flags ...string) (int, string, string) {
		return run(t, nil, append([]string{"feeds", "update", "--db", filepath.Join(dir, "v.db"), "--dir", cache,
			"--kev-url", srv.URL + "/kev.json", "--epss-url", srv.URL + "/missing.csv.gz", "--nvd-url", srv.URL + "/nvd"}, flags...)...)
	}
	code, out, stderr := update("--max-file-bytes", "1KiB")
	if code != 0 || !strings.Contains(stderr, "not fetched: CISA KEV") || !strings.Contains(stderr, "--max-file-bytes") || !strings.Contains(out, "1 vulnerability records") {
		t.Fatalf("feeds update --max-file-bytes 1KiB: exit %d\n%s\n%s", code, out, stderr)
	}
	kept, _ := filepath.Glob(filepath.Join(cache, "*kev.json"))
	if len(kept) != 0 {
		t.Errorf("the cut download was kept: %v", kept)
	}
	code, _, stderr = update("--max-depth", "1")
	if code != 1 || !strings.Contains(stderr, "--max-depth") {
		t.Errorf("feeds update --max-depth 1: exit %d\n%s", code, stderr)
	}
}
