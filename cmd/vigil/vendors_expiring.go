package main

import (
	"context"
	"flag"
	"strconv"
)

func runVendorsExpiring(ctx context.Context, m *Main, args []string) error {
	var within *string
	c, pos, err := openInv(ctx, m, "vendors expiring", args, []string{"table", "json"}, func(fs *flag.FlagSet) {
		within = fs.String("within", "60d", "how far ahead to look: days (60d), weeks (8w) or a duration")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) > 0 {
		return usagef("usage: vigil vendors expiring [--within 60d] [--format table|json]")
	}
	d, err := parseWithin(*within)
	if err != nil {
		return err
	}
	svc, err := m.vendors(c.db)
	if err != nil {
		return err
	}
	gaps, err := svc.Expiring(ctx, d)
	if err != nil {
		return err
	}
	if c.format == "json" {
		return writeJSONOut(m.Stdout, gaps)
	}
	t := &table{header: []string{"STATUS", "DUE", "VENDOR", "ITEM", "KIND OR MODEL", "ID", "EPHI DEVICES"}}
	for _, g := range gaps {
		t.add(string(g.Status), dayOrDash(g.Due), g.Vendor+" ("+strconv.FormatInt(g.VendorID, 10)+")", g.Item, string(g.Kind)+g.Model, idOrDash(g.ID), strconv.Itoa(g.EPHIDevices))
	}
	return t.writeText(m.Stdout)
}
