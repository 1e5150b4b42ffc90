package main

import (
	"context"
	"strconv"
	"time"

	"github.com/vigil-health/vigil/internal/vendors"
)

func runModelsList(ctx context.Context, m *Main, args []string) error {
	c, pos, err := openInv(ctx, m, "models list", args, []string{"table", "json"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) > 0 {
		return usagef("usage: vigil models list [--format table|json]")
	}
	models, err := vendors.New(c.db).Models(ctx, time.Now())
	if err != nil {
		return err
	}
	return emit(m.Stdout, c.format, map[string]any{"models": models, "total": len(models)}, func() *table {
		t := &table{header: []string{"MANUFACTURER", "MODEL", "DEVICES", "VENDORS", "MDS2", "END OF SALE", "END OF SUPPORT", "END OF PATCHES", "STATE"}}
		for _, x := range models {
			mds2 := "-"
			if x.MDS2FormID != 0 {
				mds2 = strconv.FormatInt(x.MDS2FormID, 10)
			}
			sale, support, patches := "-", "-", "-"
			if s := x.Support; s != nil {
				sale, support, patches = dayOrDash(s.EndOfSale), dayOrDash(s.EndOfSupport), dayOrDash(s.EndOfPatches)
			}
			t.add(x.Manufacturer, x.Model, strconv.Itoa(x.Devices), listOrDash(x.Vendors), mds2, sale, support, patches, string(x.State))
		}
		return t
	})
}
