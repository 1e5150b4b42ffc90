package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"

	vigil "github.com/vigil-health/vigil"
)

func networkCommand() *command {
	return &command{
		name:    "network",
		summary: "what discovery found: network findings [--code C] [--at DATE]",
		about:   "What passive discovery found on the wire (see 'vigil discover').",
		subs: []*command{{
			name:    "findings",
			summary: "the findings on the wire in force now, or at a date",
			usage:   []string{"[--code C] [--at DATE] [--format table|json]"},
			about: "Lists what passive discovery found on the wire (cleartext PHI, default " +
				"credentials, internet peers...): the findings in force now, or at a date " +
				"(2006-01-02, the end of that day) or time (RFC 3339).",
			examples: []string{
				"vigil network findings",
				"vigil network findings --code cleartext-phi --at 2026-06-30",
			},
			run: networkFindings,
		}},
	}
}

func networkFindings(ctx context.Context, m *Main, args []string) error {
	var code, at *string
	c, pos, err := openInv(ctx, m, "network findings", args, []string{"table", "json"}, func(fs *flag.FlagSet) {
		code = fs.String("code", "", "only findings of this code, e.g. cleartext-phi")
		at = fs.String("at", "", "the findings in force at this date (2006-01-02, the end of that day) or time (RFC 3339)")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) > 0 {
		return usagef("unexpected argument %q: network findings takes only flags", pos[0])
	}
	t, err := atFlag(*at)
	if err != nil {
		return err
	}
	var fs []*vigil.DeviceFinding
	if t != nil {
		fs, err = c.db.FindNetworkFindingsAt(ctx, *code, *t)
	} else {
		fs, err = c.db.FindNetworkFindings(ctx, *code)
	}
	if err != nil {
		return err
	}
	if fs == nil {
		fs = []*vigil.DeviceFinding{}
	}
	err = emit(m.Stdout, c.format, map[string]any{"findings": fs, "total": len(fs)}, func() *table {
		tb := &table{header: []string{"CODE", "DEVICE", "MAC", "IP", "SEEN", "DETAIL"}}
		for _, f := range fs {
			dev := ""
			if f.DeviceID != 0 {
				dev = strconv.FormatInt(f.DeviceID, 10)
			}
			tb.add(f.Code, dev, f.MAC, f.IP, f.SeenAt.UTC().Format("2006-01-02 15:04"), f.Detail)
		}
		return tb
	})
	if err != nil {
		return err
	}
	if c.format == "table" {
		fmt.Fprintf(m.Stdout, "%d findings\n", len(fs))
	}
	return nil
}
