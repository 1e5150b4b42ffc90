package main

import (
	"context"
	"fmt"
	"strconv"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/ingest"
)

const segmentsUsage = `usage: vigil segments COMMAND
  list [--format table|json|csv]   the network segments the hospital designates
  import FILE                      replace them from a CSV: name, cidr, vlan, clinical
                                   (header synonyms such as Subnet, VLAN ID, Is Clinical;
                                   , ; tab or | as delimiter)`

func runSegments(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 {
		return usagef("%s", segmentsUsage)
	}
	switch args[0] {
	case "list":
		return segmentsList(ctx, m, args[1:])
	case "import":
		return segmentsImport(ctx, m, args[1:])
	}
	return usagef("unknown segments command %q\n%s", args[0], segmentsUsage)
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
