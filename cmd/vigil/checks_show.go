package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
)

func checksShow(ctx context.Context, m *Main, args []string) error {
	var version *int
	c, pos, err := openInv(ctx, m, "checks show", args, []string{"table", "json"}, func(fs *flag.FlagSet) {
		version = fs.Int("version", 0, "show this version instead of the one in force")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 {
		return usagef("usage: vigil checks show ID [--version N] [--format table|json]")
	}
	var v *vigil.CheckVersion
	if *version == 0 {
		v, err = findCheck(ctx, c, pos[0])
	} else {
		v, err = checkVersion(ctx, c, pos[0], *version)
	}
	if err != nil {
		return err
	}
	s := summarizeCheck(v)
	if c.format == "json" {
		return writeJSONOut(m.Stdout, struct {
			checkSummary
			Source string `json:"source"`
		}{s, v.Source})
	}
	fmt.Fprintf(m.Stdout, "%s version %d, %s, saved by %s at %s\n", s.ID, s.Version, enabledWord(s.Enabled), s.SavedBy, s.SavedAt.Format(time.RFC3339))
	if s.Builtin {
		fmt.Fprintln(m.Stdout, "shipped with Vigil, not edited")
	}
	fmt.Fprintf(m.Stdout, "%s (%s)\ncontrols: %s\n\n", s.Title, s.Severity, refsText(s))
	fmt.Fprint(m.Stdout, strings.TrimRight(v.Source, "\n")+"\n")
	return nil
}

// checkVersion returns one version of a check.
func checkVersion(ctx context.Context, c *invCmd, id string, n int) (*vigil.CheckVersion, error) {
	hist, err := c.db.CheckHistory(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, v := range hist {
		if v.Version == n {
			return v, nil
		}
	}
	if len(hist) == 0 {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "no check %q (see 'vigil checks list')", id)
	}
	return nil, vigil.Errorf(vigil.ENOTFOUND, "check %s has versions 1 to %d, not %d", id, len(hist), n)
}
