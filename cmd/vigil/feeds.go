package main

import "context"

func feedsCommand() *command {
	return &command{
		name:    "feeds",
		summary: "vulnerability feeds and SBOMs: feeds import FILE|DIR..., feeds update, feeds sources",
		about: "Vulnerability feeds and SBOMs: NVD, CVE 5, CISA KEV, FIRST EPSS, CSAF advisories, " +
			"OSV and CycloneDX/SPDX SBOMs, imported from files offline or fetched from their " +
			"official locations; every device is matched again after each import.",
		examples: []string{
			"vigil feeds import nvd/ kev.json epss_scores.csv.gz",
			"vigil feeds update",
			"vigil feeds sources",
		},
		subs: []*command{
			{
				name:    "import",
				summary: "import feed files and SBOMs (format detected)",
				usage:   []string{"FILE|DIR... [--manufacturer M --model X [--firmware F]] [--max-file-bytes N ...]"},
				about: "Imports NVD, CVE 5, KEV, EPSS, CSAF, OSV files and CycloneDX/SPDX SBOMs, " +
					"the format of each detected; a directory is read whole. --manufacturer, " +
					"--model and --firmware attach SBOMs to a model when they do not say which. " +
					"Each file is held to the import limits as it is read, and refused whole with an " +
					"error naming the flag that raises the limit it met: --max-file-bytes (512MiB; " +
					"a CSAF document or an SBOM is read whole, up to an eighth of it), --max-inflated (gzip, 1GiB), --max-depth " +
					"(JSON and XML nesting, 64), --max-field-bytes (a JSON string, CSV value or XML text, " +
					"64KiB), --max-record-bytes (a feed record, a CSV record, a CVE 5 record, an SPDX " +
					"line, 16MiB), --max-rows (records, CSV rows, a CSAF or SBOM's list elements, " +
					"1000000), --max-columns (CSV, 1000). See docs/vulnerabilities.md, \"Limits\".",
				examples: []string{
					"vigil feeds import nvd/ kev.json epss_scores.csv.gz icsma-22-174-01.json osv/",
					"vigil feeds import --manufacturer 'GE Healthcare' --model 'Centricity PACS' --firmware '7.0 SP2' pacs.cdx.json",
					"vigil feeds import --max-file-bytes 2GiB --max-rows 5000000 osv-all.json",
				},
				run:     feedsImport,
				creates: true,
			},
			{
				name:    "update",
				summary: "fetch KEV, EPSS and recent NVD changes, then import them",
				usage:   []string{"[--dir DIR] [--nvd-since 168h] [--timeout 2m] [--max-file-bytes N ...]"},
				about: "Fetches CISA KEV, FIRST EPSS and the NVD records changed recently from their " +
					"official locations (or mirrors given with --kev-url, --epss-url, --nvd-url), " +
					"keeps the files in --dir and imports them. A download is cut at --max-file-bytes; " +
					"the files are imported under the --max-* limits of 'feeds import'.",
				examples: []string{
					"vigil feeds update",
					"vigil feeds update --dir /var/lib/vigil/feeds --nvd-since 720h",
				},
				run:     feedsUpdate,
				creates: true,
			},
			{
				name:     "sources",
				summary:  "list the official feed locations",
				about:    "Lists the official locations 'vigil feeds update' fetches from, and their formats.",
				examples: []string{"vigil feeds sources"},
				run: func(_ context.Context, m *Main, args []string) error {
					return feedsSources(m, args)
				},
			},
		},
	}
}
