package main

import (
	"context"
	"fmt"
)

func runVendorsAgreementsImport(ctx context.Context, m *Main, args []string) error {
	c, pos, err := openInv(ctx, m, "vendors agreements import", args, []string{"table", "json"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 {
		return usagef("usage: vigil vendors agreements import FILE")
	}
	data, err := readListFile(pos[0], "a contract register")
	if err != nil {
		return err
	}
	svc, err := m.vendors(c.db)
	if err != nil {
		return err
	}
	res, err := svc.ImportAgreements(ctx, m.actor(), pos[0], data)
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
