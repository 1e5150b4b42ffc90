package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/risk"
	"github.com/vigil-health/vigil/internal/store"
)

const vulnsUsage = `usage: vigil vulns COMMAND
  list [--kev] [--affecting] [--q TEXT] [--format table|json|csv]   vulnerabilities, those affecting most devices first
  show ID [--format table|json]                                      scores by source, KEV, EPSS, affected devices
  match                                                              match every device again`

func runVulns(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 {
		return usagef("%s", vulnsUsage)
	}
	switch args[0] {
	case "list":
		return vulnsList(ctx, m, args[1:])
	case "show":
		return vulnsShow(ctx, m, args[1:])
	case "match":
		c, _, err := openInv(ctx, m, "vulns match", args[1:], []string{"table"}, nil)
		if err != nil {
			return err
		}
		defer c.db.Close()
		n, err := c.db.RefreshMatches(ctx, m.actor())
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "%d device matches\n", n)
		return nil
	}
	return usagef("unknown vulns command %q\n%s", args[0], vulnsUsage)
}

func scoreText(v *vigil.Vulnerability) string {
	var parts []string
	for _, s := range v.Scores {
		parts = append(parts, fmt.Sprintf("%.1f (%s, CVSS %s)", s.Base, s.Source, s.Version))
	}
	return strings.Join(parts, "; ")
}

func vulnsList(ctx context.Context, m *Main, args []string) error {
	var kev, affecting *bool
	var q, limit *string
	c, _, err := openInv(ctx, m, "vulns list", args, []string{"table", "json", "csv"}, func(fs *flag.FlagSet) {
		kev = fs.Bool("kev", false, "only those in CISA's KEV catalog")
		affecting = fs.Bool("affecting", false, "only those affecting at least one device")
		q = fs.String("q", "", "search id, alias or description")
		limit = fs.String("limit", "0", "at most this many (0: all)")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	n, err := strconv.Atoi(*limit)
	if err != nil || n < 0 {
		return usagef("--limit must be a number")
	}
	vs, total, err := c.db.FindVulnerabilities(ctx, store.VulnFilter{Query: *q, KEV: *kev, Affecting: *affecting, Limit: n})
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
		vs = []*store.VulnSummary{}
	}
	if err := emit(m.Stdout, c.format, map[string]any{"vulnerabilities": vs, "total": total}, func() *table { return t }); err != nil {
		return err
	}
	if c.format == "table" {
		fmt.Fprintf(m.Stdout, "%d vulnerabilities\n", total)
	}
	return nil
}

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
	ms, err := c.db.FindMatches(ctx, store.MatchFilter{VulnID: v.ID})
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

func runRisk(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 || args[0] != "list" && args[0] != "show" {
		return usagef("usage: vigil risk list [--site ID] [--type TYPE] [--limit N] [--format table|json|csv] | vigil risk show DEVICE")
	}
	var site, typ, limit *string
	c, pos, err := openInv(ctx, m, "risk "+args[0], args[1:], []string{"table", "json", "csv"}, func(fs *flag.FlagSet) {
		site = fs.String("site", "", "only devices of this site id")
		typ = fs.String("type", "", "only devices of this type")
		limit = fs.String("limit", "0", "at most this many devices (0: all)")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	f := store.RiskFilter{DeviceType: *typ}
	if *site != "" {
		if f.SiteID, err = strconv.ParseInt(*site, 10, 64); err != nil {
			return usagef("--site must be a site id")
		}
	}
	if args[0] == "show" {
		if len(pos) != 1 {
			return usagef("usage: vigil risk show DEVICE")
		}
		d, err := findDevice(ctx, c.db, pos[0])
		if err != nil {
			return err
		}
		f.DeviceID = d.ID
	}
	as, err := c.db.AssessRisk(ctx, f)
	if err != nil {
		return err
	}
	if n, err := strconv.Atoi(*limit); err != nil || n < 0 {
		return usagef("--limit must be a number")
	} else if n > 0 && len(as) > n {
		as = as[:n]
	}
	if as == nil {
		as = []risk.Assessment{}
	}
	if args[0] == "show" && c.format == "table" {
		if len(as) == 0 {
			fmt.Fprintln(m.Stdout, "no vulnerability matches this device")
			return nil
		}
		a := as[0]
		fmt.Fprintf(m.Stdout, "device %d: risk %.1f of 100, SSVC %s\n\n", a.DeviceID, a.Score, a.Decision)
		t := &table{header: []string{"FACTOR", "VALUE", "WEIGHT", "CONTRIBUTION", "WHY"}}
		for _, x := range a.Factors {
			t.add(x.Name, fmt.Sprintf("%.2f", x.Value), fmt.Sprintf("%.2f", x.Weight), fmt.Sprintf("%.1f", x.Contribution), x.Detail)
		}
		t.writeText(m.Stdout)
		fmt.Fprintln(m.Stdout)
		v := &table{header: []string{"VULNERABILITY", "STATUS", "CVSS", "SOURCE", "EPSS", "KEV_DUE", "SSVC", "FIXED_IN"}}
		for _, p := range a.Vulns {
			due := ""
			if p.KEV {
				due = p.KEVDue.Format("2006-01-02")
			}
			v.add(p.VulnID, string(p.Status), fmt.Sprintf("%.1f", p.Score.Base), p.Score.Source, fmt.Sprintf("%.4f", p.EPSS), due, string(p.Decision), p.FixedIn)
		}
		return v.writeText(m.Stdout)
	}
	t := &table{header: []string{"RANK", "DEVICE", "TYPE", "CRITICALITY", "RISK", "SSVC", "OPEN_VULNS", "TOP_FACTORS"}}
	devs := map[int64]*vigil.Device{}
	for i, a := range as {
		d, err := c.db.FindDeviceByID(ctx, a.DeviceID)
		if err != nil {
			return err
		}
		devs[a.DeviceID] = d
		open := 0
		for _, p := range a.Vulns {
			if p.Status == vigil.StatusAffected && !p.Remediated {
				open++
			}
		}
		var top []string
		for _, x := range a.Factors {
			if x.Contribution >= 5 {
				top = append(top, fmt.Sprintf("%s %.0f", x.Name, x.Contribution))
			}
		}
		t.add(strconv.Itoa(i+1), fmt.Sprintf("%d %s", d.ID, d.Label()), d.DeviceType, string(d.Criticality), fmt.Sprintf("%.1f", a.Score), string(a.Decision), strconv.Itoa(open), strings.Join(top, ", "))
	}
	return emit(m.Stdout, c.format, map[string]any{"worklist": as}, func() *table { return t })
}
