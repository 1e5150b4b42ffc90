package main

import (
	"context"
	"fmt"
)

func migrateCommand() *command {
	return &command{
		name:    "migrate",
		summary: "create the database or apply its pending migrations",
		usage:   []string{"[--db DSN]"},
		about: "Creates the database if it does not exist and applies the pending schema " +
			"migrations (every command does so at start), then prints the migration it is at.",
		examples: []string{
			"vigil migrate --db /var/lib/vigil/vigil.db",
			"vigil migrate --db postgres://vigil@db.internal:5432/vigil",
		},
		run:     runMigrate,
		creates: true,
	}
}

func runMigrate(ctx context.Context, m *Main, args []string) error {
	fs := m.flagSet("migrate")
	db := m.dbFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
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
