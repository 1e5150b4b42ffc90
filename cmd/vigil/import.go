package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/atomicfile"
	"github.com/vigil-health/vigil/internal/ingest"
)

func importCommand() *command {
	return &command{
		name:    "import",
		summary: "import inventory files: import --source NAME FILE...",
		usage: []string{
			"--source NAME [--kind K] [--role R] [--map FILE] [--sheet NAME] [--format F] [--dry-run [--write-map FILE]] [--strict] FILE...",
			"--batch MANIFEST [--dry-run] [--strict]",
		},
		about: "Imports a source's export (CSV, XLSX, nmap XML or JSON Lines, detected) as one " +
			"snapshot of that source, in one transaction, and reconciles the inventory; " +
			"importing the source again reports what was added, changed and removed. Columns " +
			"are mapped from their headers (--map overrides); --dry-run shows the mapping and " +
			"the first rows and writes nothing. --batch imports every source a YAML manifest " +
			"lists with one reconciliation. The database is created if it does not exist.",
		examples: []string{
			"vigil import --source cmms --role clinical-engineering cmms_export.csv",
			"vigil import --source cmdb --role it --sheet cmdb_ci cmdb.xlsx",
			"vigil import --source nmap scan.xml",
			"vigil import --source cmms --dry-run --write-map cmms.yaml cmms_export.csv",
			"vigil import --batch nightly.yaml",
		},
		run:     runImport,
		creates: true,
	}
}

func runImport(ctx context.Context, m *Main, args []string) error {
	fs := m.flagSet("import")
	db := m.dbFlag(fs)
	source := fs.String("source", "", "source name, e.g. cmms or cmdb (required)")
	kind := enumFlag(fs, "kind", "source kind: inventory, scanner, network or manual (default: scanner for nmap XML, else inventory)", vigil.SourceInventory, vigil.SourceScanner, vigil.SourceNetwork, vigil.SourceManual)
	role := enumFlag(fs, "role", "source role for precedence: clinical-engineering, it, scanner, network or other", vigil.SourceRoles...)
	mapFile := fs.String("map", "", "YAML column mapping file that overrides the automatic mapping")
	sheet := fs.String("sheet", "", "XLSX sheet to read (default: the first)")
	format := enumFlag(fs, "format", "force the file format: csv, xlsx, nmap or jsonl (default: detected)", "csv", "xlsx", "nmap", "jsonl")
	dry := fs.Bool("dry-run", false, "show the column mapping and the first rows without writing")
	strict := fs.Bool("strict", false, "make any bad row fatal")
	rows := fs.Int("rows", 5, "rows to show with --dry-run")
	batch := fs.String("batch", "", "a YAML manifest listing several sources and their files, imported in one transaction with one reconciliation")
	writeMap := fs.String("write-map", "", "with --dry-run: write the column mapping as a map file to FILE, to edit and pass back with --map")
	limits := limitFlags(fs)
	// Flags may follow the files: "vigil import --source x a.csv --db v.db".
	files, err := parseInterspersed(func(a []string) error { return parse(fs, a) }, fs.Args, args)
	if err != nil {
		return err
	}
	if err := checkLimits(limits); err != nil {
		return err
	}
	if *writeMap != "" && !*dry {
		return usagef("--write-map writes the map a dry run found: add --dry-run")
	}
	if *batch != "" {
		if *source != "" || len(files) > 0 || *kind != "" || *role != "" || *mapFile != "" || *sheet != "" || *format != "" || *writeMap != "" {
			return usagef("usage: vigil import --batch MANIFEST [--dry-run] [--strict]: the manifest names the sources, files, roles, maps and sheets")
		}
		return runImportBatch(ctx, m, *db, *batch, *dry, *strict, *rows, *limits)
	}
	switch {
	case *source == "":
		return usagef("--source NAME is required: the source the files come from, such as cmms or cmdb (or --batch MANIFEST)")
	case len(files) == 0:
		return usagef("no FILE to import as source %q", *source)
	}
	opt := ingest.Options{Format: *format, Sheet: *sheet, MapFile: *mapFile, Strict: *strict, Now: time.Now().UTC(), Limits: *limits}
	snap := &vigil.Snapshot{Source: vigil.Source{Name: *source, Kind: vigil.SourceKind(*kind), Role: *role}, TakenAt: opt.Now}
	var bad int
	var results []*ingest.Result
	for _, path := range files {
		res, err := ingest.Read(ctx, path, opt)
		if err != nil {
			return err
		}
		if snap.Source.Kind == "" {
			snap.Source.Kind = ingest.SourceKindOf(res.Format)
		}
		snap.Files = append(snap.Files, filepath.Base(path))
		snap.Records = append(snap.Records, res.Records...)
		bad += m.reportRows(res)
		results = append(results, res)
		if *dry {
			m.printDryRun(res, *rows)
		}
	}
	if *writeMap != "" {
		err := atomicfile.Write(*writeMap, 0o644, func(f *os.File) error { return ingest.WriteMapFile(f, results...) })
		if err != nil {
			return vigil.WrapError(vigil.EUNAVAILABLE, fmt.Sprintf("cannot write %s: %v", *writeMap, pathErr(err)), err)
		}
		fmt.Fprintf(m.Stdout, "wrote the column map to %s: edit it and import with --map %s\n", *writeMap, *writeMap)
	}
	if *dry {
		fmt.Fprintf(m.Stdout, "\ndry run: %d records would be imported as source %q (%s); %d bad rows; nothing written\n", len(snap.Records), *source, snap.Source.Kind, bad)
		return nil
	}
	d, err := m.openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer d.Close()
	inv, err := m.inventory(d)
	if err != nil {
		return err
	}
	res, err := inv.Import(ctx, m.actor(), snap)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "imported %d records from %s as source %q: %d added, %d changed, %d removed since its last snapshot; %d bad rows skipped; inventory now %d devices\n",
		res.Records, strings.Join(snap.Files, ", "), res.Source, res.Added, res.Changed, res.Removed, bad, res.Devices)
	return nil
}

// printDryRun shows how a file's columns were mapped and its first rows.
func (m *Main) printDryRun(res *ingest.Result, n int) {
	fmt.Fprintf(m.Stdout, "%s: %s", res.File, res.Format)
	if res.Encoding != "" {
		fmt.Fprintf(m.Stdout, ", %s", res.Encoding)
	}
	if res.Delim != "" {
		fmt.Fprintf(m.Stdout, ", delimiter %q", res.Delim)
	}
	if res.Sheet != "" {
		fmt.Fprintf(m.Stdout, ", sheet %q", res.Sheet)
	}
	fmt.Fprintf(m.Stdout, ", %d records, %d bad rows\n", len(res.Records), res.BadRows())
	if len(res.Mapping) > 0 {
		t := &table{header: []string{"COLUMN", "HEADER", "FIELD", "HOW"}}
		for _, c := range res.Mapping {
			t.add(fmt.Sprint(c.Column+1), c.Header, c.Field, c.How)
		}
		t.writeText(m.Stdout)
	}
	fields := map[string]bool{}
	for _, r := range res.Records[:min(n, len(res.Records))] {
		for f := range r.Fields.All() {
			fields[f] = true
		}
	}
	var cols []string
	for _, f := range vigil.Fields {
		if fields[f] {
			cols = append(cols, f)
		}
	}
	t := &table{header: append([]string{"ORIGIN"}, cols...)}
	for _, r := range res.Records[:min(n, len(res.Records))] {
		row := []string{r.Origin.String()}
		for _, c := range cols {
			row = append(row, r.Fields.Get(c))
		}
		t.add(row...)
	}
	fmt.Fprintln(m.Stdout)
	t.writeText(m.Stdout)
}

// runImportBatch imports every source a manifest lists in one transaction.
func runImportBatch(ctx context.Context, m *Main, dsn, manifest string, dry, strict bool, rows int, lim ingest.Limits) error {
	bf, err := loadBatchFile(manifest)
	if err != nil {
		return err
	}
	snaps, results, err := readBatch(ctx, bf, time.Now().UTC(), strict, lim)
	if err != nil {
		return err
	}
	bad := make([]int, len(snaps))
	for i, rs := range results {
		for _, res := range rs {
			bad[i] += m.reportRows(res)
			if dry {
				m.printDryRun(res, rows)
			}
		}
	}
	if dry {
		fmt.Fprintln(m.Stdout)
		for i, snap := range snaps {
			fmt.Fprintf(m.Stdout, "dry run: %d records would be imported as source %q (%s); %d bad rows\n", len(snap.Records), snap.Source.Name, snap.Source.Kind, bad[i])
		}
		fmt.Fprintln(m.Stdout, "nothing written")
		return nil
	}
	d, err := m.openDB(ctx, dsn)
	if err != nil {
		return err
	}
	defer d.Close()
	inv, err := m.inventory(d)
	if err != nil {
		return err
	}
	out, err := inv.ImportBatch(ctx, m.actor(), snaps)
	if err != nil {
		return err
	}
	for i, res := range out {
		fmt.Fprintf(m.Stdout, "imported %d records from %s as source %q: %d added, %d changed, %d removed since its last snapshot; %d bad rows skipped\n",
			res.Records, strings.Join(snaps[i].Files, ", "), res.Source, res.Added, res.Changed, res.Removed, bad[i])
	}
	fmt.Fprintf(m.Stdout, "inventory now %d devices\n", out[0].Devices)
	return nil
}

// reportRows lists a file's unmapped columns, skipped rows and dropped
// values on stderr and returns how many rows were skipped. Unmapped columns
// are reported on every import, not only a dry run: a nightly sync must not
// drop a column unseen.
func (m *Main) reportRows(res *ingest.Result) int {
	if n := len(res.Unmapped); n > 0 {
		quoted := make([]string, 0, min(n, 13))
		for i, h := range res.Unmapped {
			if i == 12 {
				quoted = append(quoted, fmt.Sprintf("and %d more", n-i))
				break
			}
			quoted = append(quoted, ingest.Quote(h))
		}
		fmt.Fprintf(m.Stderr, "%s: %d column(s) map to no field and are not imported: %s (name them in a --map file; --dry-run --write-map FILE writes one)\n",
			res.File, n, strings.Join(quoted, ", "))
	}
	for _, e := range res.Errors {
		fmt.Fprintf(m.Stderr, "skipped %s\n", e.Error())
	}
	if res.ErrorsOmitted > 0 {
		fmt.Fprintf(m.Stderr, "%s: %d more bad rows skipped, not listed\n", res.File, res.ErrorsOmitted)
	}
	for _, e := range res.Warnings {
		fmt.Fprintf(m.Stderr, "warning %s\n", e.Error())
	}
	if res.WarningsOmitted > 0 {
		fmt.Fprintf(m.Stderr, "%s: %d more values dropped, not listed\n", res.File, res.WarningsOmitted)
	}
	return res.BadRows()
}
