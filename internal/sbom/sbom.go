// Package sbom reads software bills of materials into Vigil's components:
// CycloneDX JSON and XML (1.2 to 1.6, validated beyond what the library
// checks), SPDX 2.2/2.3 JSON and tag-value, and the packages of SPDX 3.0
// JSON-LD. CycloneDX VEX analyses become VEX statements. Parsing is pure.
package sbom

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
)

// Format names an SBOM serialisation.
type Format string

// The SBOM formats Parse understands.
const (
	FormatUnknown       Format = ""
	FormatCycloneDXJSON Format = "cyclonedx-json"
	FormatCycloneDXXML  Format = "cyclonedx-xml"
	FormatSPDXJSON      Format = "spdx-json"
	FormatSPDXTagValue  Format = "spdx-tag-value"
	FormatSPDX3JSON     Format = "spdx3-jsonld"
)

// Detect names the SBOM format from the first bytes of a file.
func Detect(head []byte) Format {
	t := bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	has := func(s string) bool { return bytes.Contains(t, []byte(s)) }
	switch {
	case len(t) == 0:
		return FormatUnknown
	case t[0] == '{':
		switch {
		case has(`"bomFormat"`):
			return FormatCycloneDXJSON
		case has(`"spdxVersion"`):
			return FormatSPDXJSON
		case has(`"@context"`) && has("spdx.org/rdf/3"):
			return FormatSPDX3JSON
		}
	case t[0] == '<':
		if has("cyclonedx.org/schema/bom") {
			return FormatCycloneDXXML
		}
	case bytes.HasPrefix(t, []byte("SPDXVersion:")) || has("\nSPDXVersion:"):
		return FormatSPDXTagValue
	}
	return FormatUnknown
}

// Parse reads one SBOM under the default limits (bound.Default);
// ParseLimits takes others.
func Parse(ctx context.Context, name string, r io.Reader) (*vigil.SBOM, error) {
	return ParseLimits(ctx, name, r, bound.Default())
}

// ParseLimits reads one SBOM, detecting its format, held to lim as it is
// read (see limits.go): an SBOM is read whole, up to an eighth of
// lim.FileBytes (feeds.WholeShare). name is
// used in errors only. A file that breaks its format's rules is refused
// with an error naming the file and the offending element; no partial SBOM
// is returned. A limit met is an EINVALID *vigil.Error naming the flag
// that raises it.
func ParseLimits(ctx context.Context, name string, r io.Reader, lim bound.Limits) (*vigil.SBOM, error) {
	lim = lim.OrDefault()
	br := bufio.NewReaderSize(bound.File(r, name, lim), sniffSize)
	head, err := br.Peek(sniffSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, readError(name, err)
	}
	f := Detect(head)
	if f == FormatUnknown {
		return nil, fmt.Errorf("sbom: %s: unrecognised format (not CycloneDX JSON/XML or SPDX JSON/tag-value)", name)
	}
	data, err := readDoc(name, f, br, lim)
	if err != nil {
		return nil, readError(name, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var s *vigil.SBOM
	switch f {
	case FormatCycloneDXJSON:
		s, err = parseCycloneDXJSON(data)
	case FormatCycloneDXXML:
		s, err = parseCycloneDXXML(data)
	case FormatSPDXJSON:
		s, err = parseSPDXJSON(data)
	case FormatSPDXTagValue:
		s, err = parseSPDXTagValue(data)
	case FormatSPDX3JSON:
		s, err = parseSPDX3(data)
	}
	if err != nil {
		return nil, fmt.Errorf("sbom: parse %s: %w", name, err)
	}
	return s, nil
}

// sniffSize is how much of a file Detect looks at.
const sniffSize = 64 << 10

// readError is the error of reading name: a limit's own, else named.
func readError(name string, err error) error {
	if le := limitError(err); le != nil {
		return le
	}
	return fmt.Errorf("sbom: read %s: %w", name, err)
}
