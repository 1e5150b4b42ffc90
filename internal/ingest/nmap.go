package ingest

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/vigil-health/vigil"
)

// NmapHost is what nmap saw of one host that was up, beyond what a Record
// holds: every address, the MAC vendor guess, the best OS match and the
// open ports.
type NmapHost struct {
	IP         string     `json:"ip,omitempty"`   // first IPv4, else first IPv6
	IPv6       string     `json:"ipv6,omitempty"` // first IPv6 when the host also has IPv4
	MAC        string     `json:"mac,omitempty"`
	MACVendor  string     `json:"mac_vendor,omitempty"` // nmap's OUI guess, as nmap wrote it
	Hostnames  []string   `json:"hostnames,omitempty"`
	OS         string     `json:"os,omitempty"` // best osmatch name
	OSAccuracy int        `json:"os_accuracy,omitempty"`
	OSCPE      []string   `json:"os_cpe,omitempty"`
	Ports      []NmapPort `json:"ports,omitempty"` // open ports only
}

// NmapPort is one open port and the service nmap identified on it.
type NmapPort struct {
	Protocol  string   `json:"protocol"` // tcp, udp, sctp
	Port      int      `json:"port"`
	Service   string   `json:"service,omitempty"`
	Product   string   `json:"product,omitempty"`
	Version   string   `json:"version,omitempty"`
	ExtraInfo string   `json:"extra_info,omitempty"`
	CPE       []string `json:"cpe,omitempty"`
}

// String formats the port as "443/tcp https (Apache httpd 2.4)".
func (p NmapPort) String() string {
	s := fmt.Sprintf("%d/%s", p.Port, p.Protocol)
	if p.Service != "" {
		s += " " + p.Service
	}
	if prod := strings.TrimSpace(p.Product + " " + p.Version); prod != "" {
		s += " (" + prod + ")"
	}
	return s
}

// xmlHost is the part of nmap's <host> element that Vigil keeps.
type xmlHost struct {
	StartTime string `xml:"starttime,attr"`
	EndTime   string `xml:"endtime,attr"`
	Status    *struct {
		State string `xml:"state,attr"`
	} `xml:"status"`
	Addresses []struct {
		Addr     string `xml:"addr,attr"`
		AddrType string `xml:"addrtype,attr"`
		Vendor   string `xml:"vendor,attr"`
	} `xml:"address"`
	Hostnames []struct {
		Name string `xml:"name,attr"`
		Type string `xml:"type,attr"`
	} `xml:"hostnames>hostname"`
	Ports []struct {
		Protocol string `xml:"protocol,attr"`
		PortID   int    `xml:"portid,attr"`
		State    struct {
			State string `xml:"state,attr"`
		} `xml:"state"`
		Service struct {
			Name      string   `xml:"name,attr"`
			Product   string   `xml:"product,attr"`
			Version   string   `xml:"version,attr"`
			ExtraInfo string   `xml:"extrainfo,attr"`
			CPE       []string `xml:"cpe"`
		} `xml:"service"`
	} `xml:"ports>port"`
	OSMatches []struct {
		Name     string `xml:"name,attr"`
		Accuracy int    `xml:"accuracy,attr"`
		Classes  []struct {
			CPE []string `xml:"cpe"`
		} `xml:"osclass"`
	} `xml:"os>osmatch"`
}

// xmlRunstats is nmap's summary; a failed scan says so in errormsg.
type xmlRunstats struct {
	Finished struct {
		Time     string `xml:"time,attr"`
		Exit     string `xml:"exit,attr"`
		ErrorMsg string `xml:"errormsg,attr"`
	} `xml:"finished"`
}

// readNmap imports an nmap -oX file: one record per host that is up. A
// DOCTYPE declaring entities, a root other than <nmaprun>, malformed or
// truncated XML and a scan nmap itself reports as failed are fatal: an
// incomplete scan must not be taken for a network with fewer devices.
func (p *parser) readNmap(data []byte) error {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	dec.CharsetReader = func(label string, r io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "iso-8859-1", "latin1", "latin-1", "windows-1252", "cp1252", "us-ascii":
			return charmap.Windows1252.NewDecoder().Reader(r), nil
		}
		return nil, fmt.Errorf("unsupported encoding %q", label)
	}
	lines := lineCounter{data: data}
	var scanStart time.Time
	var hosts []NmapHost
	var recs []*vigil.Record
	root := false
	for n := 0; ; n++ {
		if n%1024 == 0 {
			if err := p.ctx.Err(); err != nil {
				return err
			}
		}
		off := dec.InputOffset()
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return p.xmlError(dec, lines, err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			if err := p.checkDirective(t, off); err != nil {
				return err
			}
		case xml.StartElement:
			if !root {
				if t.Name.Local != "nmaprun" {
					return p.fail(fmt.Sprintf("byte %d", off), "root element is <%s>, not <nmaprun>: this is not nmap XML output (-oX)", t.Name.Local)
				}
				root = true
				for _, a := range t.Attr {
					if a.Name.Local == "start" {
						scanStart = unixTime(a.Value)
					}
				}
				continue
			}
			switch t.Name.Local {
			case "host":
				var h xmlHost
				if err := dec.DecodeElement(&h, &t); err != nil {
					return p.xmlError(dec, lines, err)
				}
				o := vigil.Origin{File: p.name, Line: lines.at(off)}
				host, rec, err := p.nmapHost(&h, o, scanStart)
				if err != nil {
					return err
				}
				if rec != nil {
					hosts, recs = append(hosts, host), append(recs, rec)
				}
			case "runstats":
				var rs xmlRunstats
				if err := dec.DecodeElement(&rs, &t); err != nil {
					return p.xmlError(dec, lines, err)
				}
				if msg := rs.Finished.ErrorMsg; msg != "" || rs.Finished.Exit == "error" {
					return p.fail(fmt.Sprintf("line %d", lines.at(off)), "nmap reports the scan failed (%q); refusing an incomplete scan", msg)
				}
				if scanStart.IsZero() {
					scanStart = unixTime(rs.Finished.Time)
				}
			default:
				if err := dec.Skip(); err != nil {
					return p.xmlError(dec, lines, err)
				}
			}
		}
	}
	if !root {
		return p.fail("", "no <nmaprun> element: this is not nmap XML output (-oX)")
	}
	p.res.Hosts, p.res.Records = hosts, recs
	return nil
}

// checkDirective refuses a DOCTYPE that declares entities. encoding/xml
// never resolves them, but nmap never writes one either: such a file is an
// attack or not nmap output.
func (p *parser) checkDirective(d xml.Directive, off int64) error {
	if !bytes.HasPrefix(bytes.TrimSpace(d), []byte("DOCTYPE")) {
		return nil
	}
	i := bytes.Index(d, []byte("<!ENTITY"))
	if i < 0 {
		return nil
	}
	at := fmt.Sprintf("byte %d", off+2+int64(i))
	decl := d[i:]
	if end := bytes.IndexByte(decl, '>'); end >= 0 {
		decl = decl[:end]
	}
	if bytes.Contains(decl, []byte("SYSTEM")) || bytes.Contains(decl, []byte("PUBLIC")) {
		return p.fail(at, "DOCTYPE declares an external entity (SYSTEM/PUBLIC); refusing the file")
	}
	return p.fail(at, "DOCTYPE declares an entity; nmap never writes one, refusing the file")
}

// xmlError turns a decoding error into a fatal error with line and offset.
func (p *parser) xmlError(dec *xml.Decoder, lines lineCounter, err error) error {
	off := dec.InputOffset()
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return p.fail(fmt.Sprintf("line %d, byte %d", se.Line, off), "malformed or truncated XML: %s", se.Msg)
	}
	return p.fail(fmt.Sprintf("line %d, byte %d", lines.at(off), off), "malformed nmap XML: %v", err)
}

// nmapHost turns one <host> into its side record and its Record; hosts
// that are down give a nil Record.
func (p *parser) nmapHost(h *xmlHost, o vigil.Origin, scanStart time.Time) (NmapHost, *vigil.Record, error) {
	var host NmapHost
	if h.Status != nil && h.Status.State != "up" {
		return host, nil, nil
	}
	for _, a := range h.Addresses {
		typ := a.AddrType
		if typ == "" { // old or hand-written files omit addrtype
			if _, err := normalizeIP(a.Addr); err == nil {
				typ = "ipv4"
			} else {
				typ = "mac"
			}
		}
		switch typ {
		case "ipv4", "ipv6":
			ip, err := NormalizeValue(vigil.FieldIP, a.Addr)
			if err != nil {
				return host, nil, p.badRow(o, "host address: "+err.Error())
			}
			if strings.Contains(ip, ":") {
				if host.IPv6 == "" {
					host.IPv6 = ip
				}
			} else if host.IP == "" {
				host.IP = ip
			}
		case "mac":
			mac, err := NormalizeValue(vigil.FieldMAC, a.Addr)
			if err != nil {
				return host, nil, p.badRow(o, "host MAC address: "+err.Error())
			}
			if host.MAC == "" {
				host.MAC, host.MACVendor = mac, a.Vendor
			}
		}
	}
	if host.IP == "" {
		host.IP, host.IPv6 = host.IPv6, ""
	}
	names := h.Hostnames
	sort.SliceStable(names, func(i, j int) bool { return names[i].Type == "PTR" && names[j].Type != "PTR" })
	for _, hn := range names {
		if n, _ := NormalizeValue(vigil.FieldHostname, hn.Name); n != "" && !contains(host.Hostnames, n) {
			host.Hostnames = append(host.Hostnames, n)
		}
	}
	for _, m := range h.OSMatches {
		if m.Accuracy > host.OSAccuracy || host.OS == "" {
			host.OS, host.OSAccuracy, host.OSCPE = m.Name, m.Accuracy, nil
			for _, c := range m.Classes {
				for _, cpe := range c.CPE {
					if !contains(host.OSCPE, cpe) {
						host.OSCPE = append(host.OSCPE, cpe)
					}
				}
			}
		}
	}
	for _, pt := range h.Ports {
		if pt.State.State != "open" {
			continue
		}
		host.Ports = append(host.Ports, NmapPort{
			Protocol: pt.Protocol, Port: pt.PortID, Service: pt.Service.Name, Product: pt.Service.Product,
			Version: pt.Service.Version, ExtraInfo: pt.Service.ExtraInfo, CPE: pt.Service.CPE,
		})
	}
	rec := &vigil.Record{Origin: o, Fields: map[string]string{}}
	for k, v := range map[string]string{vigil.FieldIP: host.IP, vigil.FieldMAC: host.MAC} {
		if v != "" {
			rec.Fields[k] = v
		}
	}
	if len(host.Hostnames) > 0 {
		rec.Fields[vigil.FieldHostname] = host.Hostnames[0]
	}
	rec.ObservedAt = firstTime(unixTime(h.EndTime), unixTime(h.StartTime), scanStart, p.opt.Now)
	if !hasIdentifier(rec.Fields) {
		return host, nil, p.badRow(o, "host has no address")
	}
	return host, rec, nil
}

// unixTime reads nmap's seconds-since-epoch attributes; zero when absent.
func unixTime(s string) time.Time {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}
	}
	return time.Unix(n, 0).UTC()
}

// firstTime returns the first non-zero time.
func firstTime(ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() {
			return t
		}
	}
	return time.Time{}
}

// contains reports whether list holds s.
func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// lineCounter maps byte offsets to 1-based line numbers, moving forward.
type lineCounter struct {
	data []byte
	off  int64
	line int
}

// at returns the line of offset off, counting from the last call onward.
func (c *lineCounter) at(off int64) int {
	if c.line == 0 {
		c.line = 1
	}
	off = min(max(off, 0), int64(len(c.data)))
	if off < c.off {
		c.off, c.line = 0, 1
	}
	c.line += bytes.Count(c.data[c.off:off], []byte("\n"))
	c.off = off
	return c.line
}
