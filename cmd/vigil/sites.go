package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	vigil "github.com/vigil-health/vigil"
)

const sitesUsage = `usage: vigil sites COMMAND
  list [--format table|json|csv]   the hospital sites and their address blocks
  set-blocks SITE [CIDR...]        replace the address blocks a hospital declares (none clears
                                   them); devices seen only on the network take the site
                                   whose block holds their address`

func runSites(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 {
		return usagef("%s", sitesUsage)
	}
	switch args[0] {
	case "list":
		return sitesList(ctx, m, args[1:])
	case "set-blocks":
		return sitesSetBlocks(ctx, m, args[1:])
	}
	return usagef("unknown sites command %q\n%s", args[0], sitesUsage)
}

func sitesList(ctx context.Context, m *Main, args []string) error {
	c, pos, err := openInv(ctx, m, "sites list", args, []string{"table", "json", "csv"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) > 0 {
		return usagef("usage: vigil sites list [--format table|json|csv]")
	}
	all, err := c.db.FindSites(ctx)
	if err != nil {
		return err
	}
	sites := []*vigil.Site{}
	for _, s := range all {
		if s.Kind == vigil.SiteHospital {
			sites = append(sites, s)
		}
	}
	return emit(m.Stdout, c.format, map[string]any{"sites": sites}, func() *table {
		t := &table{header: []string{"id", "name", "blocks"}}
		if c.format == "table" {
			t.header = []string{"ID", "NAME", "BLOCKS"}
		}
		for _, s := range sites {
			t.add(strconv.FormatInt(s.ID, 10), s.Name, strings.Join(s.Blocks, " "))
		}
		return t
	})
}

func sitesSetBlocks(ctx context.Context, m *Main, args []string) error {
	c, pos, err := openInv(ctx, m, "sites set-blocks", args, []string{"table"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) < 1 {
		return usagef("usage: vigil sites set-blocks SITE [CIDR...]")
	}
	inv, err := m.inventory(c.db)
	if err != nil {
		return err
	}
	if err := inv.SetSiteBlocks(ctx, m.actor(), pos[0], pos[1:]); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "site %s declares %d address blocks; inventory re-resolved\n", pos[0], len(pos)-1)
	return nil
}
