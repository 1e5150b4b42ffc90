package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"

	vigil "github.com/vigil-health/vigil"
)

func vulnsList(ctx context.Context, m *Main, args []string) error {
	var kev, affecting *bool
	var q, limit, at *string
	c, _, err := openInv(ctx, m, "vulns list", args, []string{"table", "json", "csv"}, func(fs *flag.FlagSet) {
		kev = fs.Bool("kev", false, "only those in CISA's KEV catalog")
		affecting = fs.Bool("affecting", false, "only those affecting at least one device")
		q = fs.String("q", "", "search id, alias or description")
		limit = fs.String("limit", "0", "at most this many (0: all)")
		at = fs.String("at", "", "those matched to devices at this date (2006-01-02, the end of that day) or time (RFC 3339)")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	n, err := strconv.Atoi(*limit)
	if err != nil || n < 0 {
		return usagef("--limit must be a number")
	}
	f := vigil.VulnFilter{Query: *q, KEV: *kev, Affecting: *affecting, Limit: n}
	if f.At, err = atFlag(*at); err != nil {
		return err
	}
	vs, total, err := c.db.FindVulnerabilities(ctx, f)
	if err != nil {
		return err
	}
	t := &table{header: []string{"ID", "MAX_CVSS", "KEV_DUE", "EPSS", "DEVICES", "NOT_AFFECTED", "DESCRIPTION"}}
	for _, v := range vs {
		due, epss := "", ""
		if v.KEV != nil {
			due = v.KEV.DueDate.Format("2006-01-02")
		}
		if v.EPSS != nil {
			epss = strconv.FormatFloat(v.EPSS.Score, 'f', 4, 64)
		}
		desc := v.Description
		if len(desc) > 70 && c.format == "table" {
			desc = desc[:67] + "..."
		}
		t.add(v.ID, strconv.FormatFloat(v.MaxCVSS, 'f', 1, 64), due, epss, strconv.Itoa(v.Devices), strconv.Itoa(v.NotAffected), desc)
	}
	if vs == nil {
		vs = []*vigil.VulnSummary{}
	}
	if err := emit(m.Stdout, c.format, map[string]any{"vulnerabilities": vs, "total": total}, func() *table { return t }); err != nil {
		return err
	}
	if c.format == "table" {
		fmt.Fprintf(m.Stdout, "%d vulnerabilities\n", total)
	}
	return nil
}
