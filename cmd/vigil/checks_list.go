package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

func checksList(ctx context.Context, m *Main, args []string) error {
	c, pos, err := openInv(ctx, m, "checks list", args, []string{"table", "json", "csv"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) > 0 {
		return usagef("usage: vigil checks list [--format table|json|csv]")
	}
	stored, err := c.db.FindChecks(ctx, nil)
	if err != nil {
		return err
	}
	out := make([]checkSummary, 0, len(stored))
	for _, v := range stored {
		out = append(out, summarizeCheck(v))
	}
	if len(out) == 0 && c.format == "table" {
		fmt.Fprintln(m.Stderr, "vigil: no checks stored yet; the first 'vigil evaluate' (or import) stores the shipped ones")
	}
	return emit(m.Stdout, c.format, map[string]any{"checks": out}, func() *table {
		t := &table{header: []string{"ID", "VERSION", "ENABLED", "ORIGIN", "SEVERITY", "CONTROLS", "TITLE"}}
		for _, s := range out {
			t.add(s.ID, strconv.Itoa(s.Version), strconv.FormatBool(s.Enabled), checkOrigin(s.Builtin), s.Severity, strconv.Itoa(len(s.Controls)), s.Title)
		}
		return t
	})
}

// refsText joins control references.
func refsText(s checkSummary) string {
	parts := make([]string, len(s.Controls))
	for i, r := range s.Controls {
		parts[i] = r.String()
	}
	return strings.Join(parts, ", ")
}
