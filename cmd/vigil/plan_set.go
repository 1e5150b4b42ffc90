package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"time"
)

func runPlanSet(ctx context.Context, m *Main, args []string) error {
	var owner, due *string
	c, pos, err := openInv(ctx, m, "plan set", args, []string{"table"}, func(fs *flag.FlagSet) {
		owner = fs.String("owner", "", "the item's new owner")
		due = fs.String("due", "", "the item's new due date (2006-01-02)")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 || *owner == "" && *due == "" {
		return usagef("usage: vigil plan set ID [--owner O] [--due DATE]")
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		return usagef("%q is not a plan item id", pos[0])
	}
	var when time.Time
	if *due != "" {
		if when, err = time.Parse("2006-01-02", *due); err != nil {
			return usagef("--due must be a date (2006-01-02)")
		}
	}
	svc, err := m.assurance(c.db)
	if err != nil {
		return err
	}
	if *owner != "" {
		if _, err := svc.SetOwner(ctx, m.actor(), id, *owner); err != nil {
			return err
		}
	}
	if *due != "" {
		if _, err := svc.SetDue(ctx, m.actor(), id, when); err != nil {
			return err
		}
	}
	it, err := c.db.FindPlanItem(ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "plan item %d: owner %s, due %s\n", it.ID, it.Owner, it.Due.Format("2006-01-02"))
	return nil
}
