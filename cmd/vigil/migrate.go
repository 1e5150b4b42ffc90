package main

import (
	"context"
	"fmt"
)

func runMigrate(ctx context.Context, m *Main, args []string) error {
	fs := m.flagSet("migrate")
	db := m.dbFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	d, err := m.openDB(ctx, *db) // Open applies pending migrations.
	if err != nil {
		return err
	}
	defer d.Close()
	names, err := d.AppliedMigrations(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%s store is at migration %s (%d applied)\n", d.Engine(), names[len(names)-1], len(names))
	return nil
}
