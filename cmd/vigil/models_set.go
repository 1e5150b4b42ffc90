package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	vigil "github.com/vigil-health/vigil"
)

func runModelsSet(ctx context.Context, m *Main, args []string) error {
	ms := &vigil.ModelSupport{}
	c, pos, err := openInv(ctx, m, "models set", args, []string{"table"}, func(fs *flag.FlagSet) {
		fs.Var(dayFlag{&ms.EndOfSale}, "end-of-sale", "the date the manufacturer stopped selling the model (2006-01-02)")
		fs.Var(dayFlag{&ms.EndOfSupport}, "end-of-support", "the date the manufacturer stops supporting it")
		fs.Var(dayFlag{&ms.EndOfPatches}, "end-of-patches", "the date the manufacturer stops shipping security patches for it")
		fs.StringVar(&ms.Source, "source", "", "where the dates come from: the notice, letter or URL")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 2 {
		return usagef("usage: vigil models set MANUFACTURER MODEL [--end-of-sale DATE] [--end-of-support DATE] [--end-of-patches DATE] [--source TEXT]")
	}
	ms.Manufacturer, ms.Model = pos[0], pos[1]
	svc, err := m.vendors(c.db)
	if err != nil {
		return err
	}
	if err := svc.SetModelSupport(ctx, m.actor(), ms); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%s %s: end of sale %s, end of support %s, end of security patches %s (%s today)\n", ms.Manufacturer, ms.Model,
		dayOrDash(ms.EndOfSale), dayOrDash(ms.EndOfSupport), dayOrDash(ms.EndOfPatches), ms.State(time.Now()))
	return nil
}
