package main

import (
	"context"
	"strconv"
	"strings"

	"github.com/vigil-health/vigil/internal/vendors"
)

func runVendorsList(ctx context.Context, m *Main, args []string) error {
	c, pos, err := openInv(ctx, m, "vendors list", args, []string{"table", "json"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) > 0 {
		return usagef("usage: vigil vendors list [--format table|json]")
	}
	list, err := vendors.New(c.db).List(ctx)
	if err != nil {
		return err
	}
	if c.format == "json" {
		return writeJSONOut(m.Stdout, list)
	}
	t := &table{header: []string{"ID", "VENDOR", "KIND", "TIER", "DEVICES", "EPHI", "CRITICAL", "REMOTE", "BAA DUE", "CERTS", "ALIASES"}}
	for _, s := range list {
		baa := "none"
		if s.BAA != nil {
			baa = dayOrDash(s.BAA.Due())
		}
		t.add(strconv.FormatInt(s.Vendor.ID, 10), s.Vendor.Name, string(s.Vendor.Kind), string(s.Risk.Tier), strconv.Itoa(s.Risk.Devices),
			strconv.Itoa(s.Risk.EPHI), strconv.Itoa(s.Risk.Critical), strconv.Itoa(s.Risk.RemoteAccess), baa, strconv.Itoa(s.Certs),
			strings.Join(s.Vendor.Aliases, "; "))
	}
	return t.writeText(m.Stdout)
}
