package main

import (
	"context"
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
		return feedsSources(m, args[1:])
	}
	return usagef("unknown feeds command %q\n%s", args[0], feedsUsage)
}
