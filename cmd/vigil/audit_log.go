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
	d, err := m.openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer d.Close()
	r, err := d.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if r.Break != nil {
		return vigil.Errorf(vigil.ECONFLICT, "audit trail broken at event %d: %s (%d events read)", r.Break.Seq, r.Break.Reason, r.Checked)
	}
	switch {
	case r.KeyedFrom == 0 || r.Checked == 0:
		fmt.Fprintf(m.Stdout, "audit trail intact: %d events, SHA-256 chain verified\n", r.Checked)
	case r.KeyedFrom == 1:
		fmt.Fprintf(m.Stdout, "audit trail intact: %d events, HMAC-SHA256 chain under the audit key verified\n", r.Checked)
	default:
		fmt.Fprintf(m.Stdout, "audit trail intact: %d events; events 1-%d, written before the trail had a key, by the old SHA-256 rule; from event %d on HMAC-SHA256 under the audit key\n", r.Checked, r.KeyedFrom-1, r.KeyedFrom)
	}
	fmt.Fprintf(m.Stdout, "head log %s: %d anchors match; the head is anchored there now\n", r.HeadLog, r.Anchors)
	if r.AnchorErr != nil {
		fmt.Fprintf(m.Stdout, "warning: the head log could not be appended to since start: %v\n", r.AnchorErr)
	}
	return nil
}
