package sbom

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	vigil "github.com/vigil-health/vigil"
)

// cdxRaw holds the parts of a CycloneDX JSON document whose presence (not
// only value) the validator must see: the library's structs drop empty
// strings such as "bom-ref": "".
type cdxRaw struct {
	BOMFormat    *string `json:"bomFormat"`
	SpecVersion  *string `json:"specVersion"`
	SerialNumber *string `json:"serialNumber"`
	Metadata     *struct {
		Timestamp *string  `json:"timestamp"`
		Component *rawComp `json:"component"`
	} `json:"metadata"`
	Components   []rawComp `json:"components"`
	Services     []rawComp `json:"services"`
	Dependencies []struct {
		Ref       *string  `json:"ref"`
		DependsOn []string `json:"dependsOn"`
	} `json:"dependencies"`
}

type rawComp struct {
	BOMRef     *string           `json:"bom-ref"`
	Type       *string           `json:"type"`
	Name       *string           `json:"name"`
	Hashes     []rawHash         `json:"hashes"`
	Licenses   []json.RawMessage `json:"licenses"`
	Components []rawComp         `json:"components"`
	Services   []rawComp         `json:"services"`
}

type rawHash struct {
	Alg     string `json:"alg"`
	Content string `json:"content"`
}

func componentTypeOK(t string) bool {
	switch t {
	case "application", "framework", "library", "container", "platform", "operating-system", "device", "device-driver",
		"firmware", "file", "machine-learning-model", "data", "cryptographic-asset":
		return true
	}
	return false
}

func hashAlgOK(a string) bool {
	switch a {
	case "MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512", "SHA3-256", "SHA3-384", "SHA3-512",
		"BLAKE2b-256", "BLAKE2b-384", "BLAKE2b-512", "BLAKE3", "Streebog-256", "Streebog-512":
		return true
	}
	return false
}

var (
	serialPattern = regexp.MustCompile(`^urn:uuid:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	hexPattern    = regexp.MustCompile(`^([a-fA-F0-9]{32}|[a-fA-F0-9]{40}|[a-fA-F0-9]{64}|[a-fA-F0-9]{96}|[a-fA-F0-9]{128})$`)
)

// validateCycloneDXJSON checks the schema rules the CycloneDX test vectors
// exercise and cyclonedx-go does not: bomFormat, specVersion, serialNumber
// pattern, metadata timestamp format, component type and bom-ref, hash
// algorithm and content, license choice, and dependency references.
func validateCycloneDXJSON(data []byte) error {
	var raw cdxRaw
	if err := json.Unmarshal(data, &raw); err != nil {
		return jsonPosErr(data, err)
	}
	if raw.BOMFormat == nil || *raw.BOMFormat != "CycloneDX" {
		return fmt.Errorf("bomFormat %q, want \"CycloneDX\"", deref(raw.BOMFormat))
	}
	if raw.SpecVersion == nil {
		return fmt.Errorf("specVersion is missing")
	}
	switch *raw.SpecVersion {
	case "1.2", "1.3", "1.4", "1.5", "1.6", "1.7":
	default:
		return fmt.Errorf("specVersion %q is not a supported CycloneDX version (1.2 to 1.7)", *raw.SpecVersion)
	}
	if raw.SerialNumber != nil && !serialPattern.MatchString(*raw.SerialNumber) {
		return fmt.Errorf("serialNumber %q does not match urn:uuid:<RFC 4122 UUID>", truncate(*raw.SerialNumber, 80))
	}
	refs := map[string]bool{}
	if raw.Metadata != nil {
		if ts := raw.Metadata.Timestamp; ts != nil {
			if _, err := time.Parse(time.RFC3339, *ts); err != nil {
				return fmt.Errorf("metadata.timestamp %q is not an RFC 3339 date-time", truncate(*ts, 40))
			}
		}
		if c := raw.Metadata.Component; c != nil {
			if err := checkComp(*c, "metadata.component", refs); err != nil {
				return err
			}
		}
	}
	for i, c := range raw.Components {
		if err := checkComp(c, fmt.Sprintf("components[%d]", i), refs); err != nil {
			return err
		}
	}
	if err := checkServices(raw.Services, "services", refs); err != nil {
		return err
	}
	for i, d := range raw.Dependencies {
		if d.Ref == nil || *d.Ref == "" {
			return fmt.Errorf("dependencies[%d].ref is missing or empty", i)
		}
		if !refs[*d.Ref] {
			return fmt.Errorf("dependencies[%d].ref %q names no component or service", i, truncate(*d.Ref, 80))
		}
		for j, on := range d.DependsOn {
			if !refs[on] {
				return fmt.Errorf("dependencies[%d].dependsOn[%d] %q names no component or service", i, j, truncate(on, 80))
			}
		}
	}
	return nil
}

// checkServices collects the bom-refs of services, nested ones included.
func checkServices(ss []rawComp, path string, refs map[string]bool) error {
	for i, s := range ss {
		p := fmt.Sprintf("%s[%d]", path, i)
		if s.BOMRef != nil {
			if *s.BOMRef == "" {
				return fmt.Errorf("%s.bom-ref is empty", p)
			}
			refs[*s.BOMRef] = true
		}
		if err := checkServices(s.Services, p+".services", refs); err != nil {
			return err
		}
	}
	return nil
}

func checkComp(c rawComp, path string, refs map[string]bool) error {
	if c.Type == nil || !componentTypeOK(*c.Type) {
		return fmt.Errorf("%s.type %q is not a CycloneDX component type", path, truncate(deref(c.Type), 40))
	}
	if c.Name == nil {
		return fmt.Errorf("%s.name is missing", path)
	}
	if c.BOMRef != nil {
		if *c.BOMRef == "" {
			return fmt.Errorf("%s.bom-ref is empty", path)
		}
		if refs[*c.BOMRef] {
			return fmt.Errorf("%s.bom-ref %q is not unique", path, truncate(*c.BOMRef, 80))
		}
		refs[*c.BOMRef] = true
	}
	for i, h := range c.Hashes {
		if !hashAlgOK(h.Alg) {
			return fmt.Errorf("%s.hashes[%d].alg %q is not a CycloneDX hash algorithm", path, i, truncate(h.Alg, 40))
		}
		if !hexPattern.MatchString(h.Content) {
			return fmt.Errorf("%s.hashes[%d].content is not a hex digest", path, i)
		}
	}
	for i, l := range c.Licenses {
		var choice map[string]json.RawMessage
		if err := json.Unmarshal(l, &choice); err != nil {
			return fmt.Errorf("%s.licenses[%d]: %w", path, i, err)
		}
		_, hasL := choice["license"]
		_, hasE := choice["expression"]
		if hasL == hasE {
			return fmt.Errorf("%s.licenses[%d] must hold exactly one of license or expression", path, i)
		}
	}
	for i, sub := range c.Components {
		if err := checkComp(sub, fmt.Sprintf("%s.components[%d]", path, i), refs); err != nil {
			return err
		}
	}
	return nil
}

func parseCycloneDXJSON(data []byte) (*vigil.SBOM, error) {
	if err := validateCycloneDXJSON(data); err != nil {
		return nil, fmt.Errorf("CycloneDX JSON: %w", err)
	}
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(data), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		return nil, fmt.Errorf("CycloneDX JSON: %w", jsonPosErr(data, err))
	}
	return fromCycloneDX(&bom, "CycloneDX JSON")
}

func parseCycloneDXXML(data []byte) (*vigil.SBOM, error) {
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(data), cdx.BOMFileFormatXML).Decode(&bom); err != nil {
		return nil, fmt.Errorf("CycloneDX XML: %w", err)
	}
	// The XML schema version comes from the namespace.
	ns := bom.XMLNS
	i := strings.LastIndexByte(ns, '/')
	if !strings.HasPrefix(ns, "http://cyclonedx.org/schema/bom/") || i < 0 {
		return nil, fmt.Errorf("CycloneDX XML: namespace %q is not a CycloneDX BOM namespace", truncate(ns, 80))
	}
	if err := bom.SpecVersion.UnmarshalJSON([]byte(`"` + ns[i+1:] + `"`)); err != nil {
		return nil, fmt.Errorf("CycloneDX XML: namespace version %q: %w", truncate(ns[i+1:], 20), err)
	}
	if bom.SerialNumber != "" && !serialPattern.MatchString(bom.SerialNumber) {
		return nil, fmt.Errorf("CycloneDX XML: serialNumber %q does not match urn:uuid:<RFC 4122 UUID>", truncate(bom.SerialNumber, 80))
	}
	if err := checkLibComps(bom.Components, "components"); err != nil {
		return nil, fmt.Errorf("CycloneDX XML: %w", err)
	}
	return fromCycloneDX(&bom, "CycloneDX XML")
}

// checkLibComps applies the component checks to a decoded BOM (XML path).
func checkLibComps(cs *[]cdx.Component, path string) error {
	if cs == nil {
		return nil
	}
	for i, c := range *cs {
		p := fmt.Sprintf("%s[%d]", path, i)
		if !componentTypeOK(string(c.Type)) {
			return fmt.Errorf("%s.type %q is not a CycloneDX component type", p, truncate(string(c.Type), 40))
		}
		if c.Hashes != nil {
			for j, h := range *c.Hashes {
				if !hashAlgOK(string(h.Algorithm)) {
					return fmt.Errorf("%s.hashes[%d].alg %q is not a CycloneDX hash algorithm", p, j, truncate(string(h.Algorithm), 40))
				}
			}
		}
		if err := checkLibComps(c.Components, p+".components"); err != nil {
			return err
		}
	}
	return nil
}

func fromCycloneDX(bom *cdx.BOM, what string) (*vigil.SBOM, error) {
	s := &vigil.SBOM{Format: "CycloneDX", SpecVersion: bom.SpecVersion.String(), SerialNumber: bom.SerialNumber}
	if m := bom.Metadata; m != nil {
		if m.Timestamp != "" {
			t, err := time.Parse(time.RFC3339, m.Timestamp)
			if err != nil {
				return nil, fmt.Errorf("%s: metadata.timestamp %q is not an RFC 3339 date-time", what, truncate(m.Timestamp, 40))
			}
			s.Created = t.UTC()
		}
		if c := m.Component; c != nil {
			s.Name = strings.TrimSpace(c.Group + " " + c.Name)
			if c.Manufacturer != nil {
				s.Manufacturer = c.Manufacturer.Name
			} else if c.Supplier != nil {
				s.Manufacturer = c.Supplier.Name
			}
			s.Model, s.Firmware = c.Name, c.Version
		}
		if s.Manufacturer == "" && m.Manufacturer != nil {
			s.Manufacturer = m.Manufacturer.Name
		}
	}
	var walk func(cs *[]cdx.Component)
	walk = func(cs *[]cdx.Component) {
		if cs == nil {
			return
		}
		for _, c := range *cs {
			vc := vigil.Component{Ref: c.BOMRef, Type: string(c.Type), Name: c.Name, Version: c.Version, PURL: c.PackageURL, CPE: c.CPE}
			if c.Group != "" {
				vc.Name = c.Group + "/" + c.Name
			}
			switch {
			case c.Supplier != nil && c.Supplier.Name != "":
				vc.Supplier = c.Supplier.Name
			case c.Manufacturer != nil && c.Manufacturer.Name != "":
				vc.Supplier = c.Manufacturer.Name
			case c.Publisher != "":
				vc.Supplier = c.Publisher
			case c.Author != "":
				vc.Supplier = c.Author
			}
			s.Components = append(s.Components, vc)
			walk(c.Components)
		}
	}
	walk(bom.Components)
	s.VEX = cycloneDXVEX(bom)
	return s, nil
}

// cycloneDXVEX turns vulnerabilities[].analysis into VEX statements, one per
// affected ref.
func cycloneDXVEX(bom *cdx.BOM) []vigil.VEXStatement {
	if bom.Vulnerabilities == nil {
		return nil
	}
	var out []vigil.VEXStatement
	for _, v := range *bom.Vulnerabilities {
		if v.Analysis == nil || v.Analysis.State == "" {
			continue
		}
		st := vexState(v.Analysis.State)
		src := "cyclonedx"
		if v.Source != nil && v.Source.Name != "" {
			src = "cyclonedx:" + v.Source.Name
		}
		base := vigil.VEXStatement{VulnID: v.ID, Status: st, Justification: string(v.Analysis.Justification),
			Detail: truncate(v.Analysis.Detail, 1000), Source: src}
		if v.Affects == nil || len(*v.Affects) == 0 {
			out = append(out, base)
			continue
		}
		for _, a := range *v.Affects {
			st := base
			st.Component = refFragment(a.Ref)
			out = append(out, st)
		}
	}
	return out
}

func vexState(s cdx.ImpactAnalysisState) vigil.ProductStatus {
	switch s {
	case cdx.IASNotAffected, cdx.IASFalsePositive:
		return vigil.StatusNotAffected
	case cdx.IASResolved, cdx.IASResolvedWithPedigree:
		return vigil.StatusFixed
	case cdx.IASExploitable:
		return vigil.StatusAffected
	}
	return vigil.StatusUnderInvestigation // in_triage
}

// refFragment returns the bom-ref of a BOM-Link ("urn:cdx:serial/1#ref") or
// the ref unchanged.
func refFragment(ref string) string {
	if strings.HasPrefix(ref, "urn:cdx:") {
		if i := strings.IndexByte(ref, '#'); i >= 0 {
			return ref[i+1:]
		}
	}
	return ref
}

// jsonPosErr adds the line and column of a JSON error's byte offset.
func jsonPosErr(data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	}
	if off < 0 || off > int64(len(data)) {
		return err
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	return fmt.Errorf("line %d (byte %d): %w", line, off, err)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && (s[n]&0xC0) == 0x80 {
		n--
	}
	return s[:n] + "…"
}
