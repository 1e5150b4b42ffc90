package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"time"

	vigil "github.com/vigil-health/vigil"
)

func invList(ctx context.Context, m *Main, args []string) error {
	var q, typ, site, crit, source, disc, ephi, asOf *string
	var limit *string
	c, _, err := openInv(ctx, m, "inventory list", args, []string{"table", "json", "csv"}, func(fs *flag.FlagSet) {
		q = fs.String("q", "", "search identifiers, manufacturer, model, location")
		typ = fs.String("type", "", "device type, e.g. infusion-pump")
		site = fs.String("site", "", "site id")
		crit = enumFlag(fs, "criticality", "life-sustaining, life-supporting, diagnostic or non-clinical", vigil.Criticalities...)
		source = fs.String("source", "", "only devices this source lists")
		disc = enumFlag(fs, "discrepancy", "only devices with an open discrepancy of this kind", vigil.DiscrepancyKinds...)
		ephi = fs.String("ephi", "", "true or false: devices that store or send ePHI")
		asOf = fs.String("as-of", "", "the inventory as it stood at this date (2006-01-02) or time (RFC 3339)")
		fs.StringVar(asOf, "at", "", "the same as --as-of")
		limit = fs.String("limit", "0", "at most this many devices (0: all)")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	f := vigil.DeviceFilter{Query: *q, DeviceType: *typ, Criticality: vigil.Criticality(*crit), Source: *source, Discrepancy: vigil.DiscrepancyKind(*disc)}
	if *site != "" {
		id, err := strconv.ParseInt(*site, 10, 64)
		if err != nil {
			return usagef("--site must be a site id")
		}
		f.SiteID = &id
	}
	if *ephi != "" {
		b, err := strconv.ParseBool(*ephi)
		if err != nil {
			return usagef("--ephi must be true or false")
		}
		f.EPHI = &b
	}
	if *asOf != "" {
		t, err := parseAsOf(*asOf)
		if err != nil {
			return err
		}
		f.AsOf = &t
	}
	if n, err := strconv.Atoi(*limit); err != nil || n < 0 {
		return usagef("--limit must be a number")
	} else {
		f.Limit = n
	}
	devs, total, err := c.db.FindDevices(ctx, f)
	if err != nil {
		return err
	}
	if devs == nil {
		devs = []*vigil.Device{}
	}
	if err := emit(m.Stdout, c.format, map[string]any{"devices": devs, "total": total}, func() *table { return deviceTable(devs) }); err != nil {
		return err
	}
	if c.format == "table" {
		fmt.Fprintf(m.Stdout, "%d devices\n", total)
	}
	return nil
}

func parseAsOf(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return t, usagef("--as-of must be a date (2006-01-02) or an RFC 3339 time")
	}
	return t.Add(24*time.Hour - time.Nanosecond), nil
}

// atFlag parses an optional --at: nil when it is empty, else the date (the
// end of that day) or time it names.
func atFlag(s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := parseAsOf(s)
	if err != nil {
		return nil, usagef("--at must be a date (2006-01-02) or an RFC 3339 time")
	}
	return &t, nil
}
