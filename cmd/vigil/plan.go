package main

import (
	"context"
	"flag"
	"fmt"
)

const planUsage = `usage: vigil plan list [--status open|closed] [--owner O] [--kind K] [--framework ID] [--format table|json|csv]
       vigil plan export --format csv|json --out FILE
       vigil plan set ID [--owner O] [--due DATE]
       vigil plan sync`

// runPlan runs the remediation plan commands.
func runPlan(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 {
		return usagef("%s", planUsage)
	}
	switch args[0] {
	case "list":
		return runPlanList(ctx, m, args[1:])
	case "export":
		return runPlanExport(ctx, m, args[1:])
	case "set":
		return runPlanSet(ctx, m, args[1:])
	case "sync":
		return runPlanSync(ctx, m, args[1:])
	}
	return usagef("%s", planUsage)
}

// runPlanSync rebuilds the plan now; evaluations after imports, discovery
// runs and feed updates do it by themselves.
func runPlanSync(ctx context.Context, m *Main, args []string) error {
	c, pos, err := openInv(ctx, m, "plan sync", args, []string{"table", "json"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) > 0 {
		return usagef("usage: vigil plan sync")
	}
	svc, err := m.assurance(c.db)
	if err != nil {
		return err
	}
	res, err := svc.SyncPlan(ctx, m.actor())
	if err != nil {
		return err
	}
	if c.format == "json" {
		return writeJSONOut(m.Stdout, res)
	}
	fmt.Fprintf(m.Stdout, "plan synced: %d opened, %d reopened, %d updated, %d closed\n", res.Opened, res.Reopened, res.Updated, res.Closed)
	return nil
}

// planFilterFlags registers the plan's filters.
type planFilterFlags struct{ status, owner, kind, framework *string }

func (p *planFilterFlags) register(fs *flag.FlagSet) {
	p.status = fs.String("status", "", "open or closed (default: both)")
	p.owner = fs.String("owner", "", "only this owner's items")
	p.kind = fs.String("kind", "", "failed-control, missing-evidence, stale-evidence, overdue-attestation or kev-past-due")
	p.framework = fs.String("framework", "", "only this framework's items")
}
