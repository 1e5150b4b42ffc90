package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/jsonout"
)

func invExport(ctx context.Context, m *Main, args []string) error {
	var out *string
	c, _, err := openInv(ctx, m, "inventory export", args, []string{"csv", "json", "table"}, func(fs *flag.FlagSet) {
		out = fs.String("out", "", "write to this file instead of standard output")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	w := m.Stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return vigil.WrapError(vigil.EUNAVAILABLE, fmt.Sprintf("cannot write %s: %v", *out, pathErr(err)), err)
		}
		defer f.Close()
		w = f
	}
	// JSON and CSV are written as the devices are read; a table is
	// aligned, so it is built first.
	each := func(fn func(*vigil.Device) error) error { return c.db.ScanDevices(ctx, vigil.DeviceFilter{}, fn) }
	switch c.format {
	case "json":
		return writeJSONOut(w, map[string]any{"exported_at": time.Now().UTC(), "devices": jsonout.Stream(func(add func(any) error) error {
			return each(func(d *vigil.Device) error { return add(d) })
		})})
	case "csv":
		return writeCSVRows(w, deviceHeader, func(row func([]string) error) error {
			return each(func(d *vigil.Device) error { return row(deviceRow(d)) })
		})
	}
	t := &table{header: deviceHeader}
	if err := each(func(d *vigil.Device) error { t.add(deviceRow(d)...); return nil }); err != nil {
		return err
	}
	return t.writeText(w)
}
