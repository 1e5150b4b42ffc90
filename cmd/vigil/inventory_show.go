package main

import (
	"context"
	"fmt"
	"strings"

	vigil "github.com/vigil-health/vigil"
)

func invShow(ctx context.Context, m *Main, args []string) error {
	c, pos, err := openInv(ctx, m, "inventory show", args, []string{"table", "json"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 {
		return usagef("usage: vigil inventory show ID|ASSET_TAG")
	}
	d, err := findDevice(ctx, c.db, pos[0])
	if err != nil {
		return err
	}
	inv, err := m.inventory(c.db)
	if err != nil {
		return err
	}
	prov, err := inv.Provenance(ctx, d.ID)
	if err != nil {
		return err
	}
	disc, err := c.db.FindDiscrepancies(ctx, vigil.DiscrepancyFilter{DeviceID: d.ID, All: true})
	if err != nil {
		return err
	}
	if c.format == "json" {
		ds := make([]vigil.Discrepancy, len(disc))
		for i, x := range disc {
			ds[i] = x.Discrepancy
		}
		out := map[string]any{"device": d, "provenance": prov, "discrepancies": ds}
		if g := deviceGUDID(ctx, c.db, chosen(prov, vigil.FieldUDI)); g != nil {
			out["gudid"] = g
		}
		return writeJSONOut(m.Stdout, out)
	}
	fmt.Fprintf(m.Stdout, "device %d  %s %s  (%s)\nsources: %s  confidence %.2f\ntype: %s — %s\n\n", d.ID, d.Manufacturer, d.Model, d.Label(),
		strings.Join(prov.Sources, ", "), prov.Confidence, d.DeviceType, prov.TypeReason)
	t := &table{header: []string{"FIELD", "CHOSEN", "FROM", "WHY", "EVERY SOURCE"}}
	for _, f := range prov.Fields {
		var all []string
		for _, v := range f.Values {
			all = append(all, v.Source+"="+v.Value)
		}
		t.add(f.Field, f.Value, f.Source, f.Reason, strings.Join(all, "; "))
	}
	t.writeText(m.Stdout)
	if g := deviceGUDID(ctx, c.db, chosen(prov, vigil.FieldUDI)); g != nil {
		fmt.Fprintln(m.Stdout, "\nFDA GUDID (reference data for its UDI's device identifier, not a source):")
		writeGUDID(m.Stdout, g, "  ")
	}
	if len(disc) > 0 {
		fmt.Fprintln(m.Stdout, "\ndiscrepancies:")
		for _, x := range disc {
			fmt.Fprintf(m.Stdout, "  %s %s %s\n", x.Kind, x.Field, x.Detail)
		}
	}
	return nil
}

// chosen returns the value chosen for a field, or "".
func chosen(prov *vigil.DeviceProvenance, field string) string {
	for _, f := range prov.Fields {
		if f.Field == field {
			return f.Value
		}
	}
	return ""
}
