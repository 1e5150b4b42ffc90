package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	vigil "github.com/vigil-health/vigil"
)

func runModelsSet(ctx context.Context, m *Main, args []string) error {
	var sale, support, patches, source *string
	c, pos, err := openInv(ctx, m, "models set", args, []string{"table"}, func(fs *flag.FlagSet) {
		sale = fs.String("end-of-sale", "", "the date the manufacturer stopped selling the model (2006-01-02)")
		support = fs.String("end-of-support", "", "the date the manufacturer stops supporting it")
		patches = fs.String("end-of-patches", "", "the date the manufacturer stops shipping security patches for it")
		source = fs.String("source", "", "where the dates come from: the notice, letter or URL")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 2 {
		return usagef("usage: vigil models set MANUFACTURER MODEL [--end-of-sale DATE] [--end-of-support DATE] [--end-of-patches DATE] [--source TEXT]")
	}
	ms := &vigil.ModelSupport{Manufacturer: pos[0], Model: pos[1], Source: *source}
	if ms.EndOfSale, err = optionalDay("--end-of-sale", *sale); err != nil {
		return err
	}
	if ms.EndOfSupport, err = optionalDay("--end-of-support", *support); err != nil {
		return err
	}
	if ms.EndOfPatches, err = optionalDay("--end-of-patches", *patches); err != nil {
		return err
	}
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
