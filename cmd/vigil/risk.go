package main

import (
	"context"
	"flag"
	"strconv"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/risk"
)

func riskCommand() *command {
	return &command{
		name:    "risk",
		summary: "the ranked risk worklist: risk list, risk show DEVICE",
		about: "The clinical risk worklist: devices ranked by the risk of their open " +
			"vulnerabilities (CVSS, KEV, EPSS, SSVC, exposure and clinical criticality), each " +
			"factor's contribution shown.",
		examples: []string{
			"vigil risk list --format csv",
			"vigil risk show CE100002",
		},
		subs: []*command{
			{
				name:    "list",
				summary: "the ranked worklist of devices",
				usage:   []string{"[--site ID] [--type TYPE] [--all] [--at DATE] [--limit N] [--format table|json|csv]"},
				about: "Lists the devices with something open, highest risk first; --all adds those " +
					"with nothing open, --at ranks from the matches open at a date.",
				examples: []string{
					"vigil risk list --limit 20",
					"vigil risk list --type infusion-pump --site 1 --format csv",
					"vigil risk list --at 2026-06-30",
				},
				run: func(ctx context.Context, m *Main, args []string) error { return runRisk(ctx, m, "list", args) },
			},
			{
				name:    "show",
				summary: "one device's score, each factor's contribution explained",
				usage:   []string{"DEVICE [--at DATE] [--format table|json|csv]"},
				about:   "Explains one device's risk score (by id, asset tag, serial, MAC or host name): each factor's contribution and each open vulnerability.",
				examples: []string{
					"vigil risk show CE100002",
					"vigil risk show 42 --format json",
				},
				run: func(ctx context.Context, m *Main, args []string) error { return runRisk(ctx, m, "show", args) },
			},
		},
	}
}

func runRisk(ctx context.Context, m *Main, sub string, args []string) error {
	c, as, err := riskAssess(ctx, m, sub, args)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if sub == "show" && c.format == "table" {
		return riskShow(m, as)
	}
	// JSON and CSV of "risk show" are the worklist of its one device.
	return riskList(ctx, m, c, as)
}

// riskAssess parses a risk command's flags and assesses the devices they
// select: the one named by "risk show", or every device for "risk list".
// The caller closes c.db.
func riskAssess(ctx context.Context, m *Main, sub string, args []string) (c *invCmd, as []risk.Assessment, err error) {
	var site, typ, limit, at *string
	var all *bool
	c, pos, err := openInv(ctx, m, "risk "+sub, args, []string{"table", "json", "csv"}, func(fs *flag.FlagSet) {
		site = fs.String("site", "", "only devices of this site id")
		typ = fs.String("type", "", "only devices of this type")
		limit = fs.String("limit", "0", "at most this many devices (0: all)")
		all = fs.Bool("all", false, "list the devices with nothing open too (every match fixed, not affected or remediated)")
		at = fs.String("at", "", "from the matches open at this date (2006-01-02, the end of that day) or time (RFC 3339)")
	})
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		if err != nil {
			c.db.Close()
		}
	}()
	// The worklist's order is the engine's (risk.Rank), as in the web and the API.
	f := vigil.RiskFilter{DeviceType: *typ, OpenOnly: !*all}
	if f.At, err = atFlag(*at); err != nil {
		return nil, nil, err
	}
	if *site != "" {
		if f.SiteID, err = strconv.ParseInt(*site, 10, 64); err != nil {
			return nil, nil, usagef("--site must be a site id")
		}
	}
	if sub == "show" {
		if len(pos) != 1 {
			return nil, nil, usagef("usage: vigil risk show DEVICE")
		}
		d, err := findDevice(ctx, c.db, pos[0])
		if err != nil {
			return nil, nil, err
		}
		f.DeviceID, f.OpenOnly = d.ID, false
	}
	exp, err := m.exposure(c.db)
	if err != nil {
		return nil, nil, err
	}
	as, err = exp.AssessRisk(ctx, f)
	if err != nil {
		return nil, nil, err
	}
	if n, err := strconv.Atoi(*limit); err != nil || n < 0 {
		return nil, nil, usagef("--limit must be a number")
	} else if n > 0 && len(as) > n {
		as = as[:n]
	}
	if as == nil {
		as = []risk.Assessment{}
	}
	return c, as, nil
}
