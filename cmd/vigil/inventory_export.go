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
	// The export adds the taxonomy's FDA class of each device's type.
	cls, err := m.classifier()
	if err != nil {
		return err
	}
	fda := func(d *vigil.Device) string {
		t, _ := cls.Type(d.DeviceType)
		return t.FDAClass
	}
	header := append(append([]string{}, deviceHeader...), "FDA_CLASS")
	row := func(d *vigil.Device) []string { return append(deviceRow(d), fda(d)) }
	// JSON and CSV are written as the devices are read; a table is
	// aligned, so it is built first.
	each := func(fn func(*vigil.Device) error) error { return c.db.ScanDevices(ctx, vigil.DeviceFilter{}, fn) }
	switch c.format {
	case "json":
		return writeJSONOut(w, map[string]any{"exported_at": time.Now().UTC(), "devices": jsonout.Stream(func(add func(any) error) error {
			return each(func(d *vigil.Device) error { return add(exportedDevice{d, fda(d)}) })
		})})
	case "csv":
		return writeCSVRows(w, header, func(emit func([]string) error) error {
			return each(func(d *vigil.Device) error { return emit(row(d)) })
		})
	}
	t := &table{header: header}
	if err := each(func(d *vigil.Device) error { t.add(row(d)...); return nil }); err != nil {
		return err
	}
	return t.writeText(w)
}

// exportedDevice is a device as the export writes it: its fields and the
// FDA class of its type.
type exportedDevice struct {
	*vigil.Device
	FDAClass string `json:"fda_class,omitempty"`
}
