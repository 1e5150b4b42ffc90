package ingest

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/xmlscan"
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
	StartTime string     `xml:"starttime,attr"`
	EndTime   string     `xml:"endtime,attr"`
	Status    *xmlStatus `xml:"status"`
	Addresses []struct {
		Addr     string `xml:"addr,attr"`
		AddrType string `xml:"addrtype,attr"`
		Vendor   string `xml:"vendor,attr"`
	} `xml:"address"`
	Hostnames []struct {
		Name string `xml:"name,attr"`
		Type string `xml:"type,attr"`
	} `xml:"hostnames>hostname"`
	Ports     []xmlPort    `xml:"ports>port"`
	OSMatches []xmlOSMatch `xml:"os>osmatch"`
}

// xmlStatus is the <status> of xmlHost.
type xmlStatus struct {
	State string `xml:"state,attr"`
}

// xmlPort is one <port> of xmlHost.
type xmlPort struct {
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
}

// xmlOSMatch is one <osmatch> of xmlHost.
type xmlOSMatch struct {
	Name     string `xml:"name,attr"`
	Accuracy int    `xml:"accuracy,attr"`
	Classes  []struct {
		CPE []string `xml:"cpe"`
	} `xml:"osclass"`
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
//
// The XML is read by xmlscan, not encoding/xml: for what it accepts it
// gives what encoding/xml gave (a differential test holds it to that), ten
// times faster. Elements and attributes are matched by local name, as
// encoding/xml matches them.
func (p *parser) readNmap(data []byte) error {
	s, err := p.xmlStart(p.limitXML(xmlscan.New(data)))
	if err != nil {
		return err
	}
	return (&nmapDecoder{p: p, s: s}).document()
}

// readNmapFrom is readNmap for a document read from r as it goes, through
// a window of xmlWindow bytes: a 50 MB scan is never in memory whole. head
// is what was read of it already.
func (p *parser) readNmapFrom(head []byte, r io.Reader) error {
	data := make([]byte, len(head), max(xmlWindow, len(head)+xmlAhead))
	copy(data, head)
	s, err := p.xmlStart(p.limitXML(xmlscan.NewStream(data, r)))
	if err != nil {
		return err
	}
	return (&nmapDecoder{p: p, s: s}).document()
}

// The streaming window: its size, and how much of the document it holds
// ahead of each element of <nmaprun> read (more if the element needs it).
// Variables for the tests.
var (
	xmlWindow = 512 << 10
	xmlAhead  = 64 << 10
)

// xmlLatin1Labels are the encodings an XML declaration may name besides
// UTF-8; all are read as Windows-1252, a superset of each.
var xmlLatin1Labels = []string{"iso-8859-1", "latin1", "latin-1", "windows-1252", "cp1252", "us-ascii"}

// xmlStart reads a byte order mark and the XML declaration, if any, and
// returns the scanner positioned after them, reading UTF-8.
func (p *parser) xmlStart(s *xmlscan.Scanner) (*xmlscan.Scanner, error) {
	decl, err := s.Prolog(xmlAhead)
	if err != nil {
		return nil, p.xmlError(s, err)
	}
	enc := decl.Encoding
	if enc == "" || strings.EqualFold(enc, "utf-8") {
		return s, nil
	}
	for _, l := range xmlLatin1Labels {
		if !strings.EqualFold(enc, l) {
			continue
		}
		if decl.BOM {
			return nil, p.xmlError(s, s.Errorf(decl.Offset, "encoding %s declared after a UTF-8 byte order mark", clip(enc)))
		}
		if err := s.Recode(charmap.Windows1252.NewDecoder().Reader); err != nil {
			return nil, p.fail("", "malformed nmap XML: %v", err)
		}
		return s, nil
	}
	return nil, p.fail(fmt.Sprintf("line 1, byte %d", decl.Offset), "malformed nmap XML: unsupported encoding %s", clip(enc))
}

// limitXML sets the scanner's limits.
func (p *parser) limitXML(s *xmlscan.Scanner) *xmlscan.Scanner {
	s.SetMaxDepth(p.lim.Depth)
	return s
}

// xmlError turns a scanner error into a fatal error with line and offset.
func (p *parser) xmlError(s *xmlscan.Scanner, err error) error {
	if rerr := s.ReadErr(); rerr != nil {
		return vigil.WrapError(vigil.EINVALID, fmt.Sprintf("cannot read %s", p.name), rerr)
	}
	switch e := err.(type) {
	case *xmlscan.DepthError:
		return p.limitError(fmt.Sprintf("line %d, byte %d", e.Line, e.Offset), LimitDepth, int64(e.Max), "XML nested more than %s deep")
	case *xmlscan.SyntaxError:
		return p.fail(fmt.Sprintf("line %d, byte %d", e.Line, e.Offset), "malformed or truncated XML: %s", e.Msg)
	case *nmapValueError:
		return p.fail(fmt.Sprintf("line %d, byte %d", e.line, e.off), "malformed nmap XML: %v", e.err)
	}
	return err
}

// nmapDecoder reads nmap's elements off an xmlscan.Scanner.
type nmapDecoder struct {
	p         *parser
	s         *xmlscan.Scanner
	scanStart time.Time
	hosts     chunks[NmapHost]
	recs      chunks[*vigil.Record]
	host      xmlHost // reused from host to host
	status    xmlStatus
	cpe       []byte // scratch for <cpe> text
	hostCount int    // the <host> elements read
	recStart  int    // the document offset where the child of <nmaprun> being read starts
	tooLong   error  // a value past --max-field-bytes met in the element being read
}

// document reads the whole document: what may stand around the root, the
// root, and its children.
func (d *nmapDecoder) document() error {
	p, s := d.p, d.s
	// The first text before the root that is not white space.
	strayLine, strayOff := 0, -1
	root, doctype := false, false
	for {
		s.Fill(xmlAhead)
		m := s.Mark()
		tok, err := s.Next()
		if err == xmlscan.ErrNeedMore {
			if err := d.more(m); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return p.xmlError(s, err)
		}
		switch tok {
		case xmlscan.EOF:
			if !root {
				return p.fail("", "no <nmaprun> element: this is not nmap XML output (-oX)")
			}
			p.res.Hosts, p.res.Records = d.hosts.all(), d.recs.all()
			return nil
		case xmlscan.Text:
			if xmlscan.IsSpace(s.Text()) {
				continue
			}
			at := s.TokenOffset() + len(s.Text()) - len(bytes.TrimLeft(s.Text(), " \t\r\n"))
			if root {
				return p.xmlError(s, s.Errorf(at, "text after the root element"))
			}
			if strayOff < 0 {
				strayLine, strayOff = s.Line(at), s.Base()+at
			}
		case xmlscan.Doctype:
			if root || doctype {
				return p.xmlError(s, s.Errorf(s.TokenOffset(), "DOCTYPE not before the root element"))
			}
			doctype = true
			if err := d.doctype(); err != nil {
				return err
			}
		case xmlscan.StartTag:
			if root {
				return p.xmlError(s, s.Errorf(s.TokenOffset(), "a second root element"))
			}
			if strayOff >= 0 {
				return p.fail(fmt.Sprintf("line %d, byte %d", strayLine, strayOff), "malformed or truncated XML: text before the root element")
			}
			if local := xmlscan.LocalName(s.Name()); string(local) != "nmaprun" {
				return p.fail(fmt.Sprintf("byte %d", s.Base()+s.TokenOffset()), "root element is <%s>, not <nmaprun>: this is not nmap XML output (-oX)", local)
			}
			root = true
			for i := range s.Attrs() {
				if a := &s.Attrs()[i]; string(xmlscan.LocalName(a.Name)) == "start" {
					d.scanStart = unixTime(string(s.AttrValue(a)))
				}
			}
			if !s.SelfClosing() {
				if err := d.nmaprun(); err != nil {
					return err
				}
			}
		}
	}
}

// more goes back to the token at m after filling the window with more of
// the document than it had. The window holds one child of <nmaprun> (a
// host) whole, so a child longer than --max-record-bytes is refused here,
// before the window grows to hold it.
func (d *nmapDecoder) more(m xmlscan.Mark) error {
	s := d.s
	s.Reset(m)
	if s.Buffered() >= d.p.lim.RecordBytes {
		return d.p.limitError(fmt.Sprintf("line %d, byte %d", s.Line(s.Offset()-s.Base()), s.Offset()), LimitRecordBytes, int64(d.p.lim.RecordBytes),
			"an element of more than %s")
	}
	s.Fill(2*s.Buffered() + xmlAhead)
	return nil
}

// doctype refuses a DOCTYPE that declares entities, as before: nmap never
// writes one, so such a file is an attack or not nmap output. Nor does
// nmap write an internal subset, whose attribute defaults encoding/xml
// ignored: one is refused too, rather than read differently.
func (d *nmapDecoder) doctype() error {
	p, s := d.p, d.s
	body := s.Text() // "DOCTYPE ..."
	// Find "<!ENTITY" outside comments, as encoding/xml's directive showed it.
	for i := 0; i < len(body); i++ {
		if bytes.HasPrefix(body[i:], []byte("<!--")) {
			k := bytes.Index(body[i+4:], []byte("-->"))
			if k < 0 {
				break
			}
			i += 4 + k + 2
			continue
		}
		if !bytes.HasPrefix(body[i:], []byte("<!ENTITY")) {
			continue
		}
		at := fmt.Sprintf("byte %d", s.Base()+s.TokenOffset()+2+i)
		decl := body[i:]
		if end := bytes.IndexByte(decl, '>'); end >= 0 {
			decl = decl[:end]
		}
		if bytes.Contains(decl, []byte("SYSTEM")) || bytes.Contains(decl, []byte("PUBLIC")) {
			return p.fail(at, "DOCTYPE declares an external entity (SYSTEM/PUBLIC); refusing the file")
		}
		return p.fail(at, "DOCTYPE declares an entity; nmap never writes one, refusing the file")
	}
	// DOCTYPE S Name (S ExternalID)? S? ('[' intSubset ']' S?)?
	off := s.TokenOffset() + 2
	i := len("DOCTYPE")
	j := s.SkipSpace(off+i) - off
	end, err := s.ScanName(off + j)
	if err != nil {
		return p.xmlError(s, err)
	}
	if j == i || end-off == j {
		return p.xmlError(s, s.Errorf(off+j, "malformed DOCTYPE: expected white space and a name"))
	}
	i = end - off
	j = s.SkipSpace(off+i) - off
	literal := func(at int, pubid bool) (int, error) {
		if at >= len(body) || (body[at] != '"' && body[at] != '\'') {
			return 0, s.Errorf(off+at, "malformed DOCTYPE: expected a quoted literal")
		}
		e := bytes.IndexByte(body[at+1:], body[at])
		if e < 0 {
			return 0, s.Errorf(off+at, "malformed DOCTYPE: unterminated literal")
		}
		if pubid {
			for _, c := range body[at+1 : at+1+e] {
				if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(" \r\n-'()+,./:=?;!*#@$_%", c) >= 0) {
					return 0, s.Errorf(off+at, "malformed DOCTYPE: bad character in public identifier")
				}
			}
		}
		return at + 1 + e + 1, nil
	}
	if j > i && (bytes.HasPrefix(body[j:], []byte("SYSTEM")) || bytes.HasPrefix(body[j:], []byte("PUBLIC"))) {
		public := body[j] == 'P'
		k := s.SkipSpace(off+j+6) - off
		if k == j+6 {
			return p.xmlError(s, s.Errorf(off+k, "malformed DOCTYPE: expected white space"))
		}
		if public {
			if k, err = literal(k, true); err != nil {
				return p.xmlError(s, err)
			}
			if k2 := s.SkipSpace(off+k) - off; k2 == k {
				return p.xmlError(s, s.Errorf(off+k, "malformed DOCTYPE: expected white space"))
			} else {
				k = k2
			}
		}
		if k, err = literal(k, false); err != nil {
			return p.xmlError(s, err)
		}
		j = s.SkipSpace(off+k) - off
	}
	if j < len(body) && body[j] == '[' {
		if !xmlscan.IsSpace(bytes.TrimSuffix(bytes.TrimRight(body[j+1:], " \t\r\n"), []byte("]"))) {
			return p.fail(fmt.Sprintf("byte %d", s.Base()+off+j), "DOCTYPE has an internal subset; nmap never writes one, refusing the file")
		}
		k := bytes.LastIndexByte(body, ']')
		if k < j {
			return p.xmlError(s, s.Errorf(off+j, "malformed DOCTYPE: unterminated internal subset"))
		}
		j = s.SkipSpace(off+k+1) - off
	}
	if j != len(body) {
		return p.xmlError(s, s.Errorf(off+j, "malformed DOCTYPE"))
	}
	return nil
}

// nmaprun reads the root's content: hosts and the run's summary; every
// other element is skipped.
func (d *nmapDecoder) nmaprun() error {
	p, s := d.p, d.s
	for n := 0; ; n++ {
		if n%1024 == 0 {
			if err := p.ctx.Err(); err != nil {
				return err
			}
		}
		s.Fill(xmlAhead)
		m := s.Mark()
		d.recStart = s.Offset()
		tok, err := s.Next()
		if err == nil && tok == xmlscan.StartTag {
			err = d.child()
		}
		if err == xmlscan.ErrNeedMore {
			if err := d.more(m); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			if _, fatal := err.(*vigil.Error); fatal {
				return err
			}
			return p.xmlError(s, err)
		}
		switch tok {
		case xmlscan.EndTag:
			return nil
		case xmlscan.Doctype:
			return p.xmlError(s, s.Errorf(s.TokenOffset(), "DOCTYPE not before the root element"))
		}
	}
}

// child reads the child of <nmaprun> whose start tag was just read.
func (d *nmapDecoder) child() error {
	p, s := d.p, d.s
	off := s.TokenOffset()
	switch string(xmlscan.LocalName(s.Name())) {
	case "host":
		if d.hostCount++; d.hostCount > p.lim.Rows {
			return p.limitError(fmt.Sprintf("line %d", s.Line(off)), LimitRows, int64(p.lim.Rows), "more than %s hosts")
		}
		h := d.resetHost()
		d.tooLong = nil
		if err := d.readHost(h); err != nil {
			return err
		}
		if d.tooLong != nil {
			return d.tooLong
		}
		o := vigil.Origin{File: p.name, Line: s.Line(off)}
		host, rec, err := p.nmapHost(h, o, d.scanStart)
		if err != nil {
			return err
		}
		if rec != nil {
			d.hosts.add(host)
			d.recs.add(rec)
		}
	case "runstats":
		var rs xmlRunstats
		if err := d.readRunstats(&rs); err != nil {
			return err
		}
		if msg := rs.Finished.ErrorMsg; msg != "" || rs.Finished.Exit == "error" {
			return p.fail(fmt.Sprintf("line %d", s.Line(off)), "nmap reports the scan failed (%s); refusing an incomplete scan", clip(msg))
		}
		if d.scanStart.IsZero() {
			d.scanStart = unixTime(rs.Finished.Time)
		}
	default:
		return s.Skip()
	}
	return nil
}

// resetHost empties the reused xmlHost, keeping its slices' memory; what
// nmapHost keeps of it (CPE lists) is never reused.
func (d *nmapDecoder) resetHost() *xmlHost {
	h := &d.host
	*h = xmlHost{Addresses: h.Addresses[:0], Hostnames: h.Hostnames[:0], Ports: h.Ports[:0], OSMatches: h.OSMatches[:0]}
	return h
}

// str returns an attribute's value as a new string, for values that differ
// from host to host; val interns it, for values that repeat. A value past
// --max-field-bytes gives "" and sets d.tooLong.
func (d *nmapDecoder) str(a *xmlscan.Attr) string { return string(d.attr(a)) }
func (d *nmapDecoder) val(a *xmlscan.Attr) string { return d.p.internBytes(d.attr(a)) }

// attr returns an attribute's value, nil past --max-field-bytes.
func (d *nmapDecoder) attr(a *xmlscan.Attr) []byte {
	v := d.s.AttrValue(a)
	if len(v) > d.p.lim.FieldBytes {
		d.fieldTooLong(fmt.Sprintf("attribute %s: a value", clip(string(a.Name))))
		return nil
	}
	return v
}

// fieldTooLong records, as d.tooLong, the first value of the element being
// read that is longer than --max-field-bytes.
func (d *nmapDecoder) fieldTooLong(what string) {
	if d.tooLong == nil {
		at := d.s.TokenOffset()
		d.tooLong = d.p.limitError(fmt.Sprintf("line %d, byte %d", d.s.Line(at), d.s.Base()+at), LimitFieldBytes, int64(d.p.lim.FieldBytes), what+" of more than %s")
	}
}

// num reads an integer attribute as encoding/xml did: empty is 0.
func (d *nmapDecoder) num(a *xmlscan.Attr) (int, error) {
	v := d.s.AttrValue(a)
	if len(v) == 0 {
		return 0, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(v)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("attribute %s is not a number", a.Name)
	}
	return int(n), nil
}

// children calls fn for each child element of the element just started
// (fn reads or skips it) and returns after the element's end tag.
func (d *nmapDecoder) children(fn func(name []byte) error) error {
	s := d.s
	if s.SelfClosing() {
		return nil
	}
	for {
		tok, err := s.Next()
		if err != nil {
			return err
		}
		// A document read from memory has no window to outgrow (see more):
		// the element is held to --max-record-bytes as it is read.
		if s.Offset()-d.recStart > d.p.lim.RecordBytes {
			at := d.recStart - s.Base()
			return d.p.limitError(fmt.Sprintf("line %d, byte %d", s.Line(at), d.recStart), LimitRecordBytes, int64(d.p.lim.RecordBytes), "an element of more than %s")
		}
		switch tok {
		case xmlscan.EndTag:
			return nil
		case xmlscan.StartTag:
			if err := fn(xmlscan.LocalName(s.Name())); err != nil {
				return err
			}
		case xmlscan.Doctype:
			return s.Errorf(s.TokenOffset(), "DOCTYPE not before the root element")
		}
	}
}

// text returns the character data of the element just started, child
// elements left out, as encoding/xml gives a string field.
func (d *nmapDecoder) text() (string, error) {
	s := d.s
	d.cpe = d.cpe[:0]
	if s.SelfClosing() {
		return "", nil
	}
	for {
		tok, err := s.Next()
		if err != nil {
			return "", err
		}
		switch tok {
		case xmlscan.EndTag:
			return d.p.internBytes(d.cpe), nil
		case xmlscan.Text:
			if d.cpe = append(d.cpe, s.TextValue()...); len(d.cpe) > d.p.lim.FieldBytes {
				d.fieldTooLong("a text")
				d.cpe = d.cpe[:0]
			}
		case xmlscan.StartTag:
			if err := s.Skip(); err != nil {
				return "", err
			}
		case xmlscan.Doctype:
			return "", s.Errorf(s.TokenOffset(), "DOCTYPE not before the root element")
		}
	}
}

// readHost reads one <host> into h, as encoding/xml decoded xmlHost.
func (d *nmapDecoder) readHost(h *xmlHost) error {
	s := d.s
	for i := range s.Attrs() {
		switch a := &s.Attrs()[i]; string(xmlscan.LocalName(a.Name)) {
		case "starttime":
			h.StartTime = d.str(a)
		case "endtime":
			h.EndTime = d.str(a)
		}
	}
	return d.children(func(name []byte) error {
		switch string(name) {
		case "status":
			if h.Status == nil {
				d.status.State = ""
				h.Status = &d.status
			}
			for i := range s.Attrs() {
				if a := &s.Attrs()[i]; string(xmlscan.LocalName(a.Name)) == "state" {
					h.Status.State = d.val(a)
				}
			}
		case "address":
			h.Addresses = append(h.Addresses, struct {
				Addr     string `xml:"addr,attr"`
				AddrType string `xml:"addrtype,attr"`
				Vendor   string `xml:"vendor,attr"`
			}{})
			ad := &h.Addresses[len(h.Addresses)-1]
			for i := range s.Attrs() {
				switch a := &s.Attrs()[i]; string(xmlscan.LocalName(a.Name)) {
				case "addr":
					ad.Addr = d.str(a)
				case "addrtype":
					ad.AddrType = d.val(a)
				case "vendor":
					ad.Vendor = d.val(a)
				}
			}
		case "hostnames":
			return d.children(func(name []byte) error {
				if string(name) == "hostname" {
					h.Hostnames = append(h.Hostnames, struct {
						Name string `xml:"name,attr"`
						Type string `xml:"type,attr"`
					}{})
					hn := &h.Hostnames[len(h.Hostnames)-1]
					for i := range s.Attrs() {
						switch a := &s.Attrs()[i]; string(xmlscan.LocalName(a.Name)) {
						case "name":
							hn.Name = d.str(a)
						case "type":
							hn.Type = d.val(a)
						}
					}
				}
				return s.Skip()
			})
		case "ports":
			return d.children(func(name []byte) error {
				if string(name) != "port" {
					return s.Skip()
				}
				return d.readPort(h)
			})
		case "os":
			return d.children(func(name []byte) error {
				if string(name) != "osmatch" {
					return s.Skip()
				}
				return d.readOSMatch(h)
			})
		}
		return s.Skip()
	})
}

// readPort reads one <port> into a new element of h.Ports.
func (d *nmapDecoder) readPort(h *xmlHost) error {
	s := d.s
	h.Ports = append(h.Ports, xmlPort{})
	pt := &h.Ports[len(h.Ports)-1]
	for i := range s.Attrs() {
		switch a := &s.Attrs()[i]; string(xmlscan.LocalName(a.Name)) {
		case "protocol":
			pt.Protocol = d.val(a)
		case "portid":
			n, err := d.num(a)
			if err != nil {
				return d.valueError(err)
			}
			pt.PortID = n
		}
	}
	return d.children(func(name []byte) error {
		switch string(name) {
		case "state":
			for i := range s.Attrs() {
				if a := &s.Attrs()[i]; string(xmlscan.LocalName(a.Name)) == "state" {
					pt.State.State = d.val(a)
				}
			}
		case "service":
			sv := &pt.Service
			for i := range s.Attrs() {
				switch a := &s.Attrs()[i]; string(xmlscan.LocalName(a.Name)) {
				case "name":
					sv.Name = d.val(a)
				case "product":
					sv.Product = d.val(a)
				case "version":
					sv.Version = d.val(a)
				case "extrainfo":
					sv.ExtraInfo = d.val(a)
				}
			}
			return d.children(func(name []byte) error {
				if string(name) != "cpe" {
					return s.Skip()
				}
				c, err := d.text()
				sv.CPE = append(sv.CPE, c)
				return err
			})
		}
		return s.Skip()
	})
}

// readOSMatch reads one <osmatch> into a new element of h.OSMatches.
func (d *nmapDecoder) readOSMatch(h *xmlHost) error {
	s := d.s
	h.OSMatches = append(h.OSMatches, xmlOSMatch{})
	m := &h.OSMatches[len(h.OSMatches)-1]
	for i := range s.Attrs() {
		switch a := &s.Attrs()[i]; string(xmlscan.LocalName(a.Name)) {
		case "name":
			m.Name = d.val(a)
		case "accuracy":
			n, err := d.num(a)
			if err != nil {
				return d.valueError(err)
			}
			m.Accuracy = n
		}
	}
	return d.children(func(name []byte) error {
		if string(name) != "osclass" {
			return s.Skip()
		}
		m.Classes = append(m.Classes, struct {
			CPE []string `xml:"cpe"`
		}{})
		cl := &m.Classes[len(m.Classes)-1]
		return d.children(func(name []byte) error {
			if string(name) != "cpe" {
				return s.Skip()
			}
			c, err := d.text()
			cl.CPE = append(cl.CPE, c)
			return err
		})
	})
}

// readRunstats reads <runstats> into rs.
func (d *nmapDecoder) readRunstats(rs *xmlRunstats) error {
	s := d.s
	return d.children(func(name []byte) error {
		if string(name) == "finished" {
			f := &rs.Finished
			for i := range s.Attrs() {
				switch a := &s.Attrs()[i]; string(xmlscan.LocalName(a.Name)) {
				case "time":
					f.Time = d.str(a)
				case "exit":
					f.Exit = d.str(a)
				case "errormsg":
					f.ErrorMsg = d.str(a)
				}
			}
		}
		return s.Skip()
	})
}

// chunks collects values without the copies and the slack of a growing
// slice; all returns them in one slice of the exact length.
type chunks[T any] struct {
	full [][]T
	cur  []T
	n    int
}

func (c *chunks[T]) add(v T) {
	if len(c.cur) == cap(c.cur) {
		if c.cur != nil {
			c.full = append(c.full, c.cur)
		}
		c.cur = make([]T, 0, min(1024, max(16, c.n)))
	}
	c.cur = append(c.cur, v)
	c.n++
}

// all returns the values in order; nil for none.
func (c *chunks[T]) all() []T {
	if c.n == 0 {
		return nil
	}
	out := make([]T, 0, c.n)
	for _, f := range c.full {
		out = append(out, f...)
	}
	return append(out, c.cur...)
}

// nmapValueError is well-formed XML whose value nmap could not have
// written, such as a port number that is not a number, at a line and a
// byte offset.
type nmapValueError struct {
	line, off int
	err       error
}

// valueError is an nmapValueError at the start tag just read.
func (d *nmapDecoder) valueError(err error) error {
	at := d.s.TokenOffset()
	return &nmapValueError{line: d.s.Line(at), off: d.s.Base() + at, err: err}
}

func (e *nmapValueError) Error() string { return e.err.Error() }

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
	slices.SortStableFunc(names, func(a, b struct {
		Name string `xml:"name,attr"`
		Type string `xml:"type,attr"`
	}) int {
		switch {
		case a.Type == "PTR" && b.Type != "PTR":
			return -1
		case b.Type == "PTR" && a.Type != "PTR":
			return 1
		}
		return 0
	})
	for _, hn := range names {
		n, err := NormalizeValue(vigil.FieldHostname, hn.Name)
		if err != nil {
			p.warn(o, "host name: "+err.Error()+"; name dropped")
		}
		if n != "" && !contains(host.Hostnames, n) {
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
	open := 0
	for _, pt := range h.Ports {
		if pt.State.State == "open" {
			open++
		}
	}
	if open > 0 {
		host.Ports = make([]NmapPort, 0, open)
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
	kv := p.kv[:0]
	if host.IP != "" {
		kv = append(kv, fieldValue{vigil.FieldIP, host.IP})
	}
	if host.MAC != "" {
		kv = append(kv, fieldValue{vigil.FieldMAC, host.MAC})
	}
	if len(host.Hostnames) > 0 && host.Hostnames[0] != "" {
		kv = append(kv, fieldValue{vigil.FieldHostname, host.Hostnames[0]})
	}
	p.kv = kv[:0]
	if !kv.hasIdentifier() {
		return host, nil, p.badRow(o, "host has no address")
	}
	at := firstTime(unixTime(h.EndTime), unixTime(h.StartTime), scanStart, p.opt.Now)
	return host, p.newRecord(o, at, kv), nil
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
