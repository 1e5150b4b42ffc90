package main

import (
	"context"
	"fmt"
	"strconv"
)

func runAuditCompare(ctx context.Context, m *Main, args []string) error {
	c, pos, err := openInv(ctx, m, "audit compare", args, []string{"table", "json"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 2 {
		return usagef("usage: vigil audit compare A B (two mock audit ids of one framework)")
	}
	var ids [2]int64
	for i, p := range pos {
		if ids[i], err = strconv.ParseInt(p, 10, 64); err != nil {
			return usagef("%q is not a mock audit id", p)
		}
	}
	svc, err := m.assurance(c.db)
	if err != nil {
		return err
	}
	cmp, err := svc.CompareAudits(ctx, ids[0], ids[1])
	if err != nil {
		return err
	}
	if c.format == "json" {
		return writeJSONOut(m.Stdout, cmp)
	}
	fmt.Fprintf(m.Stdout, "%s: mock audit %d scored %.1f%%, %d scored %.1f%% (%+.1f)\n", cmp.Framework, cmp.From, cmp.ScoreFrom, cmp.To, cmp.ScoreTo, cmp.ScoreTo-cmp.ScoreFrom)
	fmt.Fprintf(m.Stdout, "%d requests improved, %d regressed; %d asked only in %d, %d only in %d\n\n",
		len(cmp.Improved), len(cmp.Regressed), cmp.OnlyInFrom, cmp.From, cmp.OnlyInTo, cmp.To)
	t := &table{header: []string{"AREA", "FROM", "TO"}}
	for _, a := range cmp.Areas {
		t.add(string(a.Area), strconv.FormatFloat(a.From, 'f', 1, 64), strconv.FormatFloat(a.To, 'f', 1, 64))
	}
	if err := t.writeText(m.Stdout); err != nil {
		return err
	}
	if len(cmp.Improved)+len(cmp.Regressed) == 0 {
		return nil
	}
	fmt.Fprintln(m.Stdout)
	t = &table{header: []string{"CHANGE", "CONTROL", "DEVICE", "EVIDENCE_NEEDED", "FROM", "TO"}}
	for _, ch := range cmp.Improved {
		t.add("improved", ch.Control, strconv.FormatInt(ch.Device, 10), string(ch.EvidenceNeeded), string(ch.From), string(ch.To))
	}
	for _, ch := range cmp.Regressed {
		t.add("regressed", ch.Control, strconv.FormatInt(ch.Device, 10), string(ch.EvidenceNeeded), string(ch.From), string(ch.To))
	}
	return t.writeText(m.Stdout)
}
