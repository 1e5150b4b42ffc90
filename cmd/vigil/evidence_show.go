package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	vigil "github.com/vigil-health/vigil"
)

func evidenceShow(ctx context.Context, m *Main, args []string) error {
	c, ev, pos, err := openEvidence(ctx, m, "show", args, []string{"table", "json"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 {
		return usagef("usage: vigil evidence show ID [--format table|json]")
	}
	id, err := evidenceID(pos[0])
	if err != nil {
		return err
	}
	e, err := ev.Get(ctx, id)
	if err != nil {
		return err
	}
	versions, err := ev.Versions(ctx, id)
	if err != nil {
		return err
	}
	if c.format == "json" {
		return writeJSONOut(m.Stdout, map[string]any{"evidence": e, "versions": versions})
	}
	return writeEvidence(m.Stdout, e, versions)
}

func writeEvidence(w io.Writer, e *vigil.Evidence, versions []*vigil.Evidence) error {
	fmt.Fprintf(w, "evidence %d, version %d: %s\n", e.ID, e.Version, e.Title)
	fmt.Fprintf(w, "  file       %s (%s, %d bytes)\n", e.FileName, e.MediaType, e.Size)
	fmt.Fprintf(w, "  sha256     %s\n", e.Key)
	var areas, ctrls []string
	for _, a := range e.Areas {
		areas = append(areas, string(a))
	}
	for _, r := range e.Controls {
		ctrls = append(ctrls, r.String())
	}
	fmt.Fprintf(w, "  areas      %s\n", strings.Join(areas, ", "))
	fmt.Fprintf(w, "  controls   %s\n", strings.Join(ctrls, ", "))
	if len(e.Devices) > 0 {
		fmt.Fprintf(w, "  devices    %v\n", e.Devices)
	}
	fmt.Fprintf(w, "  effective  %s\n", period(e))
	if !e.ExpiresAt.IsZero() {
		fmt.Fprintf(w, "  expires    %s\n", day(e.ExpiresAt))
	}
	fmt.Fprintf(w, "  collected  %s\n", e.CollectedAt.Format("2006-01-02 15:04 MST"))
	auto := ""
	if e.Auto {
		auto = " (gathered by Vigil)"
	}
	fmt.Fprintf(w, "  added      %s by %s%s\n", e.AddedAt.Format("2006-01-02 15:04 MST"), e.AddedBy, auto)
	fmt.Fprintf(w, "  retained   until %s\n", day(e.RetainedUntil()))
	fmt.Fprintln(w, "versions:")
	for _, v := range versions {
		mark := " "
		if v.ID == e.ID {
			mark = "*"
		}
		fmt.Fprintf(w, " %s v%d  id %d  %s  %s  %s\n", mark, v.Version, v.ID, v.AddedAt.Format("2006-01-02"), v.AddedBy, v.Key[:12])
	}
	return nil
}
