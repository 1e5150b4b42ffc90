package main

import (
	"context"
	"fmt"
	"strconv"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/ingest"
)

func segmentsCommand() *command {
	return &command{
		name:    "segments",
		summary: "network segments: segments list, segments import FILE",
		about: "The network segments the hospital designates (name, CIDR, VLAN, clinical or not), " +
			"which discovery and the checks read.",
		examples: []string{
			"vigil segments import network_segments.csv",
			"vigil segments list",
		},
		subs: []*command{
			{
				name:    "list",
				summary: "the network segments the hospital designates",
				usage:   []string{"[--format table|json|csv]"},
				about:   "Lists the network segments: name, CIDR, VLAN and whether it is clinical.",
				examples: []string{
					"vigil segments list",
					"vigil segments list --format csv",
				},
				run: segmentsList,
			},
			{
				name:    "import",
				summary: "replace them from a CSV: name, cidr, vlan, clinical",
				usage:   []string{"FILE"},
				about: "Replaces the segments from a CSV with name, cidr, vlan and clinical columns " +
					"(header synonyms such as Subnet, VLAN ID, Is Clinical; , ; tab or | as " +
					"delimiter). An optional site column (Site, Hospital, Facility, Campus) names " +
					"each subnet's hospital: its subnets join that hospital's address blocks " +
					"(as vigil sites set-blocks would), so devices only the network sees there take the site.",
				examples: []string{
					"vigil segments import network_segments.csv",
				},
				run:     segmentsImport,
				creates: true,
			},
		},
	}
}

func segmentsList(ctx context.Context, m *Main, args []string) error {
	c, pos, err := openInv(ctx, m, "segments list", args, []string{"table", "json", "csv"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) > 0 {
		return usagef("usage: vigil segments list [--format table|json|csv]")
	}
	comp, err := m.compliance(c.db)
	if err != nil {
		return err
	}
	segs, err := comp.Segments(ctx)
	if err != nil {
		return err
	}
	return emit(m.Stdout, c.format, map[string]any{"segments": segs}, func() *table {
		t := &table{header: []string{"name", "cidr", "vlan", "clinical"}}
		if c.format == "table" {
			t.header = []string{"NAME", "CIDR", "VLAN", "CLINICAL"}
		}
		for _, s := range segs {
			vlan := ""
			if s.VLAN > 0 {
				vlan = strconv.Itoa(s.VLAN)
			}
			t.add(s.Name, s.CIDR, vlan, strconv.FormatBool(s.Clinical))
		}
		return t
	})
}

func segmentsImport(ctx context.Context, m *Main, args []string) error {
	c, pos, err := openInv(ctx, m, "segments import", args, []string{"table"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 {
		return usagef("usage: vigil segments import FILE")
	}
	segs, err := ingest.ReadSegments(pos[0])
	if err != nil {
		return err
	}
	comp, err := m.compliance(c.db)
	if err != nil {
		return err
	}
	if err := comp.SetSegments(ctx, m.actor(), segs); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%s; every framework evaluated again\n", segmentsLine(segs, pos[0]))
	// A list that names each subnet's hospital declares the subnets as the
	// hospitals' address blocks, so devices only the network sees there
	// take their site.
	bySite := map[string][]string{}
	for _, s := range segs {
		if s.Site != "" && s.CIDR != "" {
			bySite[s.Site] = append(bySite[s.Site], s.CIDR)
		}
	}
	if len(bySite) == 0 {
		return nil
	}
	inv, err := m.inventory(c.db)
	if err != nil {
		return err
	}
	added, unknown, err := inv.AddSiteBlocks(ctx, m.actor(), bySite)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%d address blocks added to the sites the list names (subnets a site's blocks already hold are skipped)\n", added)
	for _, u := range unknown {
		fmt.Fprintf(m.Stderr, "vigil: warning: %s names the site %q, which is no hospital of the inventory: its subnets are not its address blocks\n", pos[0], u)
	}
	return nil
}

// segmentsLine counts imported segments.
func segmentsLine(segs []vigil.Segment, file string) string {
	clinical := 0
	for _, s := range segs {
		if s.Clinical {
			clinical++
		}
	}
	return fmt.Sprintf("imported %d network segments (%d clinical) from %s", len(segs), clinical, file)
}
