package main

import (
	"context"
	"fmt"
	"os"

	vigil "github.com/vigil-health/vigil"
)

func runModelsImport(ctx context.Context, m *Main, args []string) error {
	c, pos, err := openInv(ctx, m, "models import", args, []string{"table", "json"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 {
		return usagef("usage: vigil models import FILE")
	}
	data, err := readListFile(pos[0], "an end-of-life list")
	if err != nil {
		return err
	}
	svc, err := m.vendors(c.db)
	if err != nil {
		return err
	}
	res, err := svc.ImportModelSupport(ctx, m.actor(), pos[0], data)
	if err != nil {
		return err
	}
	if c.format == "json" {
		return writeJSONOut(m.Stdout, res)
	}
	fmt.Fprintf(m.Stdout, "end-of-life dates imported: %d models, %d changed, %d unchanged\n", res.Rows, res.Changed, res.Unchanged)
	return nil
}

// readListFile reads a CSV or XLSX list a user hands over, refusing one
// larger than maxVendorList; what names the kind of list for the error.
func readListFile(path, what string) ([]byte, error) {
	if st, err := os.Stat(path); err == nil && st.Size() > maxVendorList {
		return nil, vigil.Errorf(vigil.EINVALID, "%s is larger than %d MiB: not %s", path, maxVendorList>>20, what)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, vigil.WrapError(vigil.EINVALID, fmt.Sprintf("cannot read %s: %v", path, pathErr(err)), err)
	}
	return data, nil
}
