package main

import (
	"context"
	"flag"
	"strconv"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/vendors"
)

func mds2List(ctx context.Context, m *Main, args []string) error {
	var all *bool
	c, pos, err := openInv(ctx, m, "mds2 list", args, []string{"table", "json", "csv"}, func(fs *flag.FlagSet) {
		all = fs.Bool("all-versions", false, "list older versions too")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) > 0 {
		return usagef("usage: vigil mds2 list [--all-versions] [--format table|json|csv]")
	}
	forms, err := vendors.New(c.db).MDS2Forms(ctx, *all)
	if err != nil {
		return err
	}
	return emit(m.Stdout, c.format, map[string]any{"mds2_forms": forms}, func() *table {
		t := &table{header: []string{"ID", "MANUFACTURER", "MODEL", "VERSION", "DOCUMENT", "RELEASED", "IMPORTED", "AT REST", "IN TRANSIT", "REMOTE", "SBOM"}}
		for _, f := range forms {
			t.add(strconv.FormatInt(f.ID, 10), f.Manufacturer, f.Model, strconv.Itoa(f.Version), dash(f.DocumentID), dash(f.ReleaseDate),
				f.ImportedAt.Format("2006-01-02"), answer(f.Facts.EncryptsAtRest), answer(f.Facts.EncryptsInTransit),
				answer(f.Facts.RemoteService), answer(f.Facts.SBOMAvailable))
		}
		return t
	})
}

// answer shows a blank answer as "-".
func answer(a vigil.MDS2Answer) string {
	if a == vigil.MDS2Blank {
		return "-"
	}
	return string(a)
}
