package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	vigil "github.com/vigil-health/vigil"
)

func sitesCommand() *command {
	return &command{
		name:    "sites",
		summary: "hospital sites: sites list, sites set-blocks SITE CIDR...",
		about: "The hospital's sites, as the sources name them, and the address blocks each " +
			"declares; devices seen only on the network take the site whose block holds " +
			"their address.",
		examples: []string{
			"vigil sites list",
			"vigil sites set-blocks 1 10.20.0.0/16 10.21.0.0/16",
		},
		subs: []*command{
			{
				name:    "list",
				summary: "the hospital sites and their address blocks",
				usage:   []string{"[--format table|json|csv]"},
				about:   "Lists the sites with their id, name and address blocks.",
				examples: []string{
					"vigil sites list",
					"vigil sites list --format json",
				},
				run: sitesList,
			},
			{
				name:    "set-blocks",
				summary: "replace the address blocks a site declares (none clears them)",
				usage:   []string{"SITE [CIDR...]"},
				about: "Replaces the address blocks a site (id or name) declares; none clears them. " +
					"Devices seen only on the network take the site whose block holds their address.",
				examples: []string{
					"vigil sites set-blocks 1 10.20.0.0/16 10.21.0.0/16",
					"vigil sites set-blocks 'St. Brigid'    # clear them",
				},
				run: sitesSetBlocks,
			},
		},
	}
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
