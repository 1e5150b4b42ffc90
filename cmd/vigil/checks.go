package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/checks"
	"github.com/vigil-health/vigil/internal/compliance"
)

func checksCommand() *command {
	return &command{
		name:    "checks",
		summary: "device checks: checks list|show|history|test|add|edit|enable|disable",
		about: "The device checks (CEL policies in YAML files, versioned) whose verdicts on every " +
			"device decide the controls: list them, read one and its history, try a file against " +
			"the inventory, and store, edit, enable or disable checks.",
		examples: []string{
			"vigil checks list",
			"vigil checks test my-check.yaml",
			"vigil checks add my-check.yaml",
		},
		subs: []*command{
			{
				name:    "list",
				summary: "the checks in force: version, enabled, severity, controls",
				usage:   []string{"[--format table|json|csv]"},
				about:   "Lists the checks in force with their version, whether they are enabled, their severity and the controls they decide.",
				examples: []string{
					"vigil checks list",
					"vigil checks list --format csv",
				},
				run: checksList,
			},
			{
				name:    "show",
				summary: "a check's file, version, who saved it and when",
				usage:   []string{"ID [--version N] [--format table|json]"},
				about:   "Shows a check's file as stored, its version, who saved it and when; --version shows an older one.",
				examples: []string{
					"vigil checks show unsupported-os",
					"vigil checks show unsupported-os --version 1",
				},
				run: checksShow,
			},
			{
				name:    "history",
				summary: "every version of a check",
				usage:   []string{"ID [--format table|json]"},
				about:   "Lists every version of a check: who saved it, when, and whether it was enabled.",
				examples: []string{
					"vigil checks history unsupported-os",
				},
				run: checksHistory,
			},
			{
				name:    "test",
				summary: "run a check file against the current inventory, storing nothing",
				usage:   []string{"FILE [--all] [--format table|json|csv]"},
				about: "Runs a check file against every device of the current inventory and lists " +
					"each device's verdict and reason, storing nothing; --all lists the devices " +
					"the check does not apply to too.",
				examples: []string{
					"vigil checks test my-check.yaml",
					"vigil checks test my-check.yaml --all --format csv",
				},
				run: checksTest,
			},
			{
				name:    "add",
				summary: "store a new check",
				usage:   []string{"FILE [--disabled]"},
				about: "Stores a new check from a YAML file (version 1), enabled unless --disabled; the controls are evaluated again. " +
					"A check file is read whole: no more than --max-record-bytes of it (default 16MiB).",
				examples: []string{
					"vigil checks add my-check.yaml",
					"vigil checks add draft-check.yaml --disabled",
				},
				run:     checksAdd,
				creates: true,
			},
			{
				name:    "edit",
				summary: "store a new version of a check",
				usage:   []string{"ID FILE"},
				about:   "Stores a file as the next version of a check; the controls are evaluated again.",
				examples: []string{
					"vigil checks edit unsupported-os unsupported-os.yaml",
				},
				run: checksEdit,
			},
			{
				name:    "enable",
				summary: "turn a check on (a new version)",
				usage:   []string{"ID"},
				about:   "Turns a check on, as a new version; the controls are evaluated again.",
				examples: []string{
					"vigil checks enable unsupported-os",
				},
				run: func(ctx context.Context, m *Main, a []string) error { return checksEnable(ctx, m, a, true) },
			},
			{
				name:    "disable",
				summary: "turn a check off (a new version)",
				usage:   []string{"ID"},
				about:   "Turns a check off, as a new version; the controls are evaluated again.",
				examples: []string{
					"vigil checks disable unsupported-os",
				},
				run: func(ctx context.Context, m *Main, a []string) error { return checksEnable(ctx, m, a, false) },
			},
		},
	}
}

// checkSummary is a stored check version with what its file says.
type checkSummary struct {
	ID       string             `json:"id"`
	Version  int                `json:"version"`
	Enabled  bool               `json:"enabled"`
	Builtin  bool               `json:"builtin"`
	Title    string             `json:"title"`
	Severity string             `json:"severity"`
	Controls []vigil.ControlRef `json:"controls"`
	SavedBy  string             `json:"saved_by"`
	SavedAt  time.Time          `json:"saved_at"`
}

// summarizeCheck reads a stored version's title, severity and controls
// from its file.
func summarizeCheck(v *vigil.CheckVersion) checkSummary {
	s := checkSummary{ID: v.ID, Version: v.Version, Enabled: v.Enabled, Builtin: v.Builtin, SavedBy: v.SavedBy, SavedAt: v.SavedAt, Controls: []vigil.ControlRef{}}
	c, err := checks.Parse(v.ID+".yaml", []byte(v.Source))
	if err != nil {
		s.Title = "(does not parse: " + err.Error() + ")"
		return s
	}
	s.Title, s.Severity, s.Controls = c.Title, string(c.Severity), c.Controls
	return s
}

// findCheck returns the version of a check in force, or ENOTFOUND.
func findCheck(ctx context.Context, c *invCmd, id string) (*vigil.CheckVersion, error) {
	all, err := c.db.FindChecks(ctx, nil)
	if err != nil {
		return nil, err
	}
	for _, v := range all {
		if v.ID == id {
			return v, nil
		}
	}
	return nil, vigil.Errorf(vigil.ENOTFOUND, "no check %q (see 'vigil checks list')", id)
}

// checkFile reads a check file under l (readWhole), naming it in the
// error, and returns it with the compliance service that parses, tests and
// stores it.
func checkFile(c *invCmd, path string, l *bound.Limits) ([]byte, *compliance.Service, error) {
	b, err := readWhole(path, l)
	if err != nil {
		return nil, nil, err
	}
	comp, err := c.m.compliance(c.db)
	return b, comp, err
}

// wholeFileFlags adds the flag of the limit a file parsed whole (a check, a
// policy) is read under: it is one record, --max-record-bytes.
func wholeFileFlags(fs *flag.FlagSet) *bound.Limits {
	return someLimitFlags(fs, bound.LimitRecordBytes)
}

// readWhole reads a file that is parsed whole, a check or a policy, but no
// more than l.RecordBytes of it: past them it stops reading, with the
// error naming the flag. The YAML parser bounds nesting (10,000 levels)
// and alias expansion itself.
func readWhole(path string, l *bound.Limits) ([]byte, error) {
	if err := checkLimits(l); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, vigil.WrapError(vigil.EINVALID, fmt.Sprintf("cannot read %s: %v", path, pathErr(err)), err)
	}
	defer f.Close()
	max := int64(l.RecordBytes)
	b, err := io.ReadAll(bound.Reader(f, path, bound.LimitRecordBytes, max, "a file of more than %s (read whole, as one record)"))
	if _, ok := bound.AsLimitError(err); ok {
		return nil, err
	} else if err != nil {
		return nil, vigil.WrapError(vigil.EINVALID, fmt.Sprintf("cannot read %s: %v", path, pathErr(err)), err)
	}
	return b, nil
}

// checkOrigin says whether a version is Vigil's shipped text or the
// hospital's own.
func checkOrigin(builtin bool) string {
	if builtin {
		return "shipped"
	}
	return "hospital"
}
