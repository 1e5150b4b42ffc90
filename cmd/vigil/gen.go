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

// demoEpoch is the generator's fixed "now" so that a seed always gives the
// same files.
var demoEpoch = time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)

func genCommand() *command {
	return &command{
		name:    "gen",
		summary: "write a generated demo hospital's raw files",
		usage:   []string{"--out DIR [--devices N] [--seed S]"},
		about: "Writes a realistic two-site hospital as the raw files a hospital has: a CMMS " +
			"export, an IT CMDB workbook, an nmap scan, the segment list, a capture of clinical " +
			"traffic, SBOMs, advisories and feeds, the vendor side and the ground truth. The " +
			"same seed gives the same bytes. It writes no database ('vigil demo' loads them).",
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
	seed := fs.Int64("seed", 1, "random seed: the same seed gives the same files")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usagef("--out DIR is required")
	}
	files, _, err := generate(*out, *devices, *seed)
	if err != nil {
		return err
	}
	for _, f := range files {
		fmt.Fprintf(m.Stdout, "%-36s %10d bytes\n", f.Name, f.Size)
	}
	return nil
}

// generate writes a demo hospital into dir.
func generate(dir string, devices int, seed int64) ([]gen.File, *gen.Hospital, error) {
	if devices < 1 || devices > 1_000_000 {
		return nil, nil, usagef("--devices must be between 1 and 1000000")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, vigil.WrapError(vigil.EUNAVAILABLE, fmt.Sprintf("cannot create the directory %s: %v", dir, pathErr(err)), err)
	}
	h, err := gen.Generate(gen.Options{Seed: seed, Devices: devices, Now: demoEpoch})
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
