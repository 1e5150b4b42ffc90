package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/vendors"
)

// mds2Import stores a manufacturer's MDS2 form as the next version of its
// manufacturer and model.
func mds2Import(ctx context.Context, m *Main, args []string) error {
	var opt vendors.MDS2Import
	c, pos, err := openInv(ctx, m, "mds2 import", args, []string{"table", "json"}, func(fs *flag.FlagSet) {
		fs.StringVar(&opt.Manufacturer, "manufacturer", "", "the manufacturer (default: the form's DOC-1)")
		fs.StringVar(&opt.Model, "model", "", "the model (default: the form's DOC-3)")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 {
		return usagef("usage: vigil mds2 import FILE [--manufacturer M] [--model X]")
	}
	file, err := os.Open(pos[0])
	if err != nil {
		return vigil.WrapError(vigil.EINVALID, fmt.Sprintf("cannot read %s: %v", pos[0], pathErr(err)), err)
	}
	defer file.Close()
	svc, err := m.vendors(c.db)
	if err != nil {
		return err
	}
	f, err := svc.ImportMDS2(ctx, m.actor(), pos[0], file, opt)
	if err != nil {
		return err
	}
	if c.format == "json" {
		f.Questions = nil
		return writeJSONOut(m.Stdout, f)
	}
	fmt.Fprintf(m.Stdout, "imported MDS2 form %d: %s %s, version %d, %d questions\n", f.ID, f.Manufacturer, f.Model, f.Version, len(f.Questions))
	return nil
}
