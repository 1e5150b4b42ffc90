package main

import (
	"context"
	"strconv"

	vigil "github.com/vigil-health/vigil"
)

func runPlanList(ctx context.Context, m *Main, args []string) error {
	var pf planFilterFlags
	c, pos, err := openInv(ctx, m, "plan list", args, []string{"table", "json", "csv"}, pf.register)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) > 0 {
		return usagef("unexpected argument %q: plan list takes only flags", pos[0])
	}
	svc, err := m.assurance(c.db)
	if err != nil {
		return err
	}
	items, err := svc.ListPlan(ctx, vigil.PlanFilter{Status: vigil.PlanStatus(*pf.status), Owner: *pf.owner, Kind: vigil.PlanKind(*pf.kind), Framework: *pf.framework})
	if err != nil {
		return err
	}
	switch c.format {
	case "json":
		return writeJSONOut(m.Stdout, items)
	case "csv":
		return planCSV(items).writeCSV(m.Stdout)
	}
	t := &table{header: []string{"ID", "STATUS", "PRIORITY", "DUE", "OWNER", "KIND", "TITLE"}}
	for _, it := range items {
		t.add(strconv.FormatInt(it.ID, 10), string(it.Status), string(it.Priority), it.Due.Format("2006-01-02"), it.Owner, string(it.Kind), it.Title)
	}
	return t.writeText(m.Stdout)
}
