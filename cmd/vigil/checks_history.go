package main

import (
	"context"
	"strconv"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
)

func checksHistory(ctx context.Context, m *Main, args []string) error {
	c, pos, err := openInv(ctx, m, "checks history", args, []string{"table", "json"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 {
		return usagef("usage: vigil checks history ID [--format table|json]")
	}
	hist, err := c.db.CheckHistory(ctx, pos[0])
	if err != nil {
		return err
	}
	if len(hist) == 0 {
		return vigil.Errorf(vigil.ENOTFOUND, "no check %q (see 'vigil checks list')", pos[0])
	}
	return emit(m.Stdout, c.format, map[string]any{"versions": hist}, func() *table {
		t := &table{header: []string{"VERSION", "ENABLED", "ORIGIN", "SAVED_BY", "SAVED_AT", "LINES"}}
		for _, v := range hist {
			t.add(strconv.Itoa(v.Version), strconv.FormatBool(v.Enabled), checkOrigin(v.Builtin), v.SavedBy, v.SavedAt.Format(time.RFC3339),
				strconv.Itoa(strings.Count(strings.TrimRight(v.Source, "\n"), "\n")+1))
		}
		return t
	})
}
