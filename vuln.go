package vigil

import (
	"strings"
	"time"
)

// Vulnerability is one publicly known weakness (a CVE, GHSA or vendor id) as
// Vigil merged it from every feed that mentioned it. Scores keep their source
// because CISA's and NVD's CVSS for the same CVE often differ.
type Vulnerability struct {
	ID             string      `json:"id"` // CVE-2022-2119, GHSA-..., ...
	Aliases        []string    `json:"aliases,omitempty"`
	Published      time.Time   `json:"published,omitzero"`
	Modified       time.Time   `json:"modified,omitzero"`
	Description    string      `json:"description,omitempty"` // English, at most 1000 bytes
	CWEs           []string    `json:"cwes,omitempty"`
	Scores         []Score     `json:"scores,omitempty"`
	EPSS           *EPSS       `json:"epss,omitempty"`
	KEV            *KEVEntry   `json:"kev,omitempty"`
	Configurations []CPEConfig `json:"configurations,omitempty"` // NVD applicability
	Affected       []Affected  `json:"affected,omitempty"`       // CVE 5 / OSV applicability
	References     []string    `json:"references,omitempty"`
	// Exploits are the reports of a public exploit: the URL of an NVD
	// reference tagged "Exploit" or a CVE record reference tagged "exploit",
	// or "csaf:<advisory>: <details>" for a CSAF exploit_status threat that
	// does not deny one. The risk score reads them as known exploitation.
	Exploits []string `json:"exploits,omitempty"`
	Sources  []string `json:"sources,omitempty"` // feeds that contributed, e.g. "nvd", "csaf:ICSMA-22-174-01"
}

// Score is one CVSS base score as one source computed it.
type Score struct {
	Source     string   `json:"source"`  // "nvd@nist.gov", "ics-cert@hq.dhs.gov", "csaf:ICSMA-22-174-01", "osv"
	Version    string   `json:"version"` // "2.0", "3.0", "3.1", "4.0"
	Vector     string   `json:"vector,omitempty"`
	Base       float64  `json:"base"`
	Severity   string   `json:"severity,omitempty"` // LOW, MEDIUM, HIGH, CRITICAL
	Primary    bool     `json:"primary,omitempty"`  // NVD's "Primary" type
	ProductIDs []string `json:"product_ids,omitempty"`
}

// EPSS is FIRST's Exploit Prediction Scoring System probability for one CVE
// on one day.
type EPSS struct {
	Score      float64   `json:"score"`      // probability of exploitation in the next 30 days, 0..1
	Percentile float64   `json:"percentile"` // 0..1
	Date       time.Time `json:"date"`
	Model      string    `json:"model,omitempty"` // "v2025.03.14" or "v4"
}

// EPSSRecord is one EPSS row keyed by its CVE, as a feed yields it.
type EPSSRecord struct {
	CVE string `json:"cve"`
	EPSS
}

// KEVEntry is one entry of CISA's Known Exploited Vulnerabilities catalog.
type KEVEntry struct {
	CVE              string    `json:"cve"`
	VendorProject    string    `json:"vendor_project,omitempty"`
	Product          string    `json:"product,omitempty"`
	Name             string    `json:"name,omitempty"`
	DateAdded        time.Time `json:"date_added"`
	DueDate          time.Time `json:"due_date,omitzero"`
	RansomwareUse    string    `json:"ransomware_use,omitempty"` // "Known" or "Unknown"
	RequiredAction   string    `json:"required_action,omitempty"`
	ShortDescription string    `json:"short_description,omitempty"`
	CWEs             []string  `json:"cwes,omitempty"`
	CatalogVersion   string    `json:"catalog_version,omitempty"`
}

// KnownRansomware reports whether CISA knows the CVE to be used in ransomware campaigns.
func (k *KEVEntry) KnownRansomware() bool { return k != nil && k.RansomwareUse == "Known" }

// CPEConfig is one NVD configuration: its nodes joined by Operator (AND/OR).
// An AND configuration such as "firmware ≤ 4.2 running on hardware X" matches
// only when every node matches.
type CPEConfig struct {
	Operator string    `json:"operator,omitempty"` // "AND" or "OR" (default)
	Negate   bool      `json:"negate,omitempty"`
	Nodes    []CPENode `json:"nodes"`
}

// CPENode is a set of CPE match criteria joined by Operator.
type CPENode struct {
	Operator string     `json:"operator,omitempty"`
	Negate   bool       `json:"negate,omitempty"`
	Matches  []CPEMatch `json:"matches"`
}

// CPEMatch is one CPE 2.3 criterion with an optional version range.
type CPEMatch struct {
	Criteria   string `json:"criteria"` // cpe:2.3:o:gehealthcare:apexpro_telemetry_server_firmware:*:*:*:*:*:*:*:*
	Vulnerable bool   `json:"vulnerable"`
	VersionRange
}

// VersionRange bounds versions. Empty bounds are open.
type VersionRange struct {
	StartIncluding string `json:"start_including,omitempty"`
	StartExcluding string `json:"start_excluding,omitempty"`
	EndIncluding   string `json:"end_including,omitempty"`
	EndExcluding   string `json:"end_excluding,omitempty"`
}

// IsZero reports whether the range has no bounds.
func (r VersionRange) IsZero() bool { return r == VersionRange{} }

// Affected is one vendor/product or package and the versions a record
// states for it (CVE JSON 5 "affected", OSV "affected").
type Affected struct {
	Vendor    string          `json:"vendor,omitempty"`
	Product   string          `json:"product,omitempty"`
	PURL      string          `json:"purl,omitempty"` // package URL without version (OSV)
	Ecosystem string          `json:"ecosystem,omitempty"`
	CPEs      []string        `json:"cpes,omitempty"`
	Versions  []AffectedRange `json:"versions,omitempty"`
	Default   ProductStatus   `json:"default,omitempty"` // status of versions not listed
}

// AffectedRange is one exact version (Version only) or one range of versions
// with the status that applies to it.
type AffectedRange struct {
	Version string `json:"version,omitempty"` // exact, or the lower bound when a bound is set
	VersionRange
	Status ProductStatus `json:"status"`
}

// ProductStatus is whether a product version is hit by a vulnerability.
type ProductStatus string

// The product statuses, shared by CSAF, CycloneDX VEX, CVE 5 and matches.
const (
	StatusAffected           ProductStatus = "affected"
	StatusNotAffected        ProductStatus = "not_affected"
	StatusFixed              ProductStatus = "fixed"
	StatusUnderInvestigation ProductStatus = "under_investigation"
	StatusUnknown            ProductStatus = ""
)

// Advisory is one manufacturer or CISA advisory (CSAF 2.0), the products it
// names and what it recommends.
type Advisory struct {
	ID           string             `json:"id"` // ICSMA-22-174-01
	Publisher    string             `json:"publisher,omitempty"`
	Category     string             `json:"category,omitempty"` // csaf_security_advisory, csaf_vex
	Title        string             `json:"title,omitempty"`
	Released     time.Time          `json:"released,omitzero"`
	Updated      time.Time          `json:"updated,omitzero"`
	URL          string             `json:"url,omitempty"`
	CVEs         []string           `json:"cves,omitempty"`
	Products     []AdvisoryProduct  `json:"products,omitempty"`
	Statuses     []ProductStatement `json:"statuses,omitempty"`
	Remediations []Remediation      `json:"remediations,omitempty"`
	Threats      []Threat           `json:"threats,omitempty"`
}

// AdvisoryProduct is one product id of a CSAF product tree with the branch
// path that names it. Name is the full display name: never mined for CVE ids.
type AdvisoryProduct struct {
	ID           string `json:"id"` // CSAFPID-0001
	Vendor       string `json:"vendor,omitempty"`
	Family       string `json:"family,omitempty"`
	Product      string `json:"product,omitempty"` // product_name branch
	Version      string `json:"version,omitempty"` // product_version branch
	VersionRange string `json:"version_range,omitempty"`
	Name         string `json:"name,omitempty"`
	CPE          string `json:"cpe,omitempty"`
	PURL         string `json:"purl,omitempty"`
}

// ProductStatement is the status a vulnerability has for one product id.
type ProductStatement struct {
	VulnID        string        `json:"vuln_id"`
	ProductID     string        `json:"product_id"`
	Status        ProductStatus `json:"status"`
	Justification string        `json:"justification,omitempty"` // CSAF flag label or impact statement
}

// RemediationCategory is the kind of remediation, as CSAF names it.
type RemediationCategory string

// The CSAF 2.0 remediation categories.
const (
	RemediationVendorFix     RemediationCategory = "vendor_fix"
	RemediationMitigation    RemediationCategory = "mitigation"
	RemediationWorkaround    RemediationCategory = "workaround"
	RemediationNoneAvailable RemediationCategory = "none_available"
	RemediationNoFixPlanned  RemediationCategory = "no_fix_planned"
)

// Remediation is one action an advisory recommends for some products.
type Remediation struct {
	VulnID     string              `json:"vuln_id"`
	Category   RemediationCategory `json:"category"`
	Details    string              `json:"details,omitempty"`
	URL        string              `json:"url,omitempty"`
	ProductIDs []string            `json:"product_ids,omitempty"`
}

// Threat is a CSAF threat statement (impact, exploit_status, target_set).
type Threat struct {
	VulnID     string   `json:"vuln_id"`
	Category   string   `json:"category"`
	Details    string   `json:"details,omitempty"`
	ProductIDs []string `json:"product_ids,omitempty"`
}

// Component is one software or hardware part listed in an SBOM.
type Component struct {
	Ref      string `json:"ref,omitempty"` // bom-ref or SPDXID
	Type     string `json:"type,omitempty"`
	Name     string `json:"name"`
	Version  string `json:"version,omitempty"`
	Supplier string `json:"supplier,omitempty"`
	PURL     string `json:"purl,omitempty"`
	CPE      string `json:"cpe,omitempty"`
}

// SBOM is one software bill of materials. The lead attaches it to a
// manufacturer, model and firmware.
type SBOM struct {
	Format       string         `json:"format"`       // "CycloneDX" or "SPDX"
	SpecVersion  string         `json:"spec_version"` // "1.6", "SPDX-2.3"
	SerialNumber string         `json:"serial_number,omitempty"`
	Name         string         `json:"name,omitempty"`
	Created      time.Time      `json:"created,omitzero"`
	Manufacturer string         `json:"manufacturer,omitempty"`
	Model        string         `json:"model,omitempty"`
	Firmware     string         `json:"firmware,omitempty"`
	Components   []Component    `json:"components,omitempty"`
	VEX          []VEXStatement `json:"vex,omitempty"`
}

// VEXStatement says whether one vulnerability affects one product or
// component, and why not when it does not.
type VEXStatement struct {
	VulnID        string        `json:"vuln_id"`
	Product       string        `json:"product,omitempty"`   // product id or name the statement covers
	Component     string        `json:"component,omitempty"` // bom-ref or purl of the component
	Status        ProductStatus `json:"status"`
	Justification string        `json:"justification,omitempty"`
	Detail        string        `json:"detail,omitempty"`
	Source        string        `json:"source,omitempty"`
}

// MatchBasis says what evidence links a device to a vulnerability.
type MatchBasis string

// The match bases.
const (
	BasisCPE           MatchBasis = "cpe"
	BasisPURL          MatchBasis = "purl"
	BasisCSAFProduct   MatchBasis = "csaf-product"
	BasisSBOMComponent MatchBasis = "sbom-component"
	BasisVendorProduct MatchBasis = "vendor-product" // CVE 5 affected vendor/product
)

// VulnMatch links one device to one vulnerability, with the evidence and
// how sure Vigil is.
type VulnMatch struct {
	DeviceID      int64         `json:"device_id"`
	VulnID        string        `json:"vuln_id"`
	AdvisoryID    string        `json:"advisory_id,omitempty"`
	Basis         MatchBasis    `json:"basis"`
	Confidence    float64       `json:"confidence"` // 0..1
	Status        ProductStatus `json:"status"`
	Justification string        `json:"justification,omitempty"`
	FixedIn       string        `json:"fixed_in,omitempty"`
	Criteria      string        `json:"criteria,omitempty"`  // the CPE, purl or product that matched
	Component     string        `json:"component,omitempty"` // SBOM component ref, when the basis is one
	Reason        string        `json:"reason,omitempty"`    // a short human explanation
}

// SSVCDecision is CISA's Stakeholder-Specific Vulnerability Categorization outcome.
type SSVCDecision string

// The CISA SSVC decisions, from least to most urgent.
const (
	SSVCTrack     SSVCDecision = "Track"
	SSVCTrackStar SSVCDecision = "Track*"
	SSVCAttend    SSVCDecision = "Attend"
	SSVCAct       SSVCDecision = "Act"
)

// Rank returns 1 for Track up to 4 for Act and 0 for an unknown decision.
func (d SSVCDecision) Rank() int {
	switch d {
	case SSVCTrack:
		return 1
	case SSVCTrackStar:
		return 2
	case SSVCAttend:
		return 3
	case SSVCAct:
		return 4
	}
	return 0
}

// SBOMKey identifies the devices an SBOM describes: model and firmware,
// without case or surrounding space. Makers' names vary too much between
// sources to be part of the key; SameMaker checks them loosely.
func SBOMKey(model, firmware string) string {
	return strings.ToLower(strings.TrimSpace(model)) + "\x00" + strings.ToLower(strings.TrimSpace(firmware))
}

// Describes reports whether the SBOM is the one for a device: the same
// model and firmware, and a manufacturer that plausibly names the same
// company.
func (s *SBOM) Describes(d *Device) bool {
	return SBOMKey(s.Model, s.Firmware) == SBOMKey(d.Model, d.Firmware) && SameMaker(s.Manufacturer, d.Manufacturer)
}

// SameMaker reports whether two spellings of a manufacturer plausibly name
// the same company: the same MakerKey. An empty name fits any.
func SameMaker(a, b string) bool {
	return a == "" || b == "" || MakerKey(a) == MakerKey(b)
}

// MakerKey is the part of a manufacturer's name its spellings share: the
// first word, lower case, without punctuation ("GE Medical Systems" and
// "GE Healthcare" give "ge").
func MakerKey(s string) string {
	f := strings.Fields(strings.ToLower(strings.Map(func(r rune) rune {
		if r == '.' || r == ',' {
			return ' '
		}
		return r
	}, s)))
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// FeedResult says what importing feed and SBOM files did.
type FeedResult struct {
	Files           int `json:"files"`
	Vulnerabilities int `json:"vulnerabilities"`
	KEV             int `json:"kev"`
	EPSS            int `json:"epss"`
	Advisories      int `json:"advisories"`
	SBOMs           int `json:"sboms"`
	VEX             int `json:"vex"`
	Matches         int `json:"matches"`
}
