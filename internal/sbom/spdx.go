package sbom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx"
	"github.com/spdx/tools-golang/tagvalue"
	vigil "github.com/vigil-health/vigil"
)

var (
	spdxJSONVersion = regexp.MustCompile(`"spdxVersion"\s*:\s*"([^"]*)"`)
	spdxTVVersion   = regexp.MustCompile(`(?m)^SPDXVersion:\s*(\S*)`)
)

func parseSPDXJSON(data []byte) (*vigil.SBOM, error) {
	ver := ""
	if m := spdxJSONVersion.FindSubmatch(data); m != nil {
		ver = string(m[1])
	}
	doc, err := spdxjson.Read(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("SPDX JSON: %w", jsonPosErr(data, err))
	}
	return fromSPDX(doc, ver, "SPDX JSON")
}

func parseSPDXTagValue(data []byte) (*vigil.SBOM, error) {
	ver := ""
	if m := spdxTVVersion.FindSubmatch(data); m != nil {
		ver = string(m[1])
	}
	doc, err := tagvalue.Read(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("SPDX tag-value: %w", err)
	}
	return fromSPDX(doc, ver, "SPDX tag-value")
}

// fromSPDX converts a document; version is the SPDXVersion the file itself
// declares (tools-golang converts every document to its 2.3 model).
func fromSPDX(doc *spdx.Document, version, what string) (*vigil.SBOM, error) {
	if doc == nil {
		return nil, fmt.Errorf("%s: empty document", what)
	}
	switch version {
	case "SPDX-2.1", "SPDX-2.2", "SPDX-2.3":
	default:
		return nil, fmt.Errorf("%s: SPDXVersion %q, want SPDX-2.1 to SPDX-2.3", what, truncate(version, 20))
	}
	if doc.SPDXIdentifier != "DOCUMENT" {
		return nil, fmt.Errorf("%s: document SPDXID %q, want SPDXRef-DOCUMENT", what, truncate(string(doc.SPDXIdentifier), 40))
	}
	s := &vigil.SBOM{Format: "SPDX", SpecVersion: version, SerialNumber: doc.DocumentNamespace, Name: doc.DocumentName}
	if ci := doc.CreationInfo; ci != nil && ci.Created != "" {
		t, err := time.Parse(time.RFC3339, ci.Created)
		if err != nil {
			return nil, fmt.Errorf("%s: Created %q is not an RFC 3339 date-time", what, truncate(ci.Created, 40))
		}
		s.Created = t.UTC()
	}
	for i, p := range doc.Packages {
		if p == nil {
			continue
		}
		if p.PackageName == "" {
			return nil, fmt.Errorf("%s: package %d (SPDXRef-%s) has no name", what, i, truncate(string(p.PackageSPDXIdentifier), 60))
		}
		c := vigil.Component{Ref: "SPDXRef-" + string(p.PackageSPDXIdentifier), Type: strings.ToLower(p.PrimaryPackagePurpose), Name: p.PackageName, Version: p.PackageVersion}
		if p.PackageSupplier != nil && p.PackageSupplier.Supplier != "NOASSERTION" {
			c.Supplier = p.PackageSupplier.Supplier
		} else if p.PackageOriginator != nil && p.PackageOriginator.Originator != "NOASSERTION" {
			c.Supplier = p.PackageOriginator.Originator
		}
		for _, r := range p.PackageExternalReferences {
			if r == nil {
				continue
			}
			switch strings.ToLower(r.RefType) {
			case "purl":
				if c.PURL == "" {
					c.PURL = r.Locator
				}
			case "cpe23type", "cpe22type":
				if c.CPE == "" {
					c.CPE = r.Locator
				}
			}
		}
		s.Components = append(s.Components, c)
	}
	return s, nil
}

// spdx3Doc is the JSON-LD graph of an SPDX 3.0 document, read only for its
// packages and files. tools-golang 0.5 does not read SPDX 3.
type spdx3Doc struct {
	Context any `json:"@context"`
	Graph   []struct {
		Type               string `json:"type"`
		SPDXID             string `json:"spdxId"`
		Name               string `json:"name"`
		Version            string `json:"software_packageVersion"`
		PURL               string `json:"software_packageUrl"`
		SuppliedBy         string `json:"suppliedBy"`
		Created            string `json:"created"`
		SpecVersion        string `json:"specVersion"`
		ExternalIdentifier []struct {
			Type       string `json:"externalIdentifierType"`
			Identifier string `json:"identifier"`
		} `json:"externalIdentifier"`
	} `json:"@graph"`
}

func parseSPDX3(data []byte) (*vigil.SBOM, error) {
	var d spdx3Doc
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("SPDX 3 JSON-LD: %w", jsonPosErr(data, err))
	}
	if len(d.Graph) == 0 {
		return nil, fmt.Errorf("SPDX 3 JSON-LD: empty @graph")
	}
	s := &vigil.SBOM{Format: "SPDX", SpecVersion: "SPDX-3.0"}
	for i, e := range d.Graph {
		switch e.Type {
		case "CreationInfo":
			if e.SpecVersion != "" {
				s.SpecVersion = "SPDX-" + e.SpecVersion
			}
			if e.Created != "" {
				t, err := time.Parse(time.RFC3339, e.Created)
				if err != nil {
					return nil, fmt.Errorf("SPDX 3 JSON-LD: @graph[%d].created %q is not an RFC 3339 date-time", i, truncate(e.Created, 40))
				}
				s.Created = t.UTC()
			}
		case "SpdxDocument":
			s.SerialNumber, s.Name = e.SPDXID, e.Name
		case "software_Package", "software_File":
			if e.Name == "" {
				return nil, fmt.Errorf("SPDX 3 JSON-LD: @graph[%d] (%s) has no name", i, e.Type)
			}
			c := vigil.Component{Ref: e.SPDXID, Type: strings.TrimPrefix(strings.ToLower(e.Type), "software_"), Name: e.Name, Version: e.Version, PURL: e.PURL, Supplier: e.SuppliedBy}
			for _, x := range e.ExternalIdentifier {
				switch x.Type {
				case "packageUrl":
					if c.PURL == "" {
						c.PURL = x.Identifier
					}
				case "cpe23":
					c.CPE = x.Identifier
				}
			}
			s.Components = append(s.Components, c)
		}
	}
	return s, nil
}
