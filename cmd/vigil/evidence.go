package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/blob"
	"github.com/vigil-health/vigil/internal/evidence"
	"github.com/vigil-health/vigil/internal/store"
)

func evidenceCommand() *command {
	return &command{
		name:    "evidence",
		summary: "the evidence repository: evidence add|list|show|get|verify",
		about: "The evidence repository: files that show a control is met, content-addressed " +
			"and versioned, tied to controls, areas and devices, with the period they speak " +
			"for. Every evidence command takes --evidence-dir (env VIGIL_EVIDENCE_DIR); the " +
			"default is the directory \"evidence\" beside the SQLite file. PostgreSQL has no " +
			"such file: set one of them.",
		examples: []string{
			"vigil evidence add review.pdf --title 'Q3 access review' --control hipaa:164.308(a)(4)(i)",
			"vigil evidence list --control hipaa:164.308(a)(4)(i)",
			"vigil evidence verify",
		},
		subs: []*command{
			{
				name:    "add",
				summary: "store a file as evidence (a new version with --supersedes)",
				usage:   []string{"FILE --title T --control FW:ID... [--device D]... [--area A]... [--effective FROM[..TO]] [--expires DATE] [--collected DATE] [--supersedes ID]"},
				about: "Stores a file as evidence of one or more controls (and devices or areas), " +
					"with the period it speaks for and when it goes stale; --supersedes stores it " +
					"as the next version of existing evidence. A file over --max-file-bytes (default 512MiB) " +
					"is refused as it is stored, and nothing of it is kept.",
				examples: []string{
					"vigil evidence add review.pdf --title 'Q3 access review' --control hipaa:164.308(a)(4)(i) --area access-control --effective 2026-07-01..2026-09-30 --expires 2027-01-01",
					"vigil evidence add pump-patch.pdf --title 'Pump firmware 9.2' --control csf2:PR.PS-02 --device BME-00042 --supersedes 12",
				},
				run:     evidenceAdd,
				creates: true,
			},
			{
				name:    "list",
				summary: "the evidence on file, filtered",
				usage:   []string{"[--control FW:ID] [--area A] [--device D] [--all-versions] [--format table|json|csv]"},
				about:   "Lists the evidence on file (the newest version of each unless --all-versions), filtered by control, area or device.",
				examples: []string{
					"vigil evidence list --control hipaa:164.308(a)(4)(i)",
					"vigil evidence list --device BME-00042 --all-versions --format json",
				},
				run: evidenceList,
			},
			{
				name:    "show",
				summary: "one piece of evidence and its versions",
				usage:   []string{"ID [--format table|json]"},
				about:   "Shows one piece of evidence: its record, what it supports, and every version.",
				examples: []string{
					"vigil evidence show 12",
				},
				run: evidenceShow,
			},
			{
				name:    "get",
				summary: "write its file out (refused if it changed)",
				usage:   []string{"ID --out FILE"},
				about:   "Writes the evidence's file to --out (- for standard output), refused if the file no longer has the hash it was stored with.",
				examples: []string{
					"vigil evidence get 12 --out review.pdf",
				},
				run: evidenceGet,
			},
			{
				name:    "verify",
				summary: "hash every file, check every record against the audit trail",
				usage:   []string{"[--format table|json]"},
				about:   "Hashes every evidence file and checks every record against the audit trail; exits 1 naming every changed or missing file or record.",
				examples: []string{
					"vigil evidence verify",
				},
				run: evidenceVerify,
			},
		},
	}
}

// evidenceDirFlag registers --evidence-dir on a command's flags.
func (m *Main) evidenceDirFlag(fs *flag.FlagSet) {
	fs.StringVar(&m.evidenceDir, "evidence-dir", "", "directory of the evidence files (env VIGIL_EVIDENCE_DIR; default: evidence/ beside the SQLite file)")
}

// evidenceRepo returns the evidence service over d, its files in
// --evidence-dir, VIGIL_EVIDENCE_DIR or the directory "evidence" beside the
// SQLite file; cats resolves the controls. On PostgreSQL with neither set it
// returns nil: the commands that need the evidence say so
// (evidenceService), the others run without gathering automatic evidence.
func (m *Main) evidenceRepo(d *store.DB, cats evidence.Catalogs) (*evidence.Service, error) {
	dir := m.evidenceDir
	if dir == "" {
		dir = m.Getenv("VIGIL_EVIDENCE_DIR")
	}
	if dir == "" {
		file, err := d.File(context.Background())
		if err != nil {
			return nil, err
		}
		if file == "" {
			return nil, nil
		}
		dir = filepath.Join(filepath.Dir(file), "evidence")
	}
	bs, err := blob.Open(dir)
	if err != nil {
		return nil, vigil.WrapError(vigil.EUNAVAILABLE, fmt.Sprintf("cannot open the evidence directory %s: %v", dir, pathErr(err)), err)
	}
	return evidence.New(d, bs, cats), nil
}

// evidenceService returns the wired evidence service, for the commands
// that cannot work without it.
func (m *Main) evidenceService(d *store.DB) (*evidence.Service, error) {
	s, err := m.services(d)
	if err != nil {
		return nil, err
	}
	ev := s.Evidence
	if ev == nil {
		err = vigil.Errorf(vigil.EINVALID, "the database is PostgreSQL, which has no directory to keep evidence files beside: give --evidence-dir DIR or set VIGIL_EVIDENCE_DIR")
	}
	return ev, err
}

// openEvidence parses an evidence command's flags and opens the store and
// the repository.
func openEvidence(ctx context.Context, m *Main, name string, args []string, formats []string, extra func(fs *flag.FlagSet)) (*invCmd, *evidence.Service, []string, error) {
	c, pos, err := openInv(ctx, m, "evidence "+name, args, formats, func(fs *flag.FlagSet) {
		m.evidenceDirFlag(fs)
		if extra != nil {
			extra(fs)
		}
	})
	if err != nil {
		return nil, nil, nil, err
	}
	ev, err := m.evidenceService(c.db)
	if err != nil {
		c.db.Close()
		return nil, nil, nil, err
	}
	return c, ev, pos, nil
}

func evidenceID(s string) (int64, error) {
	id, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
	if err != nil || id < 1 {
		return 0, usagef("%q is not an evidence id", s)
	}
	return id, nil
}

// evidenceRow is the table row of a piece of evidence.
func evidenceRow(e *vigil.Evidence) []string {
	ctrls := make([]string, len(e.Controls))
	for i, c := range e.Controls {
		ctrls[i] = c.String()
	}
	areas := make([]string, len(e.Areas))
	for i, a := range e.Areas {
		areas[i] = string(a)
	}
	by := e.AddedBy
	if e.Auto {
		by += " (auto)"
	}
	return []string{strconv.FormatInt(e.ID, 10), "v" + strconv.Itoa(e.Version), e.Title, strings.Join(areas, ","), strings.Join(ctrls, " "),
		period(e), day(e.CollectedAt), by, e.Key[:12]}
}

var evidenceHeader = []string{"ID", "VERSION", "TITLE", "AREAS", "CONTROLS", "EFFECTIVE", "COLLECTED", "ADDED_BY", "KEY"}

func period(e *vigil.Evidence) string {
	if e.EffectiveTo.IsZero() {
		return day(e.EffectiveFrom) + ".."
	}
	return day(e.EffectiveFrom) + ".." + day(e.EffectiveTo)
}
