package main

import (
	"context"
	"flag"
	"strconv"
	"strings"

	vigil "github.com/vigil-health/vigil"
)

// frameworkSummary is one framework of 'vigil controls list --format json'.
type frameworkSummary struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Version  string `json:"version"`
	Source   string `json:"source"`
	Proposed bool   `json:"proposed"`
	Imported bool   `json:"imported"`
	Controls int    `json:"controls"`
}

func controlsList(ctx context.Context, m *Main, args []string) error {
	var framework *string
	c, pos, err := openInv(ctx, m, "controls list", args, []string{"table", "json"}, func(fs *flag.FlagSet) {
		framework = fs.String("framework", "", "list this framework's controls")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) > 0 {
		return usagef("usage: vigil controls list [--framework ID] [--format table|json]")
	}
	cat, err := c.catalog(ctx)
	if err != nil {
		return err
	}
	if *framework != "" {
		fw, err := cat.Framework(*framework)
		if err != nil {
			return frameworkErr(*framework)
		}
		return emit(m.Stdout, c.format, fw, func() *table { return controlTable(fw.Controls) })
	}
	imported, err := c.db.FindFrameworks(ctx)
	if err != nil {
		return err
	}
	isImported := map[string]bool{}
	for _, fw := range imported {
		isImported[fw.ID] = true
	}
	var out []frameworkSummary
	for _, fw := range cat.Frameworks() {
		out = append(out, frameworkSummary{ID: fw.ID, Title: fw.Title, Version: fw.Version, Source: fw.Source,
			Proposed: fw.Proposed, Imported: isImported[fw.ID], Controls: len(fw.Controls)})
	}
	return emit(m.Stdout, c.format, map[string]any{"frameworks": out}, func() *table {
		t := &table{header: []string{"ID", "CONTROLS", "STATUS", "TITLE", "VERSION"}}
		for _, f := range out {
			status := "in force"
			switch {
			case f.Proposed:
				status = "proposed"
			case f.Imported:
				status = "imported"
			}
			t.add(f.ID, strconv.Itoa(f.Controls), status, f.Title, f.Version)
		}
		return t
	})
}

// controlTable is one row per control, children indented under parents.
func controlTable(cs []vigil.Control) *table {
	depth := map[string]int{}
	t := &table{header: []string{"ID", "KIND", "REQUIREMENT", "TITLE"}}
	for _, ctl := range cs {
		d := 0
		if ctl.Parent != "" {
			d = depth[ctl.Parent] + 1
		}
		depth[ctl.ID] = d
		req := string(ctl.Requirement)
		if ctl.Tier != "" {
			req = strings.TrimPrefix(req+" "+ctl.Tier, " ")
		}
		if ctl.Withdrawn {
			req = strings.TrimPrefix(req+" withdrawn", " ")
		}
		t.add(strings.Repeat("  ", d)+ctl.ID, string(ctl.Kind), req, firstLine(ctl.Title))
	}
	return t
}

// firstLine returns s up to its first line break.
func firstLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return s[:i] + " ..."
	}
	return s
}
