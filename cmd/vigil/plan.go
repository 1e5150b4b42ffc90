package main

import (
	"context"
	"flag"
	"fmt"

	vigil "github.com/vigil-health/vigil"
)

func planCommand() *command {
	return &command{
		name:    "plan",
		summary: "the remediation plan: plan list|export|set|sync",
		about: "The remediation plan: every gap the evaluations, evidence and vulnerabilities " +
			"show (a failed control, missing or stale evidence, an overdue attestation, a KEV " +
			"past due), with owner, due date and priority, kept in step with the verdicts.",
		examples: []string{
			"vigil plan list --status open",
			"vigil plan export --format csv --out plan.csv",
			"vigil plan set 12 --owner 'Biomed lead' --due 2027-01-31",
		},
		subs: []*command{
			{
				name:    "list",
				summary: "the plan's items, with owner, due date and priority",
				usage:   []string{"[--status open|closed] [--owner O] [--kind K] [--framework ID] [--format table|json|csv]"},
				about:   "Lists the plan's items, filtered, with owner, due date and priority.",
				examples: []string{
					"vigil plan list --status open",
					"vigil plan list --kind kev-past-due --format csv",
				},
				run: runPlanList,
			},
			{
				name:    "export",
				summary: "the plan as CSV or JSON for ServiceNow or Jira",
				usage:   []string{"--format csv|json --out FILE [--status open|closed] [--owner O] [--kind K] [--framework ID]"},
				about:   "Writes the plan's items as CSV (columns a ticketing system imports) or JSON to a file.",
				examples: []string{
					"vigil plan export --format csv --out plan.csv",
					"vigil plan export --format json --out plan.json --status open",
				},
				run: runPlanExport,
			},
			{
				name:    "set",
				summary: "change an item's owner or due date",
				usage:   []string{"ID [--owner O] [--due DATE]"},
				about:   "Sets a plan item's owner or due date; the change is audited.",
				examples: []string{
					"vigil plan set 12 --owner 'Biomed lead' --due 2027-01-31",
				},
				run: runPlanSet,
			},
			{
				name:    "sync",
				summary: "rebuild the plan from the verdicts now",
				usage:   []string{"[--format table|json]"},
				about: "Rebuilds the plan from the current verdicts, evidence and vulnerabilities; " +
					"evaluations after imports, discovery runs and feed updates do it by themselves.",
				examples: []string{"vigil plan sync"},
				run:      runPlanSync,
			},
		},
	}
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
	p.status = enumFlag(fs, "status", "open or closed (default: both)", vigil.PlanOpen, vigil.PlanClosed)
	p.owner = fs.String("owner", "", "only this owner's items")
	p.kind = enumFlag(fs, "kind", "failed-control, missing-evidence, stale-evidence, overdue-attestation or kev-past-due", vigil.PlanFailedControl, vigil.PlanMissingEvidence, vigil.PlanStaleEvidence, vigil.PlanOverdueAttestation, vigil.PlanKEVPastDue)
	p.framework = fs.String("framework", "", "only this framework's items")
}
