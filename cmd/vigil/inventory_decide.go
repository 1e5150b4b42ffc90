package main

import (
	"context"
	"flag"
	"fmt"
)

func invDecide(ctx context.Context, m *Main, args []string) error {
	var same, different *bool
	var note *string
	c, pos, err := openInv(ctx, m, "inventory decide", args, []string{"table"}, func(fs *flag.FlagSet) {
		same = fs.Bool("same", false, "the two records are the same device")
		different = fs.Bool("different", false, "the two records are different devices")
		note = fs.String("note", "", "why (kept in the audit trail)")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 2 || *same == *different {
		return usagef("usage: vigil inventory decide RECORD_A RECORD_B --same|--different [--note TEXT]")
	}
	inv, err := m.inventory(c.db)
	if err != nil {
		return err
	}
	n, err := inv.DecideIdentity(ctx, m.actor(), pos[0], pos[1], *same, *note)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "decision recorded; inventory re-resolved: %d devices\n", n)
	return nil
}
