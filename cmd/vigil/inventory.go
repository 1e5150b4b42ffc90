package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/jsonout"
	"github.com/vigil-health/vigil/internal/store"
)

const inventoryUsage = `usage: vigil inventory COMMAND [flags]
  list            list devices (filters: --q --type --site --criticality --source --discrepancy --ephi --as-of)
  show ID|TAG     one device with what every source says about it
  export          every device as CSV or JSON (--format, --out)
  discrepancies   where the sources disagree (--kind, --site, --all, --format table|json|csv)
  conflicts       the identity-conflict queue: records kept apart for a person to decide
  decide A B      settle a conflict: --same or --different, with --note
  ack KEY         acknowledge a discrepancy with --note (KEY from discrepancies --format table)
  set ID FIELD V  set a device field by hand (e.g. device_type)
  precedence      show the per-field source precedence; --set FIELD=a,b,c changes one field
  role SOURCE R   set a source's role: clinical-engineering, it, scanner, network or other`

func runInventory(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 {
		return usagef("%s", inventoryUsage)
	}
	sub := map[string]func(context.Context, *Main, []string) error{
		"list": invList, "show": invShow, "export": invExport, "discrepancies": invDiscrepancies,
		"conflicts": invConflicts, "decide": invDecide, "ack": invAck, "set": invSet, "precedence": invPrecedence, "role": invRole,
	}[args[0]]
	if sub == nil {
		return usagef("unknown inventory command %q\n%s", args[0], inventoryUsage)
	}
	return sub(ctx, m, args[1:])
}

// parseInterspersed parses flags that may come before or after positional
// arguments and returns the positionals.
func parseInterspersed(fsParse func([]string) error, nargs func() []string, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fsParse(args); err != nil {
			return nil, err
		}
		rest := nargs()
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

type invCmd struct {
	m      *Main
	db     *store.DB
	format string
}

// openInv parses the common flags of an inventory command and opens the store.
func openInv(ctx context.Context, m *Main, name string, args []string, formats []string, extra func(fs *flag.FlagSet)) (*invCmd, []string, error) {
	fs := m.flagSet("inventory " + name)
	db := m.dbFlag(fs)
	format := fs.String("format", formats[0], "output format: "+strings.Join(formats, ", "))
	if extra != nil {
		extra(fs)
	}
	pos, err := parseInterspersed(func(a []string) error { return parse(fs, a) }, fs.Args, args)
	if err != nil {
		return nil, nil, err
	}
	if err := checkFormat(*format, formats...); err != nil {
		return nil, nil, err
	}
	d, err := openDB(ctx, *db)
	if err != nil {
		return nil, nil, err
	}
	return &invCmd{m: m, db: d, format: *format}, pos, nil
}

var deviceHeader = []string{"ID", "ASSET_TAG", "TYPE", "MANUFACTURER", "MODEL", "FIRMWARE", "MAC", "IP", "HOSTNAME", "LOCATION", "CRITICALITY", "EPHI"}

func deviceRow(d *vigil.Device) []string {
	return []string{strconv.FormatInt(d.ID, 10), d.AssetTag, d.DeviceType, d.Manufacturer, d.Model, d.Firmware, d.MAC, d.IP, d.Hostname, d.Location, string(d.Criticality), strconv.FormatBool(d.HasEPHI())}
}

func deviceTable(devs []*vigil.Device) *table {
	t := &table{header: deviceHeader}
	for _, d := range devs {
		t.add(deviceRow(d)...)
	}
	return t
}

func invList(ctx context.Context, m *Main, args []string) error {
	var q, typ, site, crit, source, disc, ephi, asOf *string
	var limit *string
	c, _, err := openInv(ctx, m, "list", args, []string{"table", "json", "csv"}, func(fs *flag.FlagSet) {
		q = fs.String("q", "", "search identifiers, manufacturer, model, location")
		typ = fs.String("type", "", "device type, e.g. infusion-pump")
		site = fs.String("site", "", "site id")
		crit = fs.String("criticality", "", "life-sustaining, life-supporting, diagnostic or non-clinical")
		source = fs.String("source", "", "only devices this source lists")
		disc = fs.String("discrepancy", "", "only devices with an open discrepancy of this kind")
		ephi = fs.String("ephi", "", "true or false: devices that store or send ePHI")
		asOf = fs.String("as-of", "", "the inventory as it stood at this date (2006-01-02) or time (RFC 3339)")
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

// findDevice resolves an id or an asset tag.
func findDevice(ctx context.Context, db *store.DB, ref string) (*vigil.Device, error) {
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		return db.FindDeviceByID(ctx, id)
	}
	devs, _, err := db.FindDevices(ctx, vigil.DeviceFilter{Query: ref})
	if err != nil {
		return nil, err
	}
	for _, d := range devs {
		if strings.EqualFold(d.AssetTag, ref) || strings.EqualFold(d.Serial, ref) || d.MAC == strings.ToLower(ref) || strings.EqualFold(d.Hostname, ref) {
			return d, nil
		}
	}
	return nil, vigil.Errorf(vigil.ENOTFOUND, "no device with id, asset tag, serial, MAC or host name %q", ref)
}

func invShow(ctx context.Context, m *Main, args []string) error {
	c, pos, err := openInv(ctx, m, "show", args, []string{"table", "json"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 {
		return usagef("usage: vigil inventory show ID|ASSET_TAG")
	}
	d, err := findDevice(ctx, c.db, pos[0])
	if err != nil {
		return err
	}
	prov, err := c.db.FindDeviceProvenance(ctx, d.ID)
	if err != nil {
		return err
	}
	disc, err := c.db.FindDiscrepancies(ctx, store.DiscrepancyFilter{DeviceID: d.ID, All: true})
	if err != nil {
		return err
	}
	if c.format == "json" {
		ds := make([]vigil.Discrepancy, len(disc))
		for i, x := range disc {
			ds[i] = x.Discrepancy
		}
		return writeJSONOut(m.Stdout, map[string]any{"device": d, "provenance": prov, "discrepancies": ds})
	}
	fmt.Fprintf(m.Stdout, "device %d  %s %s  (%s)\nsources: %s  confidence %.2f\ntype: %s — %s\n\n", d.ID, d.Manufacturer, d.Model, d.Label(),
		strings.Join(prov.Sources, ", "), prov.Confidence, d.DeviceType, prov.TypeReason)
	t := &table{header: []string{"FIELD", "CHOSEN", "FROM", "WHY", "EVERY SOURCE"}}
	for _, f := range prov.Fields {
		var all []string
		for _, v := range f.Values {
			all = append(all, v.Source+"="+v.Value)
		}
		t.add(f.Field, f.Value, f.Source, f.Reason, strings.Join(all, "; "))
	}
	t.writeText(m.Stdout)
	if len(disc) > 0 {
		fmt.Fprintln(m.Stdout, "\ndiscrepancies:")
		for _, x := range disc {
			fmt.Fprintf(m.Stdout, "  %s %s %s\n", x.Kind, x.Field, x.Detail)
		}
	}
	return nil
}

func invExport(ctx context.Context, m *Main, args []string) error {
	var out *string
	c, _, err := openInv(ctx, m, "export", args, []string{"csv", "json", "table"}, func(fs *flag.FlagSet) {
		out = fs.String("out", "", "write to this file instead of standard output")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	w := m.Stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return vigil.WrapError(vigil.EUNAVAILABLE, fmt.Sprintf("cannot write %s: %v", *out, pathErr(err)), err)
		}
		defer f.Close()
		w = f
	}
	// JSON and CSV are written as the devices are read; a table is
	// aligned, so it is built first.
	each := func(fn func(*vigil.Device) error) error { return c.db.ScanDevices(ctx, vigil.DeviceFilter{}, fn) }
	switch c.format {
	case "json":
		return writeJSONOut(w, map[string]any{"exported_at": time.Now().UTC(), "devices": jsonout.Stream(func(add func(any) error) error {
			return each(func(d *vigil.Device) error { return add(d) })
		})})
	case "csv":
		return writeCSVRows(w, deviceHeader, func(row func([]string) error) error {
			return each(func(d *vigil.Device) error { return row(deviceRow(d)) })
		})
	}
	t := &table{header: deviceHeader}
	if err := each(func(d *vigil.Device) error { t.add(deviceRow(d)...); return nil }); err != nil {
		return err
	}
	return t.writeText(w)
}

func invDiscrepancies(ctx context.Context, m *Main, args []string) error {
	var kind, site *string
	var all *bool
	c, _, err := openInv(ctx, m, "discrepancies", args, []string{"table", "json", "csv"}, func(fs *flag.FlagSet) {
		kind = fs.String("kind", "", "only this kind: missing-from-source, unmanaged, stale, field-conflict, duplicate, identity-conflict")
		site = fs.String("site", "", "only the devices of this hospital (site id)")
		all = fs.Bool("all", false, "include acknowledged discrepancies")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	f := store.DiscrepancyFilter{Kind: vigil.DiscrepancyKind(*kind), All: *all}
	if *site != "" {
		if f.SiteID, err = strconv.ParseInt(*site, 10, 64); err != nil || f.SiteID < 1 {
			return usagef("--site must be a site id")
		}
	}
	// JSON and CSV are written as the discrepancies are read, in the
	// shape of vigil.DiscrepancyReport; a table is aligned, so it is built
	// first.
	header := []string{"KIND", "DEVICE", "IDENTIFIER", "FIELD", "VALUES", "SOURCES", "KEY"}
	row := func(d *store.Discrepancy) []string {
		var vals []string
		for _, s := range sortedMapKeys(d.Values) {
			vals = append(vals, s+"="+d.Values[s])
		}
		ident := vigil.Device{AssetTag: d.Device.AssetTag, Hostname: d.Device.Hostname, Serial: d.Device.Serial, MAC: d.Device.MAC, IP: d.Device.IP}
		return []string{string(d.Kind), strconv.FormatInt(d.Device.ID, 10), ident.Label(), d.Field, strings.Join(vals, "; "), strings.Join(d.Sources, ","), d.Key}
	}
	switch c.format {
	case "json":
		return writeJSONOut(m.Stdout, map[string]any{"discrepancies": jsonout.Stream(func(add func(any) error) error {
			return c.db.ScanDiscrepancies(ctx, f, func(d *store.Discrepancy) error { return add(d.Discrepancy) })
		})})
	case "csv":
		return writeCSVRows(m.Stdout, header, func(add func([]string) error) error {
			return c.db.ScanDiscrepancies(ctx, f, func(d *store.Discrepancy) error { return add(row(d)) })
		})
	}
	t := &table{header: header}
	counts := map[vigil.DiscrepancyKind]int{}
	if err := c.db.ScanDiscrepancies(ctx, f, func(d *store.Discrepancy) error {
		t.add(row(d)...)
		counts[d.Kind]++
		return nil
	}); err != nil {
		return err
	}
	if err := t.writeText(m.Stdout); err != nil {
		return err
	}
	var parts []string
	for _, k := range vigil.DiscrepancyKinds {
		parts = append(parts, fmt.Sprintf("%s %d", k, counts[k]))
	}
	fmt.Fprintf(m.Stdout, "%d discrepancies: %s\n", len(t.rows), strings.Join(parts, ", "))
	return nil
}

func invConflicts(ctx context.Context, m *Main, args []string) error {
	c, _, err := openInv(ctx, m, "conflicts", args, []string{"table", "json"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	cs, err := c.db.FindConflicts(ctx)
	if err != nil {
		return err
	}
	if c.format == "json" {
		out := make([]any, len(cs))
		for i, x := range cs {
			out[i] = x.Conflict
		}
		return writeJSONOut(m.Stdout, map[string]any{"conflicts": out})
	}
	t := &table{header: []string{"RECORD A", "RECORD B", "AGREE", "CONTRADICT"}}
	for _, x := range cs {
		var agree, contra []string
		for _, a := range x.Agree {
			agree = append(agree, a.Field+"="+a.Value)
		}
		for _, k := range x.Contradict {
			contra = append(contra, fmt.Sprintf("%s %s≠%s", k.Field, k.A, k.B))
		}
		t.add(x.KeyA, x.KeyB, strings.Join(agree, "; "), strings.Join(contra, "; "))
	}
	t.writeText(m.Stdout)
	fmt.Fprintf(m.Stdout, "%d conflicts; settle one with: vigil inventory decide 'RECORD A' 'RECORD B' --same|--different --note '...'\n", len(cs))
	return nil
}

func invDecide(ctx context.Context, m *Main, args []string) error {
	var same, different *bool
	var note *string
	c, pos, err := openInv(ctx, m, "decide", args, []string{"table"}, func(fs *flag.FlagSet) {
		same = fs.Bool("same", false, "the two records are the same device")
		different = fs.Bool("different", false, "the two records are different devices")
		note = fs.String("note", "", "why (kept in the audit trail)")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 2 || *same == *different {
		return usagef("usage: vigil inventory decide RECORD_A RECORD_B --same|--different [--note TEXT]")
	}
	n, err := c.db.DecideIdentity(ctx, m.actor(), pos[0], pos[1], *same, *note)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "decision recorded; inventory re-resolved: %d devices\n", n)
	return nil
}

func invAck(ctx context.Context, m *Main, args []string) error {
	var note *string
	c, pos, err := openInv(ctx, m, "ack", args, []string{"table"}, func(fs *flag.FlagSet) {
		note = fs.String("note", "", "why this discrepancy is acceptable (required)")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 {
		return usagef("usage: vigil inventory ack KEY --note TEXT")
	}
	if err := c.db.AckDiscrepancy(ctx, m.actor(), pos[0], *note); err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, "acknowledged")
	return nil
}

func invSet(ctx context.Context, m *Main, args []string) error {
	c, pos, err := openInv(ctx, m, "set", args, []string{"table"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 3 {
		return usagef("usage: vigil inventory set ID|ASSET_TAG FIELD VALUE   (an empty VALUE clears the hand-set value)")
	}
	d, err := findDevice(ctx, c.db, pos[0])
	if err != nil {
		return err
	}
	if err := c.db.SetDeviceField(ctx, m.actor(), d.ID, pos[1], pos[2]); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "device %d: %s set by hand\n", d.ID, pos[1])
	return nil
}

func invPrecedence(ctx context.Context, m *Main, args []string) error {
	var set *string
	c, _, err := openInv(ctx, m, "precedence", args, []string{"table", "json"}, func(fs *flag.FlagSet) {
		set = fs.String("set", "", "FIELD=entry,entry,... (source names, roles, kinds or 'newest', best first)")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	p, err := c.db.Precedence(ctx)
	if err != nil {
		return err
	}
	if *set != "" {
		field, list, ok := strings.Cut(*set, "=")
		if !ok {
			return usagef("--set wants FIELD=entry,entry")
		}
		entries := strings.Split(list, ",")
		if field == "default" {
			p.Default = entries
		} else {
			if p.Fields == nil {
				p.Fields = map[string][]string{}
			}
			p.Fields[field] = entries
		}
		if err := c.db.SetPrecedence(ctx, m.actor(), p); err != nil {
			return err
		}
	}
	if c.format == "json" {
		return writeJSONOut(m.Stdout, p)
	}
	t := &table{header: []string{"FIELD", "PRECEDENCE (BEST FIRST)"}}
	for _, f := range vigil.Fields {
		if l, ok := p.Fields[f]; ok {
			t.add(f, strings.Join(l, " > "))
		}
	}
	t.add("(default)", strings.Join(p.Default, " > "))
	return t.writeText(m.Stdout)
}

func invRole(ctx context.Context, m *Main, args []string) error {
	c, pos, err := openInv(ctx, m, "role", args, []string{"table"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 2 {
		return usagef("usage: vigil inventory role SOURCE ROLE")
	}
	if err := c.db.SetSourceRole(ctx, m.actor(), pos[0], pos[1]); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "source %s is now %s; inventory re-resolved\n", pos[0], pos[1])
	return nil
}

func sortedMapKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sortStrings(out)
	return out
}
