package main

import (
	"context"
	"fmt"
)

// maxVendorList bounds a vendor list file.
const maxVendorList = 64 << 20

func runVendorsImport(ctx context.Context, m *Main, args []string) error {
	c, pos, err := openInv(ctx, m, "vendors import", args, []string{"table", "json"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 {
		return usagef("usage: vigil vendors import FILE")
	}
	data, err := readListFile(pos[0], "a vendor list")
	if err != nil {
		return err
	}
	svc, err := m.vendors(c.db)
	if err != nil {
		return err
	}
	res, err := svc.Import(ctx, m.actor(), pos[0], data)
	if err != nil {
		return err
	}
	if c.format == "json" {
		return writeJSONOut(m.Stdout, res)
	}
	fmt.Fprintf(m.Stdout, "vendors imported: %d rows, %d added, %d updated\n", res.Rows, res.Added, res.Updated)
	return nil
}
