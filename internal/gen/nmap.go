package gen

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-health/vigil"
)

// scanPorts are the TCP ports the nmap run probes (its -p list).
var scanPorts = [...]int{21, 22, 23, 80, 104, 135, 139, 443, 445, 515, 554, 631, 1433, 2575, 3389,
	4242, 4343, 5000, 5900, 6661, 7000, 8080, 8443, 8444, 9100, 11112}

// scanRun is one nmap run over the scanned networks of the main site.
type scanRun struct {
	start, end time.Time
	nets       []*Network
	hosts      []*scanHost
}

// scanHost is one host the scan found up.
type scanHost struct {
	d         *Device
	ip        netip.Addr
	mac       string // upper-case colon form, as nmap prints it
	vendor    string
	ptr       string
	filtered  bool // a host firewall drops probes to closed ports
	srtt      int
	startTime int64
}

// scanRows builds the scan from the devices on scanned networks that
// answered. Hosts in the CMDB have PTR names; others mostly do not, or
// carry the DHCP server's generated name.
func (b *builder) scanRows() *scanRun {
	run := &scanRun{start: b.h.Now.Add(-7 * time.Hour)}
	for _, n := range b.h.Networks {
		if n.Scanned {
			run.nets = append(run.nets, n)
		}
	}
	for _, d := range b.h.Devices {
		if !d.InSource(SourceNmap) {
			continue
		}
		ip := netip.MustParseAddr(d.IP)
		h := &scanHost{d: d, ip: ip, srtt: 300 + b.rng.IntN(4700)}
		if d.MAC != "" {
			h.mac = strings.ToUpper(d.MAC)
			h.vendor = ouiVendor(uint32(macValue(d.MAC)>>24), d.m.vendor)
		}
		site := b.h.Sites[d.dept.site]
		switch {
		case d.InSource(SourceCMDB):
			h.ptr = d.Hostname + "." + site.Domain
		case b.chance(400):
			h.ptr = "dhcp-" + strings.ReplaceAll(d.IP, ".", "-") + "." + site.Domain
		}
		h.filtered = d.m.os == osVxWorks || (d.m.ce && len(d.Ports) == 0 && b.chance(500))
		run.hosts = append(run.hosts, h)
	}
	slices.SortFunc(run.hosts, func(a, b *scanHost) int { return a.ip.Compare(b.ip) })
	t := run.start.Unix() + 3
	for _, h := range run.hosts {
		t += int64(b.rng.IntN(2))
		h.startTime = t
	}
	run.end = time.Unix(t+40, 0).UTC()
	return run
}

// ouiVendor returns nmap's vendor label for an OUI, or def.
func ouiVendor(oui uint32, def string) string {
	switch oui {
	case 0xF8C678:
		return "Carefusion"
	case 0x444B5D:
		return "GE Healthcare"
	case 0x004097:
		return "Datex Division of Instrumentarium"
	case 0xF0E5C3:
		return "Draegerwerk AG & Co. KG aA"
	case 0x004017:
		return "Silex Technology America"
	}
	return def
}

// portRanges formats ports as nmap's services attribute: "21-23,80,104".
func portRanges(ports []int) string {
	var sb strings.Builder
	for i := 0; i < len(ports); {
		j := i
		for j+1 < len(ports) && ports[j+1] == ports[j]+1 {
			j++
		}
		if sb.Len() > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(strconv.Itoa(ports[i]))
		if j > i {
			sb.WriteString("-" + strconv.Itoa(ports[j]))
		}
		i = j + 1
	}
	return sb.String()
}

// lineWriter counts the lines written through it.
type lineWriter struct {
	w     *bufio.Writer
	lines int
	err   error
}

// printf formats and writes, counting line feeds; after an error it does
// nothing.
func (lw *lineWriter) printf(format string, args ...any) {
	if lw.err != nil {
		return
	}
	s := fmt.Sprintf(format, args...)
	lw.lines += strings.Count(s, "\n")
	_, lw.err = lw.w.WriteString(s)
}

// esc escapes a string for an XML attribute value.
func esc(s string) string {
	if !strings.ContainsAny(s, `&<>"'`) {
		return s
	}
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")
	return r.Replace(s)
}

// writeNmap writes the scan as nmap -oX does and returns the line on which
// each host's <host> element starts.
func writeNmap(w io.Writer, run *scanRun) ([]int, error) {
	lw := &lineWriter{w: bufio.NewWriterSize(w, 1<<16)}
	var targets []string
	total := 0
	for _, n := range run.nets {
		targets = append(targets, n.Prefix.String())
		total += 1 << (32 - n.Prefix.Bits())
	}
	ports := portRanges(scanPorts[:])
	args := "nmap -sS -sV -O -T4 -p " + ports + " -oX " + FileNmap + " " + strings.Join(targets, " ")
	startstr := run.start.Format("Mon Jan _2 15:04:05 2006")
	lw.printf("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n")
	lw.printf("<?xml-stylesheet href=\"file:///usr/bin/../share/nmap/nmap.xsl\" type=\"text/xsl\"?>\n")
	lw.printf("<!-- Nmap 7.94 scan initiated %s as: %s -->\n", startstr, args)
	lw.printf("<nmaprun scanner=\"nmap\" args=\"%s\" start=\"%d\" startstr=\"%s\" version=\"7.94\" xmloutputversion=\"1.05\">\n",
		esc(args), run.start.Unix(), startstr)
	lw.printf("<scaninfo type=\"syn\" protocol=\"tcp\" numservices=\"%d\" services=\"%s\"/>\n", len(scanPorts), ports)
	lw.printf("<verbose level=\"0\"/>\n<debugging level=\"0\"/>\n")
	lines := make([]int, len(run.hosts))
	for i, h := range run.hosts {
		lines[i] = lw.lines + 1
		writeHost(lw, h)
	}
	elapsed := run.end.Sub(run.start).Seconds()
	endstr := run.end.Format("Mon Jan _2 15:04:05 2006")
	lw.printf("<runstats><finished time=\"%d\" timestr=\"%s\" summary=\"Nmap done at %s; %d IP addresses (%d hosts up) scanned in %.2f seconds\" elapsed=\"%.2f\" exit=\"success\"/><hosts up=\"%d\" down=\"%d\" total=\"%d\"/>\n",
		run.end.Unix(), endstr, endstr, total, len(run.hosts), elapsed, elapsed, len(run.hosts), total-len(run.hosts), total)
	lw.printf("</runstats>\n</nmaprun>\n")
	if lw.err != nil {
		return nil, lw.err
	}
	return lines, lw.w.Flush()
}

// writeHost writes one <host> element.
func writeHost(lw *lineWriter, h *scanHost) {
	d := h.d
	lw.printf("<host starttime=\"%d\" endtime=\"%d\"><status state=\"up\" reason=\"arp-response\" reason_ttl=\"0\"/>\n", h.startTime, h.startTime+22)
	lw.printf("<address addr=\"%s\" addrtype=\"ipv4\"/>\n", h.ip)
	if h.mac != "" {
		lw.printf("<address addr=\"%s\" addrtype=\"mac\" vendor=\"%s\"/>\n", h.mac, esc(h.vendor))
	}
	lw.printf("<hostnames>\n")
	if h.ptr != "" {
		lw.printf("<hostname name=\"%s\" type=\"PTR\"/>\n", esc(h.ptr))
	}
	lw.printf("</hostnames>\n")
	open := slices.Clone(d.Ports)
	slices.SortFunc(open, func(a, b Port) int { return cmp.Compare(a.Port, b.Port) })
	state, reason := "closed", "resets"
	if h.filtered {
		state, reason = "filtered", "no-responses"
	}
	lw.printf("<ports><extraports state=\"%s\" count=\"%d\">\n", state, len(scanPorts)-len(open))
	lw.printf("<extrareasons reason=\"%s\" count=\"%d\"/>\n</extraports>\n", reason, len(scanPorts)-len(open))
	ttl := 64
	if d.m.os != nil && d.m.os.vendor == "Microsoft" {
		ttl = 128
	}
	for _, p := range open {
		lw.printf("<port protocol=\"tcp\" portid=\"%d\"><state state=\"open\" reason=\"syn-ack\" reason_ttl=\"%d\"/>", p.Port, ttl)
		lw.printf("<service name=\"%s\"", esc(p.Service))
		if p.Product != "" {
			lw.printf(" product=\"%s\"", esc(p.Product))
		}
		if p.Version != "" {
			lw.printf(" version=\"%s\"", esc(p.Version))
		}
		if p.Product != "" {
			lw.printf(" method=\"probed\" conf=\"10\"/></port>\n")
		} else {
			lw.printf(" method=\"table\" conf=\"3\"/></port>\n")
		}
	}
	lw.printf("</ports>\n")
	if g := d.m.os; g != nil && len(open) > 0 && !h.filtered {
		lw.printf("<os><portused state=\"open\" proto=\"tcp\" portid=\"%d\"/>\n", open[0].Port)
		lw.printf("<osmatch name=\"%s\" accuracy=\"%d\" line=\"%d\">\n", esc(g.name), g.accuracy, 40000+len(g.name)*97)
		lw.printf("<osclass type=\"%s\" vendor=\"%s\" osfamily=\"%s\"", esc(g.typ), esc(g.vendor), esc(g.family))
		if g.gen != "" {
			lw.printf(" osgen=\"%s\"", esc(g.gen))
		}
		lw.printf(" accuracy=\"%d\"><cpe>%s</cpe></osclass>\n</osmatch>\n</os>\n", g.accuracy, esc(g.cpe))
	}
	lw.printf("<times srtt=\"%d\" rttvar=\"%d\" to=\"100000\"/>\n</host>\n", h.srtt, h.srtt/4+100)
}

// nmapRecords returns the records an importer makes of the scan.
func nmapRecords(run *scanRun, lines []int) []*vigil.Record {
	recs := make([]*vigil.Record, 0, len(run.hosts))
	for i, h := range run.hosts {
		f := map[string]string{vigil.FieldIP: h.ip.String()}
		if h.mac != "" {
			f[vigil.FieldMAC] = strings.ToLower(h.mac)
		}
		set(f, vigil.FieldHostname, h.ptr)
		recs = append(recs, &vigil.Record{
			Origin:     vigil.Origin{File: FileNmap, Line: lines[i]},
			ObservedAt: time.Unix(h.startTime, 0).UTC(),
			Fields:     vigil.MakeFields(f),
		})
	}
	return recs
}
