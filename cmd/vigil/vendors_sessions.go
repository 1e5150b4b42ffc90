package main

import (
	"context"
	"flag"
	"strconv"
	"time"

	"github.com/vigil-health/vigil/internal/vendors"
)

const vendorsSessionsUsage = "usage: vigil vendors sessions [--vendor V|unknown] [--device ID] [--at DATE] [--findings] [--format table|json]"

// runVendorsSessions lists the vendor remote sessions discovery recorded,
// or with --findings the sessions the register cannot account for.
func runVendorsSessions(ctx context.Context, m *Main, args []string) error {
	var vendor, device, at *string
	var findings *bool
	c, pos, err := openInv(ctx, m, "vendors sessions", args, []string{"table", "json"}, func(fs *flag.FlagSet) {
		vendor = fs.String("vendor", "", "only this vendor's sessions (id, name or alias; unknown for the untied)")
		device = fs.String("device", "", "only this device's sessions (id or asset tag)")
		at = fs.String("at", "", "read the register at the end of this date (2006-01-02; default now)")
		findings = fs.Bool("findings", false, "list the findings about the sessions (vendor-remote-no-baa, vendor-remote-unknown) instead")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) > 0 {
		return usagef("%s", vendorsSessionsUsage)
	}
	f := vendors.SessionFilter{Vendor: *vendor}
	if *at != "" {
		day, err := parseDay("--at", *at)
		if err != nil {
			return err
		}
		f.At = day.Add(24*time.Hour - time.Nanosecond)
	}
	if *device != "" {
		d, err := findDevice(ctx, c.db, *device)
		if err != nil {
			return err
		}
		f.DeviceID = d.ID
	}
	rep, err := vendors.New(c.db).SessionReport(ctx, f)
	if err != nil {
		return err
	}
	if *findings {
		if c.format == "json" {
			return writeJSONOut(m.Stdout, rep.Findings)
		}
		t := &table{header: []string{"AT", "CODE", "DEVICE", "VENDOR", "PEER", "TOOL", "DETAIL"}}
		for _, x := range rep.Findings {
			t.add(x.At.UTC().Format(time.RFC3339), x.Code, x.Device, x.Vendor, x.Peer, x.Tool, x.Detail)
		}
		return t.writeText(m.Stdout)
	}
	if c.format == "json" {
		return writeJSONOut(m.Stdout, rep.Sessions)
	}
	t := &table{header: []string{"FIRST SEEN", "DURATION", "DEVICE", "VENDOR", "PEER", "TOOL", "PORT", "CONNECTIONS", "BYTES"}}
	for _, s := range rep.Sessions {
		peer := s.Peer
		if s.PeerName != "" {
			peer += " (" + s.PeerName + ")"
		}
		t.add(s.FirstSeen.UTC().Format(time.RFC3339), s.Duration().Round(time.Second).String(), s.Device, s.Vendor, peer, s.Tool,
			strconv.Itoa(int(s.Port)), strconv.Itoa(s.Connections), strconv.FormatUint(s.Bytes, 10))
	}
	return t.writeText(m.Stdout)
}
