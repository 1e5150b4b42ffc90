package main

import (
	"context"
)

const auditUsage = `usage: vigil audit mock --framework ID [--sample N] [--seed S] [--format table|json]
       vigil audit compare A B [--format table|json]
       vigil audit list [--framework ID] [--format table|json]`

// runAudit runs the mock audit commands; the audit trail is audit-log.
func runAudit(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 {
		return usagef("%s", auditUsage)
	}
	switch args[0] {
	case "mock":
		return runAuditMock(ctx, m, args[1:])
	case "compare":
		return runAuditCompare(ctx, m, args[1:])
	case "list":
		return runAuditList(ctx, m, args[1:])
	}
	return usagef("%s", auditUsage)
}
