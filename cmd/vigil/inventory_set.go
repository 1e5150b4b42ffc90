package main

import (
	"context"
	"fmt"
)

func invSet(ctx context.Context, m *Main, args []string) error {
	c, pos, err := openInv(ctx, m, "inventory set", args, []string{"table"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 3 {
		return usagef("usage: vigil inventory set ID|ASSET_TAG FIELD VALUE   (an empty VALUE clears the hand-set value)")
	}
	d, err := findDevice(ctx, c.db, pos[0])
	if err != nil {
		return err
	}
	inv, err := m.inventory(c.db)
	if err != nil {
		return err
	}
	if err := inv.SetField(ctx, m.actor(), d.ID, pos[1], pos[2]); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "device %d: %s set by hand\n", d.ID, pos[1])
	return nil
}
