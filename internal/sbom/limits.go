package sbom

import (
	"errors"
	"fmt"
	"io"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/feeds"
)

// An SBOM is read whole, then decoded by its format's library; it is held
// to its bound.Limits as it is read, before the libraries see it: the file
// to a feeds.WholeShare of FileBytes (64 MiB by default: an SBOM decoded
// whole costs about fourteen times its size); JSON (CycloneDX, SPDX 2 and 3) to Depth and FieldBytes
// (bound.JSON) and to Rows list elements in all (feeds.LimitLists), for
// what a document decodes to grows with its lists; CycloneDX XML to Depth,
// FieldBytes for a text, an attribute value or any other markup and Rows
// elements in all (bound.XMLElements); SPDX tag-value to
// RecordBytes a line (lineCap).

// readDoc reads the document of format f from r whole under lim.
func readDoc(name string, f Format, r io.Reader, lim bound.Limits) ([]byte, error) {
	r = feeds.LimitWhole(r, name, lim, "an SBOM")
	switch f {
	case FormatCycloneDXJSON, FormatSPDXJSON, FormatSPDX3JSON:
		r = feeds.LimitLists(bound.JSON(r, name, lim), name, lim)
	case FormatCycloneDXXML:
		r = bound.XMLElements(r, name, lim)
	case FormatSPDXTagValue:
		r = &lineCap{r: r, name: name, max: int64(lim.RecordBytes), line: 1}
	}
	return io.ReadAll(r)
}

// lineCap fails a line longer than max bytes as it is read.
type lineCap struct {
	r    io.Reader
	name string
	max  int64
	n    int64 // bytes of the line so far
	line int
	err  error
}

func (c *lineCap) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b == '\n' {
			c.n = 0
			c.line++
			continue
		}
		if c.n++; c.n > c.max {
			c.err = bound.Over(c.name, fmt.Sprintf("line %d", c.line), bound.LimitRecordBytes, c.max, "a line of more than %s")
			return i, c.err
		}
	}
	return n, err
}

// limitError returns the error of the limit err met, if it met one: the
// message bound.Over wrote, which names the flag.
func limitError(err error) error {
	var ve *vigil.Error
	if _, ok := bound.AsLimitError(err); ok && errors.As(err, &ve) {
		return ve
	}
	return nil
}
