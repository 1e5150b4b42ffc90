package main

import (
	"context"
	"fmt"
)

// vulnsMatch matches every device against the stored vulnerability data
// again: what an import does by itself, on demand.
func vulnsMatch(ctx context.Context, m *Main, args []string) error {
	c, _, err := openInv(ctx, m, "vulns match", args, []string{"table"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	exp, err := m.exposure(c.db)
	if err != nil {
		return err
	}
	n, err := exp.RefreshMatches(ctx, m.actor())
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%d device matches\n", n)
	return nil
}
