package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/atomicfile"
)

func runPlanExport(ctx context.Context, m *Main, args []string) error {
	var out *string
	var pf planFilterFlags
	c, pos, err := openInv(ctx, m, "plan export", args, []string{"csv", "json"}, func(fs *flag.FlagSet) {
		out = fs.String("out", "", "the file to write (required)")
		pf.register(fs)
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) > 0 || *out == "" {
		return usagef("usage: vigil plan export --format csv|json --out FILE")
	}
	svc, err := m.assurance(c.db)
	if err != nil {
		return err
	}
	items, err := svc.ListPlan(ctx, vigil.PlanFilter{Status: vigil.PlanStatus(*pf.status), Owner: *pf.owner, Kind: vigil.PlanKind(*pf.kind), Framework: *pf.framework})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if c.format == "json" {
		err = writeJSONOut(&buf, items)
	} else {
		err = planCSV(items).writeCSV(&buf)
	}
	if err != nil {
		return err
	}
	if err := writeFileAtomic(*out, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(m.Stderr, "wrote %d plan items to %s\n", len(items), *out)
	return nil
}

// planCSV is the plan in the columns ServiceNow's and Jira's CSV importers
// map without a transform: Summary, Description, Priority (ServiceNow's
// "1 - Critical" to "4 - Low"), Due Date (YYYY-MM-DD), Assignee (Jira) and
// Assigned to (ServiceNow), Labels (space-separated, as Jira splits them),
// State, and Vigil's own ids to match an update to its ticket.
func planCSV(items []*vigil.PlanItem) *table {
	t := &table{header: []string{"Summary", "Description", "Priority", "Due Date", "Assignee", "Assigned to", "Labels", "State", "Vigil ID", "Vigil Key"}}
	for _, it := range items {
		desc := it.Detail
		if len(it.Evidence) > 0 {
			desc += " Evidence: " + strings.Join(it.Evidence, ", ") + "."
		}
		labels := []string{"vigil", string(it.Kind)}
		if it.Control.Framework != "" {
			labels = append(labels, it.Control.Framework)
		}
		state := "Open"
		if it.Status == vigil.PlanClosed {
			state = "Closed"
		}
		t.add(it.Title, strings.TrimSpace(desc), priorityLabel(it.Priority), it.Due.Format("2006-01-02"), it.Owner, it.Owner,
			strings.Join(labels, " "), state, strconv.FormatInt(it.ID, 10), it.Key)
	}
	return t
}

func priorityLabel(p vigil.Priority) string {
	switch p {
	case vigil.PriorityCritical:
		return "1 - Critical"
	case vigil.PriorityHigh:
		return "2 - High"
	case vigil.PriorityMedium:
		return "3 - Moderate"
	}
	return "4 - Low"
}

// writeFileAtomic writes data so that path never holds half a file.
func writeFileAtomic(path string, data []byte) error {
	err := atomicfile.Write(path, 0o644, func(f *os.File) error { _, err := f.Write(data); return err })
	if err != nil {
		return vigil.WrapError(vigil.EINVALID, fmt.Sprintf("cannot write %s: %v", path, pathErr(err)), err)
	}
	return nil
}
