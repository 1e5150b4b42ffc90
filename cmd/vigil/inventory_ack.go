package main

import (
	"context"
	"flag"
	"fmt"
)

func invAck(ctx context.Context, m *Main, args []string) error {
	var note *string
	c, pos, err := openInv(ctx, m, "inventory ack", args, []string{"table"}, func(fs *flag.FlagSet) {
		note = fs.String("note", "", "why this discrepancy is acceptable (required)")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 {
		return usagef("usage: vigil inventory ack KEY --note TEXT")
	}
	if err := c.db.AckDiscrepancy(ctx, m.actor(), pos[0], *note); err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, "acknowledged")
	return nil
}
