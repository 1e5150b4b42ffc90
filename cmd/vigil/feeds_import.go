package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/exposure"
)

func feedsImport(ctx context.Context, m *Main, args []string) error {
	fs := m.flagSet("feeds import")
	db := m.dbFlag(fs)
	mfr := fs.String("manufacturer", "", "attach the SBOMs to this manufacturer (default: what each SBOM says)")
	model := fs.String("model", "", "attach the SBOMs to this model")
	firmware := fs.String("firmware", "", "attach the SBOMs to this firmware version")
	limits := feedLimitFlags(fs)
	pos, err := parseInterspersed(func(a []string) error { return parse(fs, a) }, fs.Args, args)
	if err != nil {
		return err
	}
	if err := checkLimits(limits); err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("usage: vigil feeds import FILE|DIR...")
	}
	paths, err := expandFeedPaths(pos)
	if err != nil {
		return err
	}
	return importFeedFiles(ctx, m, *db, paths, *limits, *mfr, *model, *firmware)
}

// importFeedFiles reads every file under lim, then (only when all were
// read) imports them into the database at dsn in one change; mfr, model
// and firmware, when set, say what the SBOMs describe.
func importFeedFiles(ctx context.Context, m *Main, dsn string, paths []string, lim bound.Limits, mfr, model, firmware string) error {
	files, err := readFeedFiles(ctx, paths, lim)
	if err != nil {
		return err
	}
	for _, ff := range files {
		if ff.SBOM != nil {
			for dst, v := range map[*string]string{&ff.SBOM.Manufacturer: mfr, &ff.SBOM.Model: model, &ff.SBOM.Firmware: firmware} {
				if v != "" {
					*dst = v
				}
			}
		}
	}
	d, err := m.openDB(ctx, dsn)
	if err != nil {
		return err
	}
	defer d.Close()
	exp, err := m.exposure(d)
	if err != nil {
		return err
	}
	res, err := exp.ImportFeeds(ctx, m.actor(), files)
	if err != nil {
		return err
	}
	m.printFeedResult(res)
	return nil
}

func (m *Main) printFeedResult(res *vigil.FeedResult) {
	fmt.Fprintf(m.Stdout, "imported %d files: %d vulnerability records, %d KEV entries, %d EPSS scores, %d advisories, %d SBOMs, %d VEX statements; %d device matches\n",
		res.Files, res.Vulnerabilities, res.KEV, res.EPSS, res.Advisories, res.SBOMs, res.VEX, res.Matches)
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

// feedLimitFlags adds the flags of the limits a feed or SBOM is held to:
// every one applies (see docs/vulnerabilities.md, "Limits").
func feedLimitFlags(fs *flag.FlagSet) *bound.Limits {
	return someLimitFlags(fs, bound.LimitFileBytes, bound.LimitRows, bound.LimitColumns, bound.LimitFieldBytes,
		bound.LimitRecordBytes, bound.LimitDepth, bound.LimitInflated)
}

// parseFeedFiles reads each file as parseFeedFile does, under the default
// limits.
func parseFeedFiles(ctx context.Context, paths []string) ([]exposure.FeedFile, error) {
	return readFeedFiles(ctx, paths, bound.Default())
}

// readFeedFiles reads each file as parseFeedFile does, held to lim.
func readFeedFiles(ctx context.Context, paths []string, lim bound.Limits) ([]exposure.FeedFile, error) {
	files := make([]exposure.FeedFile, 0, len(paths))
	for _, p := range paths {
		ff, err := parseFeedFile(ctx, p, lim)
		if err != nil {
			return nil, err
		}
		files = append(files, ff)
	}
	return files, nil
}

// parseFeedFile reads one file as an SBOM when it looks like one, else as
// a feed, held to lim.
func parseFeedFile(ctx context.Context, path string, lim bound.Limits) (exposure.FeedFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return exposure.FeedFile{}, vigil.Errorf(vigil.EINVALID, "cannot read %s: %v", path, pathErr(err))
	}
	defer f.Close()
	ff, err := exposure.ReadFeedFileLimits(ctx, path, f, lim)
	ff.Name = filepath.Base(path)
	return ff, err
}
