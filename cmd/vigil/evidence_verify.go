package main

import (
	"context"
	"fmt"

	vigil "github.com/vigil-health/vigil"
)

func evidenceVerify(ctx context.Context, m *Main, args []string) error {
	c, ev, pos, err := openEvidence(ctx, m, "verify", args, []string{"table", "json"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) > 0 {
		return usagef("usage: vigil evidence verify [--format table|json]")
	}
	rep, err := ev.Verify(ctx)
	if err != nil {
		return err
	}
	if c.format == "json" {
		if err := writeJSONOut(m.Stdout, rep); err != nil {
			return err
		}
	} else {
		for _, p := range rep.Problems {
			fmt.Fprintf(m.Stdout, "%s: %s\n", p.Kind, p.Detail)
		}
		if rep.OK() {
			fmt.Fprintf(m.Stdout, "ok: %d records, %d files, every file and record as stored\n", rep.Records, rep.Files)
		}
	}
	if !rep.OK() {
		// Exit 1 once every problem is named.
		return vigil.Errorf(vigil.ECONFLICT, "evidence verify found %d problem(s)", len(rep.Problems))
	}
	return nil
}
