package main

import "context"

const inventoryUsage = `usage: vigil inventory COMMAND [flags]
  list            list devices (filters: --q --type --site --criticality --source --discrepancy --ephi --as-of)
  show ID|TAG     one device with what every source says about it
  export          every device as CSV or JSON (--format, --out)
  discrepancies   where the sources disagree (--kind, --site, --all, --format table|json|csv)
  conflicts       the identity-conflict queue: records kept apart for a person to decide
  decide A B      settle a conflict: --same or --different, with --note
  ack KEY         acknowledge a discrepancy with --note (KEY from discrepancies --format table)
  set ID FIELD V  set a device field by hand (e.g. device_type)
  precedence      show the per-field source precedence; --set FIELD=a,b,c changes one field
  role SOURCE R   set a source's role: clinical-engineering, it, scanner, network or other`

func runInventory(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 {
		return usagef("%s", inventoryUsage)
	}
	sub := map[string]func(context.Context, *Main, []string) error{
		"list": invList, "show": invShow, "export": invExport, "discrepancies": invDiscrepancies,
		"conflicts": invConflicts, "decide": invDecide, "ack": invAck, "set": invSet, "precedence": invPrecedence, "role": invRole,
	}[args[0]]
	if sub == nil {
		return usagef("unknown inventory command %q\n%s", args[0], inventoryUsage)
	}
	return sub(ctx, m, args[1:])
}
