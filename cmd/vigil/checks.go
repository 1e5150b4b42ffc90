package main

import (
	"context"
	"fmt"
	"os"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/checks"
	"github.com/vigil-health/vigil/internal/compliance"
)

const checksUsage = `usage: vigil checks COMMAND
  list [--format table|json|csv]     the checks in force: version, enabled, severity, controls
  show ID [--version N]              a check's file, version, who saved it and when
  history ID [--format table|json]   every version of a check
  test FILE [--all] [--format ...]   run a check file against the current inventory, storing nothing
  add FILE [--disabled]              store a new check
  edit ID FILE                       store a new version of a check
  enable ID | disable ID             turn a check on or off (a new version)`

func runChecks(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 {
		return usagef("%s", checksUsage)
	}
	sub := map[string]func(context.Context, *Main, []string) error{
		"list": checksList, "show": checksShow, "history": checksHistory, "test": checksTest,
		"add": checksAdd, "edit": checksEdit,
		"enable":  func(ctx context.Context, m *Main, a []string) error { return checksEnable(ctx, m, a, true) },
		"disable": func(ctx context.Context, m *Main, a []string) error { return checksEnable(ctx, m, a, false) },
	}[args[0]]
	if sub == nil {
		return usagef("unknown checks command %q\n%s", args[0], checksUsage)
	}
	return sub(ctx, m, args[1:])
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

// checkFile reads a check file, naming it in the error, and returns it
// with the compliance service that parses, tests and stores it.
func checkFile(c *invCmd, path string) ([]byte, *compliance.Service, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, vigil.WrapError(vigil.EINVALID, fmt.Sprintf("cannot read %s: %v", path, pathErr(err)), err)
	}
	comp, err := c.m.compliance(c.db)
	return b, comp, err
}

// checkOrigin says whether a version is Vigil's shipped text or the
// hospital's own.
func checkOrigin(builtin bool) string {
	if builtin {
		return "shipped"
	}
	return "hospital"
}
