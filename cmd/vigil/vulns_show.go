package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	vigil "github.com/vigil-health/vigil"
)

func vulnsShow(ctx context.Context, m *Main, args []string) error {
	c, pos, err := openInv(ctx, m, "vulns show", args, []string{"table", "json"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 {
		return usagef("usage: vigil vulns show ID")
	}
	v, err := c.db.FindVulnerability(ctx, pos[0])
	if err != nil {
		return err
	}
	ms, err := c.db.FindMatches(ctx, vigil.MatchFilter{VulnID: v.ID})
	if err != nil {
		return err
	}
	if c.format == "json" {
		if ms == nil {
			ms = []vigil.VulnMatch{}
		}
		return writeJSONOut(m.Stdout, map[string]any{"vulnerability": v, "matches": ms})
	}
	fmt.Fprintf(m.Stdout, "%s\n%s\nscores: %s\n", v.ID, v.Description, scoreText(v))
	if v.KEV != nil {
		fmt.Fprintf(m.Stdout, "CISA KEV: added %s, due %s, ransomware use %s\n", v.KEV.DateAdded.Format("2006-01-02"), v.KEV.DueDate.Format("2006-01-02"), v.KEV.RansomwareUse)
	}
	if v.EPSS != nil {
		fmt.Fprintf(m.Stdout, "EPSS: %.4f (percentile %.2f) on %s\n", v.EPSS.Score, v.EPSS.Percentile, v.EPSS.Date.Format("2006-01-02"))
	}
	fmt.Fprintln(m.Stdout)
	t := &table{header: []string{"DEVICE", "STATUS", "BASIS", "CONFIDENCE", "FIXED_IN", "ADVISORY", "WHY"}}
	for _, x := range ms {
		t.add(strconv.FormatInt(x.DeviceID, 10), string(x.Status), string(x.Basis), strconv.FormatFloat(x.Confidence, 'f', 2, 64), x.FixedIn, x.AdvisoryID, x.Reason+" "+x.Justification)
	}
	return t.writeText(m.Stdout)
}

func scoreText(v *vigil.Vulnerability) string {
	var parts []string
	for _, s := range v.Scores {
		parts = append(parts, fmt.Sprintf("%.1f (%s, CVSS %s)", s.Base, s.Source, s.Version))
	}
	return strings.Join(parts, "; ")
}
