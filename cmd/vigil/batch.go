package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/ingest"
)

// batchFile is the manifest `vigil import --batch` reads: every source of a
// nightly sync, recorded in one transaction with one reconciliation.
//
//	sources:
//	  - name: cmms
//	    role: clinical-engineering
//	    files: [exports/cmms.csv]
//	  - name: cmdb
//	    role: it
//	    sheet: cmdb_ci
//	    map: cmdb-map.yaml
//	    files: [exports/cmdb.xlsx]
//	  - name: nmap
//	    files: [scans/clinical.xml]
//
// Relative paths are relative to the manifest's directory.
type batchFile struct {
	Sources []batchSource `yaml:"sources"`
}

type batchSource struct {
	Name   string   `yaml:"name"`
	Kind   string   `yaml:"kind"`   // default: scanner for nmap XML, else inventory
	Role   string   `yaml:"role"`   // precedence role
	Map    string   `yaml:"map"`    // YAML column map file
	Sheet  string   `yaml:"sheet"`  // XLSX sheet
	Format string   `yaml:"format"` // force csv, xlsx, nmap or jsonl
	Files  []string `yaml:"files"`
}

// loadBatchFile reads and checks a manifest.
func loadBatchFile(path string) (*batchFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, vigil.WrapError(vigil.EINVALID, fmt.Sprintf("cannot read the manifest %s: %v", path, pathErr(err)), err)
	}
	var bf batchFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&bf); err != nil && !errors.Is(err, io.EOF) {
		return nil, vigil.Errorf(vigil.EINVALID, "%s: %v", path, err)
	}
	if len(bf.Sources) == 0 {
		return nil, vigil.Errorf(vigil.EINVALID, "%s: no sources listed", path)
	}
	dir := filepath.Dir(path)
	seen := map[string]bool{}
	for i := range bf.Sources {
		s := &bf.Sources[i]
		switch {
		case s.Name == "":
			return nil, vigil.Errorf(vigil.EINVALID, "%s: source %d has no name", path, i+1)
		case seen[s.Name]:
			return nil, vigil.Errorf(vigil.EINVALID, "%s: source %q is listed twice", path, s.Name)
		case len(s.Files) == 0:
			return nil, vigil.Errorf(vigil.EINVALID, "%s: source %q lists no files", path, s.Name)
		}
		seen[s.Name] = true
		for j, f := range s.Files {
			if !filepath.IsAbs(f) {
				s.Files[j] = filepath.Join(dir, f)
			}
		}
		if s.Map != "" && !filepath.IsAbs(s.Map) {
			s.Map = filepath.Join(dir, s.Map)
		}
	}
	return &bf, nil
}

// readBatch reads every file of every source, several at a time (one per
// core), and returns one snapshot per source in the manifest's order with
// each file's result. The first error, in manifest order, wins.
func readBatch(ctx context.Context, bf *batchFile, now time.Time, strict bool, lim ingest.Limits) ([]*vigil.Snapshot, [][]*ingest.Result, error) {
	type job struct{ src, file int }
	var jobs []job
	results := make([][]*ingest.Result, len(bf.Sources))
	errs := make([][]error, len(bf.Sources))
	for i, s := range bf.Sources {
		results[i] = make([]*ingest.Result, len(s.Files))
		errs[i] = make([]error, len(s.Files))
		for j := range s.Files {
			jobs = append(jobs, job{i, j})
		}
	}
	var wg sync.WaitGroup
	next := make(chan job)
	for range min(runtime.GOMAXPROCS(0), len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for jb := range next {
				s := bf.Sources[jb.src]
				opt := ingest.Options{Format: s.Format, Sheet: s.Sheet, MapFile: s.Map, Strict: strict, Now: now, Limits: lim}
				results[jb.src][jb.file], errs[jb.src][jb.file] = ingest.Read(ctx, s.Files[jb.file], opt)
			}
		}()
	}
	for _, jb := range jobs {
		next <- jb
	}
	close(next)
	wg.Wait()
	snaps := make([]*vigil.Snapshot, len(bf.Sources))
	for i, s := range bf.Sources {
		snap := &vigil.Snapshot{Source: vigil.Source{Name: s.Name, Kind: vigil.SourceKind(s.Kind), Role: s.Role}, TakenAt: now}
		for j, res := range results[i] {
			if err := errs[i][j]; err != nil {
				return nil, nil, err
			}
			if snap.Source.Kind == "" {
				snap.Source.Kind = res.Kind()
			}
			snap.Files = append(snap.Files, filepath.Base(s.Files[j]))
			snap.Records = append(snap.Records, res.Records...)
		}
		snaps[i] = snap
	}
	return snaps, results, nil
}
