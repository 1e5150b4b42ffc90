package main

import (
	"context"
	"fmt"
	"os"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
)

func auditLogCommand() *command {
	return &command{
		name:    "audit-log",
		summary: "audit-log verify: check the tamper-evident audit trail",
		about: "The tamper-evident audit trail of every change, chained by HMAC-SHA256 under " +
			"the audit key and anchored in the head log (see docs/audit.md).",
		examples: []string{"vigil audit-log verify"},
		subs: []*command{{
			name:    "verify",
			summary: "walk the chain, compare it with the head log, name the first broken link",
			about: "Walks the audit trail's chain, compares it with the head log and names the " +
				"first broken link, exiting 1: an edited, re-chained, truncated or rewound trail. " +
				"--anchors compares it as well with a copy of the anchors kept elsewhere: the " +
				"lines syslog received with VIGIL_AUDIT_SYSLOG set (lines of other programs, and " +
				"anchors the audit key did not sign, are skipped).",
			examples: []string{
				"vigil audit-log verify",
				"vigil audit-log verify --db /var/lib/vigil/vigil.db",
				"vigil audit-log verify --anchors /var/log/collector/vigil-audit.log",
			},
			run: runAuditLogVerify,
		}},
	}
}

func runAuditLogVerify(ctx context.Context, m *Main, args []string) error {
	fs := m.flagSet("audit-log verify")
	db := m.dbFlag(fs)
	var anchors listFlag
	fs.Var(&anchors, "anchors", "a file of the anchors' copy (syslog lines) to compare the trail with too; repeat for several")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	var copies []store.AnchorFile
	for _, path := range anchors {
		f, err := os.Open(path)
		if err != nil {
			return vigil.Errorf(vigil.EINVALID, "cannot read %s: %v", path, pathErr(err))
		}
		defer f.Close()
		copies = append(copies, store.AnchorFile{Name: path, R: f})
	}
	d, err := m.openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer d.Close()
	r, err := d.VerifyAudit(ctx, copies...)
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
	if len(copies) > 0 {
		fmt.Fprintf(m.Stdout, "anchor copies: %d lines skipped (not anchors of this trail)\n", r.Skipped)
	}
	if r.AnchorErr != nil {
		fmt.Fprintf(m.Stdout, "warning: the head log could not be appended to since start: %v\n", r.AnchorErr)
	}
	return nil
}
