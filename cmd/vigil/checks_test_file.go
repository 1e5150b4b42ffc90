package main

import (
	"context"
	"flag"
	"fmt"
	"sort"
	"strconv"

	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/checks"
	"github.com/vigil-health/vigil/internal/compliance"
)

// checksTest runs one check file against the current inventory and prints
// each device's verdict, failures first; it stores nothing. A file the
// service refuses is an error naming its file, line and reason.
func checksTest(ctx context.Context, m *Main, args []string) error {
	var all *bool
	var lim *bound.Limits
	c, pos, err := openInv(ctx, m, "checks test", args, []string{"table", "json", "csv"}, func(fs *flag.FlagSet) {
		all = fs.Bool("all", false, "list the devices the check does not apply to too")
		lim = wholeFileFlags(fs)
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 {
		return usagef("usage: vigil checks test FILE [--all] [--format table|json|csv]")
	}
	data, comp, err := checkFile(c, pos[0], lim)
	if err != nil {
		return err
	}
	chk, results, err := comp.TestCheck(ctx, pos[0], data)
	if err != nil {
		return err
	}
	count := map[checks.Status]int{}
	for _, r := range results {
		count[r.Status]++
	}
	rank := map[checks.Status]int{checks.StatusFail: 0, checks.StatusError: 1, checks.StatusPass: 2, checks.StatusNotApplicable: 3}
	sort.SliceStable(results, func(i, j int) bool { return rank[results[i].Status] < rank[results[j].Status] })
	if c.format == "json" {
		return writeJSONOut(m.Stdout, map[string]any{
			"check":   map[string]any{"id": chk.ID, "title": chk.Title, "severity": chk.Severity, "controls": chk.Controls},
			"summary": count, "results": results,
		})
	}
	shown := results
	if !*all {
		shown = shown[:len(results)-count[checks.StatusNotApplicable]]
	}
	rows := func() *table { return deviceResultTable(shown) }
	if c.format == "csv" {
		return rows().writeCSV(m.Stdout)
	}
	fmt.Fprintf(m.Stdout, "%s: %s (%s)\n%d devices: %d pass, %d fail, %d not applicable, %d could not be evaluated\n\n",
		chk.ID, chk.Title, chk.Severity, len(results), count[checks.StatusPass], count[checks.StatusFail],
		count[checks.StatusNotApplicable], count[checks.StatusError])
	return rows().writeText(m.Stdout)
}

// deviceResultTable is one row per device: the check's verdict and why.
func deviceResultTable(rs []compliance.DeviceResult) *table {
	t := &table{header: []string{"DEVICE", "ASSET_TAG", "STATUS", "DEVICE_NAME", "REASON"}}
	for _, r := range rs {
		t.add(strconv.FormatInt(r.DeviceID, 10), r.AssetTag, string(r.Status), r.Label, oneLine(r.Reason))
	}
	return t
}
