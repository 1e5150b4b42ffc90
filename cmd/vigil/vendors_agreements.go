package main

import (
	"context"
	"fmt"
)

func runVendorsAgreementsImport(ctx context.Context, m *Main, args []string) error {
	c, err := openList(ctx, m, "vendors agreements import", args)
	if err != nil {
		return err
	}
	defer c.Close()
	svc, err := m.vendors(c.db)
	if err != nil {
		return err
	}
	res, err := svc.ImportAgreementsList(ctx, m.actor(), c.list)
	if err != nil {
		return err
	}
	if c.format == "json" {
		return writeJSONOut(m.Stdout, res)
	}
	fmt.Fprintf(m.Stdout, "agreements imported: %d rows, %d BAA versions and %d certifications added, %d already on file\n",
		res.Rows, res.BAAs, res.Certifications, res.Unchanged)
	return nil
}
