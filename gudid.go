package vigil

import (
	"strings"
	"time"
)

// GUDIDDevice is what the FDA's Global Unique Device Identification
// Database says about one device identifier: who labels the model and
// what it is. It is reference data: it names the maker and model behind a
// UDI's DI and never overrides what the hospital's sources say.
type GUDIDDevice struct {
	PrimaryDI   string    `json:"primary_di"`
	Issuer      string    `json:"issuer,omitempty"`      // the issuing agency as GUDID names it: GS1, HIBCC, ICCBBA
	PackageDIs  []string  `json:"package_dis,omitempty"` // the DIs of its packages, which name the same model
	Company     string    `json:"company"`
	Brand       string    `json:"brand,omitempty"`
	Model       string    `json:"model,omitempty"` // the version or model number
	Catalog     string    `json:"catalog,omitempty"`
	Description string    `json:"description,omitempty"`
	GMDNTerms   []string  `json:"gmdn_terms,omitempty"` // GMDN preferred term names
	Status      string    `json:"status,omitempty"`     // the commercial distribution status
	Version     int       `json:"version,omitempty"`    // the record's public version number
	ImportedAt  time.Time `json:"imported_at"`
}

// Validate checks the record's rules: a primary DI of at most 64
// characters and a company.
func (g *GUDIDDevice) Validate() error {
	if strings.TrimSpace(g.PrimaryDI) == "" {
		return Errorf(EINVALID, "a GUDID record needs a primary DI")
	}
	if len(g.PrimaryDI) > 64 {
		return Errorf(EINVALID, "a GUDID primary DI is at most 64 characters")
	}
	for _, d := range g.PackageDIs {
		if len(d) > 64 {
			return Errorf(EINVALID, "a GUDID package DI is at most 64 characters")
		}
	}
	if strings.TrimSpace(g.Company) == "" {
		return Errorf(EINVALID, "GUDID record %s names no company", g.PrimaryDI)
	}
	return nil
}

// GUDIDImportResult says what a GUDID import stored.
type GUDIDImportResult struct {
	File      string `json:"file,omitempty"`
	Records   int    `json:"records"`   // device records read
	Added     int    `json:"added"`     // primary DIs new to the table
	Updated   int    `json:"updated"`   // primary DIs whose record changed
	Unchanged int    `json:"unchanged"` // primary DIs stored as they were
}
