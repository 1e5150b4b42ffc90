package main

import (
	"context"
	"fmt"

	vigil "github.com/vigil-health/vigil"
)

func runAuditLog(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return usagef("usage: vigil audit-log verify")
	}
	fs := m.flagSet("audit-log verify")
	db := m.dbFlag(fs)
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	d, err := openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer d.Close()
	n, brk, err := d.VerifyAuditLog(ctx)
	if err != nil {
		return err
	}
	if brk != nil {
		return vigil.Errorf(vigil.ECONFLICT, "audit trail broken at event %d: %s (%d events read)", brk.Seq, brk.Reason, n)
	}
	fmt.Fprintf(m.Stdout, "audit trail intact: %d events, SHA-256 chain verified\n", n)
	return nil
}
