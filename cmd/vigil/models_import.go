package main

import (
	"context"
	"fmt"
)

func runModelsImport(ctx context.Context, m *Main, args []string) error {
	c, err := openList(ctx, m, "models import", args)
	if err != nil {
		return err
	}
	defer c.Close()
	svc, err := m.vendors(c.db)
	if err != nil {
		return err
	}
	res, err := svc.ImportModelSupportList(ctx, m.actor(), c.list)
	if err != nil {
		return err
	}
	if c.format == "json" {
		return writeJSONOut(m.Stdout, res)
	}
	fmt.Fprintf(m.Stdout, "end-of-life dates imported: %d models, %d changed, %d unchanged\n", res.Rows, res.Changed, res.Unchanged)
	return nil
}
