package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/jsonout"
)

func invDiscrepancies(ctx context.Context, m *Main, args []string) error {
	var kind, site *string
	var all *bool
	c, _, err := openInv(ctx, m, "inventory discrepancies", args, []string{"table", "json", "csv"}, func(fs *flag.FlagSet) {
		kind = enumFlag(fs, "kind", "only this kind: missing-from-source, unmanaged, stale, field-conflict, duplicate, identity-conflict", vigil.DiscrepancyKinds...)
		site = fs.String("site", "", "only the devices of this hospital (site id)")
		all = fs.Bool("all", false, "include acknowledged discrepancies")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	f := vigil.DiscrepancyFilter{Kind: vigil.DiscrepancyKind(*kind), All: *all}
	if *site != "" {
		if f.SiteID, err = strconv.ParseInt(*site, 10, 64); err != nil || f.SiteID < 1 {
			return usagef("--site must be a site id")
		}
	}
	// JSON and CSV are written as the discrepancies are read, in the
	// shape of vigil.DiscrepancyReport; a table is aligned, so it is built
	// first.
	header := []string{"KIND", "DEVICE", "IDENTIFIER", "FIELD", "VALUES", "SOURCES", "KEY"}
	row := func(d *vigil.StoredDiscrepancy) []string {
		var vals []string
		for _, s := range sortedMapKeys(d.Values) {
			vals = append(vals, s+"="+d.Values[s])
		}
		ident := vigil.Device{AssetTag: d.Device.AssetTag, Hostname: d.Device.Hostname, Serial: d.Device.Serial, MAC: d.Device.MAC, IP: d.Device.IP}
		return []string{string(d.Kind), strconv.FormatInt(d.Device.ID, 10), ident.Label(), d.Field, strings.Join(vals, "; "), strings.Join(d.Sources, ","), d.Key}
	}
	switch c.format {
	case "json":
		return writeJSONOut(m.Stdout, map[string]any{"discrepancies": jsonout.Stream(func(add func(any) error) error {
			return c.db.ScanDiscrepancies(ctx, f, func(d *vigil.StoredDiscrepancy) error { return add(d.Discrepancy) })
		})})
	case "csv":
		return writeCSVRows(m.Stdout, header, func(add func([]string) error) error {
			return c.db.ScanDiscrepancies(ctx, f, func(d *vigil.StoredDiscrepancy) error { return add(row(d)) })
		})
	}
	t := &table{header: header}
	counts := map[vigil.DiscrepancyKind]int{}
	if err := c.db.ScanDiscrepancies(ctx, f, func(d *vigil.StoredDiscrepancy) error {
		t.add(row(d)...)
		counts[d.Kind]++
		return nil
	}); err != nil {
		return err
	}
	if err := t.writeText(m.Stdout); err != nil {
		return err
	}
	var parts []string
	for _, k := range vigil.DiscrepancyKinds {
		parts = append(parts, fmt.Sprintf("%s %d", k, counts[k]))
	}
	fmt.Fprintf(m.Stdout, "%d discrepancies: %s\n", len(t.rows), strings.Join(parts, ", "))
	return nil
}

func sortedMapKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sortStrings(out)
	return out
}
