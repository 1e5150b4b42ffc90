package main

import (
	"context"
	"flag"
	"fmt"
)

func invAck(ctx context.Context, m *Main, args []string) error {
	var note *string
	c, pos, err := openInv(ctx, m, "inventory ack", args, []string{"table"}, func(fs *flag.FlagSet) {
		note = fs.String("note", "", "why these discrepancies are acceptable (required)")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) == 0 {
		return usagef("usage: vigil inventory ack KEY... --note TEXT")
	}
	inv, err := m.inventory(c.db)
	if err != nil {
		return err
	}
	n, err := inv.AckDiscrepancies(ctx, m.actor(), pos, *note)
	if err != nil {
		return err
	}
	if n == 1 {
		fmt.Fprintln(m.Stdout, "acknowledged")
	} else {
		fmt.Fprintf(m.Stdout, "acknowledged %d discrepancies\n", n)
	}
	return nil
}
