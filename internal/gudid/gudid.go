// Package gudid reads the FDA Global Unique Device Identification Database
// device XML (the AccessGUDID full and delta releases, and openFDA's
// sample): one vigil.GUDIDDevice per <device> element. It streams: a
// release of millions of records is read one device at a time, never
// whole, and held to bound.Limits as it streams.
package gudid

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/udi"
)

// device is the part of a GUDID device record Vigil keeps.
type device struct {
	DeviceID    string `xml:"deviceid,attr"`
	Identifiers []struct {
		ID     string `xml:"deviceId"`
		Type   string `xml:"deviceIdType"`
		Agency string `xml:"deviceIdIssuingAgency"`
	} `xml:"identifiers>identifier"`
	Brand       string `xml:"brandName"`
	Model       string `xml:"versionModelNumber"`
	Catalog     string `xml:"catalogNumber"`
	Company     string `xml:"companyName"`
	Description string `xml:"deviceDescription"`
	Status      string `xml:"deviceCommDistributionStatus"`
	Version     string `xml:"publicVersionNumber"`
	GMDN        []struct {
		Name string `xml:"gmdnPTName"`
	} `xml:"gmdnTerms>gmdn"`
	Direct string `xml:"deviceId"` // a <deviceId> child outside <identifiers>
}

// Error says where in the file a GUDID release could not be read.
type Error struct {
	Offset int64 // bytes from the start of the file
	Reason string
}

// Error returns "byte N: reason".
func (e *Error) Error() string { return fmt.Sprintf("byte %d: %s", e.Offset, e.Reason) }

// Read calls fn with each device record of a GUDID device XML stream
// named name, in order, and returns how many it read. A record without a
// primary DI or a company, or an XML fault, stops the read with an *Error
// naming the byte offset; an error fn returns stops it too and is returned
// as is.
//
// The stream is held to l (zero fields: the defaults) as it is read: the
// file to l.FileBytes, elements nested to l.Depth, a text, an attribute
// value or a tag to l.FieldBytes, a <device> element to l.RecordBytes and
// the records to l.Rows. The first limit met stops the read with
// bound.Over's error (EINVALID, naming the file, the byte offset and the
// flag that raises the limit), before what it bounds is held.
func Read(r io.Reader, name string, l bound.Limits, fn func(*vigil.GUDIDDevice) error) (int, error) {
	l = l.OrDefault()
	cr := &countReader{r: bound.File(r, name, l)}
	dec := xml.NewDecoder(bound.XML(cr, name, l))
	dec.Strict = true
	n := 0
	for {
		off := dec.InputOffset()
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			if n == 0 {
				return 0, &Error{Offset: off, Reason: "no <device> record: not a GUDID device file"}
			}
			return n, nil
		}
		if err != nil {
			return n, readError(err, dec.InputOffset())
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "device" {
			continue
		}
		start := off
		if n >= l.Rows {
			return n, bound.Over(name, fmt.Sprintf("byte %d", start), bound.LimitRows, int64(l.Rows), "more than %s <device> records")
		}
		cr.limit = cr.n + int64(l.RecordBytes)
		var d device
		if err := dec.DecodeElement(&d, &se); err != nil {
			if cr.over {
				return n, bound.Over(name, fmt.Sprintf("byte %d", start), bound.LimitRecordBytes, int64(l.RecordBytes), "a <device> record of more than %s")
			}
			return n, readError(err, dec.InputOffset())
		}
		cr.limit = 0
		g, err := d.record()
		if err != nil {
			return n, &Error{Offset: start, Reason: err.Error()}
		}
		n++
		if err := fn(g); err != nil {
			return n, err
		}
	}
}

// readError is the error of a failed read: a limit met as is, anything
// else an *Error at off.
func readError(err error, off int64) error {
	if _, ok := bound.AsLimitError(err); ok {
		return err
	}
	return &Error{Offset: off, Reason: xmlReason(err)}
}

// record turns the decoded element into the domain record.
func (d *device) record() (*vigil.GUDIDDevice, error) {
	g := &vigil.GUDIDDevice{
		Brand: clean(d.Brand), Model: clean(d.Model), Catalog: clean(d.Catalog), Company: clean(d.Company),
		Description: clean(d.Description), Status: clean(d.Status),
	}
	g.Version, _ = strconv.Atoi(strings.TrimSpace(d.Version))
	for _, id := range d.Identifiers {
		di := udi.NormalizeDI(id.ID)
		if di == "" {
			continue
		}
		if strings.EqualFold(strings.TrimSpace(id.Type), "Primary") && g.PrimaryDI == "" {
			g.PrimaryDI, g.Issuer = di, clean(id.Agency)
		} else if !contains(g.PackageDIs, di) {
			g.PackageDIs = append(g.PackageDIs, di)
		}
	}
	if g.PrimaryDI == "" {
		g.PrimaryDI = udi.NormalizeDI(cmpOr(d.DeviceID, d.Direct))
	}
	for i, p := range g.PackageDIs {
		if p == g.PrimaryDI {
			g.PackageDIs = append(g.PackageDIs[:i], g.PackageDIs[i+1:]...)
			break
		}
	}
	for _, t := range d.GMDN {
		if n := clean(t.Name); n != "" && !contains(g.GMDNTerms, n) {
			g.GMDNTerms = append(g.GMDNTerms, n)
		}
	}
	if err := g.Validate(); err != nil {
		return nil, errors.New(vigil.ErrorMessage(err))
	}
	return g, nil
}

// clean collapses the white space the XML's line wrapping leaves.
func clean(s string) string { return strings.Join(strings.Fields(s), " ") }

func cmpOr(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// xmlReason states an XML fault without quoting the document.
func xmlReason(err error) string {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return "malformed XML: " + se.Msg
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "the file ends inside a record"
	}
	return "malformed XML"
}

// countReader counts the bytes read and, while limit is set, fails past
// it.
type countReader struct {
	r     io.Reader
	n     int64
	limit int64
	over  bool
}

func (c *countReader) Read(p []byte) (int, error) {
	if c.limit > 0 {
		if c.n >= c.limit {
			c.over = true
			return 0, errors.New("record too long")
		}
		if rest := c.limit - c.n; int64(len(p)) > rest {
			p = p[:rest]
		}
	}
	k, err := c.r.Read(p)
	c.n += int64(k)
	return k, err
}
