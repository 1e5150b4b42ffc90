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
