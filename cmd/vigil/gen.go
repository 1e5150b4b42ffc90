package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/gen"
)

func genCommand() *command {
	return &command{
		name:    "gen",
		summary: "write a generated demo hospital's raw files",
		usage:   []string{"--out DIR [--devices N] [--seed S] [--now TIME]"},
		about: "Writes a realistic two-site hospital as the raw files a hospital has: a CMMS " +
			"export, an IT CMDB workbook, an nmap scan, the segment list, a capture of clinical " +
			"traffic, SBOMs, advisories and feeds, the vendor side and the ground truth. The " +
			"same seed and --now give the same bytes; every date in them is drawn relative to " +
			"--now, the current time by default. It writes no database ('vigil demo' loads them).",
		examples: []string{
			"vigil gen --out hospital",
			"vigil gen --out big-hospital --devices 20000 --seed 7",
		},
		run: runGen,
	}
}

func runGen(ctx context.Context, m *Main, args []string) error {
	fs := m.flagSet("gen")
	out := fs.String("out", "", "directory to write the hospital's files into (required)")
	devices := fs.Int("devices", 600, "number of devices")
	seed := fs.Int64("seed", 1, "random seed: the same seed and --now give the same files")
	nowArg := fs.String("now", "", "the moment the exports were taken, which every date in them is drawn relative to: an RFC 3339 time or a date (default the current time)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("--out DIR is required")
	}
	now, err := genNow(*nowArg)
	if err != nil {
		return err
	}
	files, _, err := generate(*out, *devices, *seed, now)
	if err != nil {
		return err
	}
	for _, f := range files {
		fmt.Fprintf(m.Stdout, "%-36s %10d bytes\n", f.Name, f.Size)
	}
	return nil
}

// genNow reads --now: an RFC 3339 time, a date (its midnight, UTC), or ""
// for the current time to the second, so that a hospital generated today
// is fresh today: its last sightings, PM dates and agreements are drawn
// relative to it, and nothing goes stale by the calendar alone.
func genNow(s string) (time.Time, error) {
	if s == "" {
		return time.Now().UTC().Truncate(time.Second), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Time{}, usagef("--now must be a date (2006-01-02) or an RFC 3339 time")
}

// generate writes a demo hospital, as exported at now, into dir.
func generate(dir string, devices int, seed int64, now time.Time) ([]gen.File, *gen.Hospital, error) {
	if devices < 1 || devices > 1_000_000 {
		return nil, nil, usagef("--devices must be between 1 and 1000000")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, vigil.WrapError(vigil.EUNAVAILABLE, fmt.Sprintf("cannot create the directory %s: %v", dir, pathErr(err)), err)
	}
	h, err := gen.Generate(gen.Options{Seed: seed, Devices: devices, Now: now})
	if err != nil {
		return nil, nil, err
	}
	files, err := h.WriteFiles(dir, gen.Capture{}, gen.Vulns{}, gen.OversightFiles{})
	if err != nil {
		return nil, nil, vigil.WrapError(vigil.EUNAVAILABLE, fmt.Sprintf("cannot write the hospital's files into %s: %v", dir, pathErr(err)), err)
	}
	return files, h, nil
}

// pathErr reduces a file-system error to its reason ("read-only file
// system", "permission denied"), without repeating the path.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
