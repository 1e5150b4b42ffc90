package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
)

func runAuditMock(ctx context.Context, m *Main, args []string) error {
	var framework *string
	var sample *int
	var seed *int64
	c, pos, err := openInv(ctx, m, "audit mock", args, []string{"table", "json"}, func(fs *flag.FlagSet) {
		framework = fs.String("framework", "", "the framework to audit (required): hipaa, csf2, hicp, hph-cpg, fda-524b or an imported one")
		sample = fs.Int("sample", 10, "devices to sample, weighted towards high clinical risk")
		seed = fs.Int64("seed", -1, "the sample's seed: the same seed over the same data draws the same audit (default: from the clock)")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) > 0 || *framework == "" {
		return usagef("usage: vigil audit mock --framework ID [--sample N] [--seed S] [--format table|json]")
	}
	if *sample < 1 {
		return usagef("--sample must be at least 1")
	}
	if *seed < 0 {
		*seed = time.Now().UnixNano() % 1_000_000
	}
	svc, err := m.assurance(c.db)
	if err != nil {
		return err
	}
	a, err := svc.MockAudit(ctx, m.actor(), *framework, *sample, *seed)
	if err != nil {
		return err
	}
	if c.format == "json" {
		return writeJSONOut(m.Stdout, a)
	}
	fmt.Fprintf(m.Stdout, "Mock audit %d of %s (seed %d, %d devices sampled): readiness %.1f%%\n", a.ID, a.Framework, a.Seed, len(a.Devices), a.Score)
	for _, n := range a.Notes {
		fmt.Fprintf(m.Stdout, "Note: %s\n", n)
	}
	fmt.Fprintln(m.Stdout)
	if err := areaTable(a.Areas).writeText(m.Stdout); err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout)
	t := &table{header: []string{"CONTROL", "DEVICE", "EVIDENCE_NEEDED", "STATUS", "EVIDENCE", "REASON"}}
	for _, r := range a.Requests {
		dev := "program"
		if r.Device != 0 {
			dev = r.DeviceLabel
		}
		t.add(r.Control, dev, string(r.EvidenceNeeded), string(r.Status), strings.Join(r.Evidence, ","), r.Reason)
	}
	return t.writeText(m.Stdout)
}

func areaTable(areas []vigil.AreaScore) *table {
	t := &table{header: []string{"AREA", "SCORE", "HELD", "STALE", "MISSING"}}
	for _, s := range areas {
		t.add(string(s.Area), strconv.FormatFloat(s.Score, 'f', 1, 64), strconv.Itoa(s.Held), strconv.Itoa(s.Stale), strconv.Itoa(s.Missing))
	}
	return t
}
