package main

import (
	"context"
	"fmt"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/capture"
	"github.com/vigil-health/vigil/internal/discover"
)

// listFlag collects a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

func discoverCommand() *command {
	return &command{
		name:    "discover",
		summary: "passive discovery from captures or a live interface",
		usage: []string{
			"--pcap FILE... [--clinical-vlans LIST] [--clinical-subnets LIST] [--format json|table] [--import] [--max-hosts N]",
			"--iface IF [--duration D] [--clinical-vlans LIST] [--clinical-subnets LIST] [--format json|table] [--import] [--max-hosts N]",
		},
		about: "Passive discovery: reads captures (pcap or pcapng, optionally gzipped) or a live " +
			"interface, identifies the devices on the wire from DICOM, HL7, DHCP, TLS and other " +
			"protocols, and reports the findings (cleartext PHI, internet peers...). --import " +
			"records the devices as the network source of the inventory. " +
			"Limits: a capture file is refused, with nothing recorded, past --max-hosts distinct " +
			"addresses (IP and MAC together; default 400000), a record past " +
			"--max-record-bytes (16MiB), a gzipped capture unpacking past --max-inflated (1GiB), " +
			"or a value kept from a packet (a host name, an HL7 application) past --max-field-bytes " +
			"(64KiB). A live capture (--iface) is not stopped by --max-hosts or --max-field-bytes: " +
			"past them it stops tracking new addresses or drops the value, and says so once in the log.",
		examples: []string{
			"vigil discover --pcap span.pcapng --clinical-vlans 110,120 --format table",
			"vigil discover --pcap day1.pcap.gz --pcap day2.pcap --import",
			"sudo vigil discover --iface eth1 --duration 10m --import",
			"vigil discover --pcap campus-day.pcap.gz --max-hosts 1000000 --max-inflated 8GiB --format table",
		},
		run:     runDiscover,
		creates: true,
	}
}

func runDiscover(ctx context.Context, m *Main, args []string) error {
	fs := m.flagSet("discover")
	db := m.dbFlag(fs)
	var pcaps listFlag
	fs.Var(&pcaps, "pcap", "capture file (pcap or pcapng, optionally gzipped); repeat for several, or list files after the flags")
	iface := fs.String("iface", "", "capture live from this interface (AF_PACKET; needs root or CAP_NET_RAW)")
	duration := fs.Duration("duration", 0, "with --iface: stop after this long (default: until interrupted)")
	vlans := fs.String("clinical-vlans", "", "comma-separated VLAN ids of the clinical segment")
	subnets := fs.String("clinical-subnets", "", "comma-separated CIDR subnets of the clinical segment")
	format := fs.String("format", "json", "output: json or table")
	doImport := fs.Bool("import", false, "record the devices as observations of the network source in the inventory")
	lim := someLimitFlags(fs, bound.LimitRecordBytes, bound.LimitFieldBytes, bound.LimitInflated)
	maxHosts := fs.Int("max-hosts", discover.DefaultMaxHosts, "most distinct addresses tracked, IP addresses that sent packets and source MACs together (a file past it is refused; a live capture stops tracking new ones)")
	pos, err := parseInterspersed(func(a []string) error { return parse(fs, a) }, fs.Args, args)
	if err != nil {
		return err
	}
	pcaps = append(pcaps, pos...)
	if err := checkFormat(*format, "json", "table"); err != nil {
		return err
	}
	if err := checkLimits(lim); err != nil {
		return err
	}
	if *maxHosts <= 0 {
		return usagef("--max-hosts: want a number greater than 0")
	}
	if len(pcaps) == 0 && *iface == "" {
		return usagef("usage: vigil discover --pcap FILE... | --iface IF [--clinical-vlans LIST] [--clinical-subnets LIST] [--format json|table] [--import]")
	}
	opt, err := discoverOptions(m, *vlans, *subnets)
	if err != nil {
		return err
	}
	opt.Logger = m.logger()
	opt.Limits, opt.MaxHosts, opt.Live = *lim, *maxHosts, *iface != ""
	var rep *vigil.DiscoveryReport
	var names []string
	if *iface != "" {
		lctx := ctx
		if *duration > 0 {
			var cancel context.CancelFunc
			lctx, cancel = context.WithTimeout(ctx, *duration)
			defer cancel()
		}
		live, err := capture.OpenLive(lctx, *iface, true)
		if err != nil {
			return vigil.WrapError(vigil.EUNAVAILABLE, fmt.Sprintf("cannot capture on %s (it needs root or CAP_NET_RAW): %v", *iface, err), err)
		}
		defer live.Close()
		srcs := []capture.Source{live}
		for _, p := range pcaps {
			s, err := capture.OpenLimits(p, *lim)
			if err != nil {
				return vigil.WrapError(vigil.EINVALID, err.Error(), err)
			}
			defer s.Close()
			srcs = append(srcs, s)
		}
		rep, err = discover.Run(lctx, srcs, opt)
		if err != nil && lctx.Err() == nil {
			return err
		}
		names = append([]string{"live:" + *iface}, pcaps...)
	} else {
		rep, err = discover.RunFiles(ctx, pcaps, opt)
		if err != nil {
			return err
		}
		names = pcaps
	}
	for i, n := range names {
		names[i] = filepath.Base(n)
	}
	if *doImport {
		d, err := m.openDB(ctx, *db)
		if err != nil {
			return err
		}
		defer d.Close()
		inv, err := m.inventory(d)
		if err != nil {
			return err
		}
		res, err := inv.RecordDiscovery(ctx, m.actor(), names, rep, true)
		if err != nil {
			return err
		}
		defer fmt.Fprintf(m.Stderr, "recorded discovery run %d: %d devices, %d flows, %d findings; network source: %d added, %d changed, %d removed; inventory now %d devices\n",
			res.RunID, res.Devices, res.Flows, res.Findings, res.Import.Added, res.Import.Changed, res.Import.Removed, res.Import.Devices)
	}
	if *format == "table" {
		return discover.WriteTable(m.Stdout, rep)
	}
	return writeJSONOut(m.Stdout, rep)
}

// discoverOptions parses the clinical segment and wires the OUI registry.
func discoverOptions(m *Main, vlans, subnets string) (discover.Options, error) {
	var opt discover.Options
	for _, v := range splitList(vlans) {
		n, err := strconv.ParseUint(v, 10, 16)
		if err != nil || n == 0 || n > 4094 {
			return opt, usagef("--clinical-vlans: %q is not a VLAN id (1-4094)", v)
		}
		opt.ClinicalVLANs = append(opt.ClinicalVLANs, uint16(n))
	}
	for _, s := range splitList(subnets) {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return opt, usagef("--clinical-subnets: %q is not a CIDR subnet", s)
		}
		opt.ClinicalSubnets = append(opt.ClinicalSubnets, p.Masked())
	}
	if c, err := m.classifier(); err == nil {
		opt.VendorOf = c.Vendor
	}
	return opt, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
