package main

import (
	"context"
	"flag"
	"strconv"
)

func attestationsCommand() *command {
	return &command{
		name:    "attestations",
		summary: "the attestations in force, overdue ones marked",
		usage:   []string{"[--framework ID] [--format table|json|csv]"},
		about: "Lists the attestations in force, one per control, with owner, answer, date and " +
			"next-due date; an overdue one is marked and counts as not met.",
		examples: []string{
			"vigil attestations --framework hipaa",
			"vigil attestations --format csv > attestations.csv",
		},
		run: runAttestations,
	}
}

func runAttestations(ctx context.Context, m *Main, args []string) error {
	var framework *string
	c, pos, err := openInv(ctx, m, "attestations", args, []string{"table", "json", "csv"}, func(fs *flag.FlagSet) {
		framework = fs.String("framework", "", "only this framework's")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) > 0 {
		return usagef("usage: vigil attestations [--framework ID] [--format table|json|csv]")
	}
	atts, err := c.db.FindAttestations(ctx, *framework, nil)
	if err != nil {
		return err
	}
	now := c.db.Now()
	out := make([]attestationView, len(atts))
	for i, a := range atts {
		out[i] = attestationView{Attestation: a, Overdue: a.Overdue(now)}
	}
	return emit(m.Stdout, c.format, map[string]any{"attestations": out}, func() *table {
		t := &table{header: []string{"ID", "CONTROL", "ANSWER", "OWNER", "DATE", "NEXT_DUE", "STATUS", "RECORDED_BY", "NOTES"}}
		for _, a := range out {
			status := "in force"
			if a.Overdue {
				status = "OVERDUE"
			}
			t.add(strconv.FormatInt(a.ID, 10), a.Control.String(), string(a.Answer), a.Owner, day(a.Date), day(a.NextDue), status, a.RecordedBy, oneLine(a.Notes))
		}
		return t
	})
}
