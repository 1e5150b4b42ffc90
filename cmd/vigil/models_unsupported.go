package main

import (
	"context"
	"flag"
	"strconv"

	"github.com/vigil-health/vigil/internal/vendors"
)

func runModelsUnsupported(ctx context.Context, m *Main, args []string) error {
	var at *string
	c, pos, err := openInv(ctx, m, "models unsupported", args, []string{"table", "json"}, func(fs *flag.FlagSet) {
		at = fs.String("at", "", "the devices past end of support at this date (2006-01-02, the end of that day) or time (RFC 3339)")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) > 0 {
		return usagef("usage: vigil models unsupported [--at DATE] [--format table|json]")
	}
	t, err := atFlag(*at)
	if err != nil {
		return err
	}
	list, err := vendors.New(c.db).Unsupported(ctx, t)
	if err != nil {
		return err
	}
	return emit(m.Stdout, c.format, map[string]any{"devices": list, "total": len(list)}, func() *table {
		tb := &table{header: []string{"DEVICE", "ASSET TAG", "MANUFACTURER", "MODEL", "STATE", "END OF SUPPORT", "END OF PATCHES"}}
		for _, u := range list {
			tb.add(strconv.FormatInt(u.Device.ID, 10), u.Device.AssetTag, u.Device.Manufacturer, u.Device.Model, string(u.State),
				dayOrDash(u.Support.EndOfSupport), dayOrDash(u.Support.EndOfPatches))
		}
		return tb
	})
}
