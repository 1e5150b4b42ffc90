package main

import (
	"context"
	"flag"
	"strconv"
	"time"
)

func runAuditList(ctx context.Context, m *Main, args []string) error {
	var framework *string
	c, pos, err := openInv(ctx, m, "audit list", args, []string{"table", "json"}, func(fs *flag.FlagSet) {
		framework = fs.String("framework", "", "only this framework's audits")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) > 0 {
		return usagef("usage: vigil audit list [--framework ID] [--format table|json]")
	}
	runs, err := c.db.FindMockAudits(ctx, *framework, 0)
	if err != nil {
		return err
	}
	if c.format == "json" {
		return writeJSONOut(m.Stdout, runs)
	}
	t := &table{header: []string{"ID", "FRAMEWORK", "AT", "SEED", "SAMPLE", "REQUESTS", "SCORE", "RAN_BY"}}
	for _, r := range runs {
		t.add(strconv.FormatInt(r.ID, 10), r.Framework, r.At.Format(time.RFC3339), strconv.FormatInt(r.Seed, 10), strconv.Itoa(r.Sample),
			strconv.Itoa(r.Requests), strconv.FormatFloat(r.Score, 'f', 1, 64), r.RanBy)
	}
	return t.writeText(m.Stdout)
}
