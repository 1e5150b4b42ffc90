package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	vigil "github.com/vigil-health/vigil"
)

func attestCommand() *command {
	return &command{
		name:    "attest",
		summary: "answer for a control: attest CONTROL --owner --answer --date --next-due",
		usage:   []string{"CONTROL --owner NAME --answer met|partially-met|not-met|not-applicable --date DATE --next-due DATE [--notes TEXT] [--framework ID]"},
		about: "Records a person's answer for a control no data can decide (CONTROL is " +
			"framework:control, or a control id with --framework). It replaces the answer in " +
			"force and counts as not met once its next-due date has passed.",
		examples: []string{
			"vigil attest hipaa:164.308(a)(2) --owner 'Security Officer' --answer met --date 2026-01-05 --next-due 2027-01-05",
			"vigil attest 164.308(a)(7)(i) --framework hipaa --owner 'IT lead' --answer partially-met --date 2026-03-01 --next-due 2026-09-01 --notes 'restore test of the PACS only'",
		},
		run: runAttest,
	}
}

func runAttest(ctx context.Context, m *Main, args []string) error {
	var owner, answer, date, due, notes, framework *string
	c, pos, err := openInv(ctx, m, "attest", args, []string{"table", "json"}, func(fs *flag.FlagSet) {
		owner = fs.String("owner", "", "the person or role who answers for the control (required)")
		answer = enumFlag(fs, "answer", "met, partially-met, not-met or not-applicable (required)", vigil.VerdictMet, vigil.VerdictPartiallyMet, vigil.VerdictNotMet, vigil.VerdictNotApplicable)
		date = fs.String("date", "", "when the answer was established, 2006-01-02 (required)")
		due = fs.String("next-due", "", "when it must be established again, 2006-01-02 (required)")
		notes = fs.String("notes", "", "what was reviewed, tested or restored")
		framework = fs.String("framework", "", "the framework of a control id given without one")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 || *owner == "" || *answer == "" || *date == "" || *due == "" {
		return usagef("usage: vigil attest CONTROL --owner NAME --answer met|partially-met|not-met|not-applicable --date DATE --next-due DATE [--notes TEXT]")
	}
	ref, err := controlRef(pos[0], *framework)
	if err != nil {
		return err
	}
	a := &vigil.Attestation{Control: ref, Owner: *owner, Answer: vigil.Verdict(*answer), Notes: *notes}
	if a.Date, err = parseDay("--date", *date); err != nil {
		return err
	}
	if a.NextDue, err = parseDay("--next-due", *due); err != nil {
		return err
	}
	comp, err := m.compliance(c.db)
	if err != nil {
		return err
	}
	if err := comp.Attest(ctx, m.actor(), a); err != nil {
		return err
	}
	if c.format == "json" {
		return writeJSONOut(m.Stdout, attestationView{Attestation: *a, Overdue: a.Overdue(c.db.Now())})
	}
	fmt.Fprintf(m.Stdout, "attestation %d: %s %s by %s on %s, next due %s%s; %s evaluated again\n",
		a.ID, a.Control, a.Answer, a.Owner, day(a.Date), day(a.NextDue), overdueMark(a.Overdue(c.db.Now())), a.Control.Framework)
	return nil
}

// parseDay reads a date, 2006-01-02, as midnight UTC.
func parseDay(flagName, s string) (time.Time, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return t, usagef("%s must be a date, 2006-01-02, not %q", flagName, s)
	}
	return t, nil
}
