package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/account"
	"github.com/vigil-health/vigil/internal/discover"
	"github.com/vigil-health/vigil/internal/gen"
	"github.com/vigil-health/vigil/internal/ingest"
	"github.com/vigil-health/vigil/internal/password"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/web"
)

func demoCommand() *command {
	return &command{
		name:    "demo",
		summary: "generate a demo hospital, load it and serve it",
		usage:   []string{"[--dir DIR] [--db DSN] [--addr HOST:PORT] [--devices N] [--seed S] [--now TIME] [--once]"},
		about: "Generates a demo hospital's raw files into --dir (as 'vigil gen'), loads them " +
			"through the real importers, discovery and feeds, evaluates every framework, writes " +
			"the signed HIPAA binder, creates an admin user and serves the web UI, printing the " +
			"URL and the password. --once does everything but serve. Progress goes to standard " +
			"error as it happens.",
		examples: []string{
			"vigil demo",
			"vigil demo --once --dir /tmp/demo --devices 150",
			"vigil demo --addr 127.0.0.1:9090 --seed 7",
		},
		run:     runDemo,
		creates: true,
	}
}

func runDemo(ctx context.Context, m *Main, args []string) error {
	fs := m.flagSet("demo")
	dir := fs.String("dir", "vigil-demo", "data directory for the demo's files and database")
	db := fs.String("db", m.Getenv("VIGIL_DB"), "database (default DIR/vigil.db; env VIGIL_DB)")
	addr := fs.String("addr", "127.0.0.1:8080", "address to serve on")
	devices := fs.Int("devices", 600, "number of devices in the demo hospital")
	seed := fs.Int64("seed", 1, "random seed for the demo hospital")
	once := fs.Bool("once", false, "generate and load, print a summary and exit without serving")
	m.evidenceDirFlag(fs)
	nowArg := fs.String("now", "", "the moment the demo's exports were taken: an RFC 3339 time or a date (default the current time, so the demo is fresh today)")
	if err := parse(fs, args); err != nil {
		return err
	}
	now, err := genNow(*nowArg)
	if err != nil {
		return err
	}
	if *db == "" {
		*db = filepath.Join(*dir, "vigil.db")
	}
	// On PostgreSQL the evidence files have no database file to sit
	// beside: the demo keeps them in its own directory, so its binder
	// holds them as on SQLite.
	if engine, _, err := store.ParseDSN(*db); err == nil && engine != "sqlite" && m.evidenceDir == "" && m.Getenv("VIGIL_EVIDENCE_DIR") == "" {
		m.evidenceDir = filepath.Join(*dir, "evidence")
	}
	prog := &demoProgress{m: m, start: time.Now()}
	if !*once {
		// A busy port is said now, not after the loading.
		if err := checkAddrFree(*addr); err != nil {
			return err
		}
	}
	prog.step("generating a hospital of %d devices (seed %d) into %s", *devices, *seed, *dir)
	files, h, err := generate(*dir, *devices, *seed, now)
	if err != nil {
		return err
	}
	prog.step("wrote %d files (%s)", len(files), prog.since())
	d, err := m.openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := loadDemo(ctx, m, d, *dir, h, prog); err != nil {
		return err
	}
	// The demo ends as an audit would: with the HIPAA binder, through the
	// same path as 'vigil binder'.
	binderArgs := []string{"--framework", "hipaa", "--out", filepath.Join(*dir, "binder-hipaa.zip"), "--db", *db}
	if *dir != "" {
		binderArgs = append(binderArgs, "--key", filepath.Join(*dir, "signing.key"))
	}
	prog.step("writing the HIPAA binder to %s", filepath.Join(*dir, "binder-hipaa.zip"))
	if err := binderExport(ctx, m, binderArgs); err != nil {
		return fmt.Errorf("writing the demo binder: %w", err)
	}
	pw, err := demoAdmin(ctx, m, d)
	if err != nil {
		return err
	}
	if err := m.printSummary(ctx, d); err != nil {
		return err
	}
	if *once {
		prog.step("done (%s)", prog.since())
		return nil
	}
	prog.step("starting the server on %s (%s)", *addr, prog.since())
	return m.serve(ctx, d, *addr, web.Config{SecureCookies: false}, func(url string) {
		fmt.Fprintf(m.Stdout, "\nVigil demo is serving on %s\nSign in as admin with password %s\nPress Ctrl-C to stop.\n", url, pw)
	})
}

// demoSources are the demo hospital's files and how each is imported: the
// same path a hospital's own exports take.
var demoSources = []struct {
	file, source, role, sheet string
	kind                      vigil.SourceKind
	columns                   map[string]string // the site's column mapping, as a --map file gives it
}{
	{gen.FileCMMS, gen.SourceCMMS, "clinical-engineering", "", vigil.SourceInventory, nil},
	{gen.FileCMDB, gen.SourceCMDB, "it", "cmdb_ci", vigil.SourceInventory, nil},
	{gen.FileNmap, gen.SourceNmap, "scanner", "", vigil.SourceScanner, nil},
}

// loadDemo imports each of the demo hospital's files through the real
// importers, in one transaction with one reconciliation.
func loadDemo(ctx context.Context, m *Main, d *store.DB, dir string, h *gen.Hospital, prog *demoProgress) error {
	svc, err := m.services(d)
	if err != nil {
		return err
	}
	// The network team's segment list comes first, through the parser of
	// 'vigil segments import', so that the evaluation the inventory's
	// import runs already knows the clinical segments.
	prog.step("loading the network segments from %s", gen.FileSegments)
	segs, err := ingest.ReadSegments(filepath.Join(dir, gen.FileSegments))
	if err != nil {
		return err
	}
	if err := svc.Compliance.SetSegments(ctx, m.actor(), segs); err != nil {
		return fmt.Errorf("loading the demo segments: %w", err)
	}
	fmt.Fprintln(m.Stdout, segmentsLine(segs, gen.FileSegments))
	var snaps []*vigil.Snapshot
	var bad []int
	for _, s := range demoSources {
		path := filepath.Join(dir, s.file)
		opt := ingest.Options{Sheet: s.sheet, Now: h.Now}
		if s.columns != nil {
			opt.Map = &ingest.MapFile{Columns: s.columns}
		}
		prog.step("reading %s (source %s)", s.file, s.source)
		res, err := ingest.Read(ctx, path, opt)
		if err != nil {
			return err
		}
		prog.step("read %d records, %d bad rows (%s)", len(res.Records), len(res.Errors), prog.since())
		snaps = append(snaps, &vigil.Snapshot{Source: vigil.Source{Name: s.source, Kind: s.kind, Role: s.role}, Files: []string{s.file}, TakenAt: h.Now, Records: res.Records})
		bad = append(bad, len(res.Errors))
	}
	prog.step("importing %d sources in one transaction: reconciling the devices, matching and evaluating every framework", len(snaps))
	results, err := svc.Inventory.ImportBatch(ctx, m.actor(), snaps)
	if err != nil {
		return fmt.Errorf("loading the demo hospital: %w", err)
	}
	for i, ir := range results {
		fmt.Fprintf(m.Stdout, "imported %-7s %5d records (%d bad rows): %d added, %d changed, %d removed\n", ir.Source, ir.Records, bad[i], ir.Added, ir.Changed, ir.Removed)
	}
	if err := demoSiteBlocks(ctx, m, svc, h); err != nil {
		return err
	}
	// The capture goes through passive discovery, with the VLANs of the
	// clinical segments as the clinical segment.
	opt, err := discoverOptions(m, "", "")
	if err != nil {
		return err
	}
	for _, sg := range segs {
		if sg.Clinical && sg.VLAN > 0 && !slices.Contains(opt.ClinicalVLANs, uint16(sg.VLAN)) {
			opt.ClinicalVLANs = append(opt.ClinicalVLANs, uint16(sg.VLAN))
		}
	}
	prog.step("imported %d devices (%s); discovering devices in %s", results[len(results)-1].Devices, prog.since(), gen.FileCapture)
	rep, err := discover.RunFiles(ctx, []string{filepath.Join(dir, gen.FileCapture)}, opt)
	if err != nil {
		return err
	}
	prog.step("discovered %d devices in %d packets, %d flows (%s); recording them and evaluating again", len(rep.Devices), rep.Stats.Packets, rep.Stats.Flows, prog.since())
	dr, err := svc.Inventory.RecordDiscovery(ctx, m.actor(), []string{gen.FileCapture}, rep, true)
	if err != nil {
		return fmt.Errorf("loading the demo capture: %w", err)
	}
	fmt.Fprintf(m.Stdout, "imported %-7s %5d devices seen on the wire, %d flows, %d findings: %d added, %d changed, %d removed\n",
		store.NetworkSource, dr.Devices, dr.Flows, dr.Findings, dr.Import.Added, dr.Import.Changed, dr.Import.Removed)
	// SBOMs, advisories and vulnerability feeds go through the same parsers
	// as 'vigil feeds import'.
	paths, err := expandFeedPaths([]string{filepath.Join(dir, gen.DirSBOM), filepath.Join(dir, gen.DirAdvisories), filepath.Join(dir, gen.DirFeeds)})
	if err != nil {
		return err
	}
	prog.step("reading %d SBOM, advisory and feed files (%s)", len(paths), prog.since())
	files, err := parseFeedFiles(ctx, paths)
	if err != nil {
		return err
	}
	prog.step("matching the vulnerabilities of %d files to the devices and evaluating again", len(files))
	fr, err := svc.Exposure.ImportFeeds(ctx, m.actor(), files)
	if err != nil {
		return fmt.Errorf("loading the demo feeds: %w", err)
	}
	fmt.Fprintf(m.Stdout, "imported feeds  %5d files: %d vulnerabilities, %d advisories, %d SBOMs, %d KEV; %d device matches\n",
		fr.Files, fr.Vulnerabilities, fr.Advisories, fr.SBOMs, fr.KEV, fr.Matches)
	prog.step("matched: %d device matches (%s); loading the vendors, agreements, MDS2 forms and end-of-life notices", fr.Matches, prog.since())
	return loadDemoVendors(ctx, m, d, dir, h, svc)
}

// demoAdmin creates the demo's admin user, or gives it a fresh password.
func demoAdmin(ctx context.Context, m *Main, d *store.DB) (string, error) {
	pw, err := password.Generate(16)
	if err != nil {
		return "", err
	}
	accounts := account.New(d, false)
	err = accounts.CreateUser(ctx, m.actor(), &vigil.User{Name: "admin", Role: vigil.RoleAdmin}, pw)
	if vigil.ErrorCode(err) == vigil.ECONFLICT {
		err = accounts.SetPassword(ctx, m.actor(), "admin", pw)
	}
	return pw, err
}

func (m *Main) printSummary(ctx context.Context, d *store.DB) error {
	c, err := d.CountDevices(ctx, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "\ninventory (%s): %d devices, %d with ePHI, %d device types\n", d.Engine(), c.Total, c.EPHI, len(c.ByType))
	for _, title := range []string{"site", "criticality"} {
		counts := c.BySite
		if title == "criticality" {
			counts = c.ByCriticality
		}
		keys := make([]string, 0, len(counts))
		for k := range counts {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(m.Stdout, "  %-12s %-32s %6d\n", title, k, counts[k])
		}
	}
	return nil
}
