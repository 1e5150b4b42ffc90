// Package sbom reads software bills of materials into Vigil's components:
// CycloneDX JSON and XML (1.2 to 1.6, validated beyond what the library
// checks), SPDX 2.2/2.3 JSON and tag-value, and the packages of SPDX 3.0
// JSON-LD. CycloneDX VEX analyses become VEX statements. Parsing is pure.
package sbom

import (
	"bytes"
	"context"
	"fmt"
	"io"

	vigil "github.com/vigil-health/vigil"
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

// MaxSize is the largest SBOM Parse reads (SBOMs are read whole).
const MaxSize = 256 << 20

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

// Parse reads one SBOM, detecting its format. name is used in errors only.
// A file that breaks its format's rules is refused with an error naming the
// file and the offending element; no partial SBOM is returned.
func Parse(ctx context.Context, name string, r io.Reader) (*vigil.SBOM, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("sbom: read %s: %w", name, err)
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("sbom: %s: larger than %d MiB", name, MaxSize>>20)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var s *vigil.SBOM
	switch f := Detect(data[:min(len(data), 64<<10)]); f {
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
	default:
		return nil, fmt.Errorf("sbom: %s: unrecognised format (not CycloneDX JSON/XML or SPDX JSON/tag-value)", name)
	}
	if err != nil {
		return nil, fmt.Errorf("sbom: parse %s: %w", name, err)
	}
	return s, nil
}
