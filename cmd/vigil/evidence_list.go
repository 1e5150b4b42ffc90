package main

import (
	"context"
	"flag"

	vigil "github.com/vigil-health/vigil"
)

func evidenceList(ctx context.Context, m *Main, args []string) error {
	var control, area, device *string
	var all *bool
	c, ev, pos, err := openEvidence(ctx, m, "list", args, []string{"table", "json", "csv"}, func(fs *flag.FlagSet) {
		control = fs.String("control", "", "only evidence of this control, framework:control")
		area = fs.String("area", "", "only evidence of this control area")
		device = fs.String("device", "", "only evidence of this device (id or asset tag)")
		all = fs.Bool("all-versions", false, "list superseded versions too")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) > 0 {
		return usagef("usage: vigil evidence list [--control FW:ID] [--area A] [--device D] [--all-versions] [--format table|json|csv]")
	}
	f := vigil.EvidenceFilter{Area: vigil.EvidenceArea(*area), AllVersions: *all}
	if f.Area != "" && !f.Area.Valid() {
		return usagef("--area: unknown area %q", *area)
	}
	if *control != "" {
		ref, err := controlRef(*control, "")
		if err != nil {
			return err
		}
		f.Control = &ref
	}
	if *device != "" {
		d, err := findDevice(ctx, c.db, *device)
		if err != nil {
			return err
		}
		f.DeviceID = d.ID
	}
	list, err := ev.List(ctx, f)
	if err != nil {
		return err
	}
	return emit(m.Stdout, c.format, map[string]any{"evidence": list}, func() *table {
		t := &table{header: evidenceHeader}
		for _, e := range list {
			t.add(evidenceRow(e)...)
		}
		return t
	})
}
