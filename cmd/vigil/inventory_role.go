package main

import (
	"context"
	"fmt"
)

func invRole(ctx context.Context, m *Main, args []string) error {
	c, pos, err := openInv(ctx, m, "inventory role", args, []string{"table"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 2 {
		return usagef("usage: vigil inventory role SOURCE ROLE")
	}
	inv, err := m.inventory(c.db)
	if err != nil {
		return err
	}
	if err := inv.SetSourceRole(ctx, m.actor(), pos[0], pos[1]); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "source %s is now %s; inventory re-resolved\n", pos[0], pos[1])
	return nil
}
