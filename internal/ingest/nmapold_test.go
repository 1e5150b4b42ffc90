package ingest

// The nmap reader as it was before xmlScanner: encoding/xml in strict mode.
// It is kept here as the reference the differential tests hold the scanner
// to (nmapdiff_test.go).

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/vigil-health/vigil"
)

// readNmapEncodingXML is readNmap as it was: one record per host that is
// up; a DOCTYPE declaring entities, a root other than <nmaprun>, malformed
// or truncated XML and a scan nmap itself reports as failed are fatal.
func (p *parser) readNmapEncodingXML(data []byte) error {
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
			return p.xmlErrorEncodingXML(dec, lines, err)
		}
		switch t := tok.(type) {
		case xml.Directive:
			if err := p.checkDirectiveEncodingXML(t, off); err != nil {
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
					return p.xmlErrorEncodingXML(dec, lines, err)
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
					return p.xmlErrorEncodingXML(dec, lines, err)
				}
				if msg := rs.Finished.ErrorMsg; msg != "" || rs.Finished.Exit == "error" {
					return p.fail(fmt.Sprintf("line %d", lines.at(off)), "nmap reports the scan failed (%q); refusing an incomplete scan", msg)
				}
				if scanStart.IsZero() {
					scanStart = unixTime(rs.Finished.Time)
				}
			default:
				if err := dec.Skip(); err != nil {
					return p.xmlErrorEncodingXML(dec, lines, err)
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

// checkDirectiveEncodingXML refuses a DOCTYPE that declares entities. encoding/xml
// never resolves them, but nmap never writes one either: such a file is an
// attack or not nmap output.
func (p *parser) checkDirectiveEncodingXML(d xml.Directive, off int64) error {
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

// xmlErrorEncodingXML turns a decoding error into a fatal error with line and offset.
func (p *parser) xmlErrorEncodingXML(dec *xml.Decoder, lines lineCounter, err error) error {
	off := dec.InputOffset()
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return p.fail(fmt.Sprintf("line %d, byte %d", se.Line, off), "malformed or truncated XML: %s", se.Msg)
	}
	return p.fail(fmt.Sprintf("line %d, byte %d", lines.at(off), off), "malformed nmap XML: %v", err)
}
