package vigil

import (
	"net/netip"
	"slices"
	"strings"
	"time"
)

// VendorKind says what a vendor is to the hospital.
type VendorKind string

// The kinds of vendor.
const (
	VendorManufacturer    VendorKind = "manufacturer"
	VendorServiceProvider VendorKind = "service-provider"
	VendorSoftware        VendorKind = "software"
	VendorCloud           VendorKind = "cloud"
)

// VendorKinds lists every kind, in the order pages show them.
var VendorKinds = []VendorKind{VendorManufacturer, VendorServiceProvider, VendorSoftware, VendorCloud}

// Valid reports whether k is a known kind.
func (k VendorKind) Valid() bool { return slices.Contains(VendorKinds, k) }

// VendorContact is a person to reach at a vendor.
type VendorContact struct {
	Name  string `json:"name"`
	Role  string `json:"role,omitempty"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// Vendor is a company that makes, services or hosts something the
// hospital's devices depend on. Its name and aliases tie it to the
// manufacturers the inventory names (see Makes).
type Vendor struct {
	ID       int64           `json:"id"`
	Name     string          `json:"name"`
	Kind     VendorKind      `json:"kind"`
	Aliases  []string        `json:"aliases"`
	Contacts []VendorContact `json:"contacts"`
	// Models are the models it makes or services, as the inventory names them.
	Models []string `json:"models"`
	// Endpoints are where the vendor's remote sessions come from, so that
	// discovery's remote-access flows can be tied to it.
	Endpoints []VendorEndpoint `json:"endpoints"`
	Notes     string           `json:"notes,omitempty"`
	AddedBy   string           `json:"added_by"`
	AddedAt   time.Time        `json:"added_at"`
	UpdatedAt time.Time        `json:"updated_at"`
}

// VendorKey is the form names and aliases are compared and kept unique in:
// lower case, punctuation dropped, spaces collapsed.
func VendorKey(name string) string {
	return strings.Join(strings.Fields(strings.ToLower(strings.Map(func(r rune) rune {
		if r == '.' || r == ',' {
			return ' '
		}
		return r
	}, name))), " ")
}

// Validate reports the first problem with a vendor, after trimming its
// names and dropping repeated aliases and models.
func (v *Vendor) Validate() error {
	v.Name = strings.TrimSpace(v.Name)
	if v.Name == "" {
		return Errorf(EINVALID, "a vendor needs a name")
	}
	if len(v.Name) > 200 {
		return Errorf(EINVALID, "a vendor name is at most 200 characters")
	}
	if v.Kind == "" {
		v.Kind = VendorManufacturer
	}
	if !v.Kind.Valid() {
		return Errorf(EINVALID, "unknown vendor kind %q (manufacturer, service-provider, software or cloud)", v.Kind)
	}
	v.Aliases = cleanList(v.Aliases, func(a string) bool { return VendorKey(a) != VendorKey(v.Name) })
	v.Models = cleanList(v.Models, nil)
	eps, seen := []VendorEndpoint{}, map[VendorEndpoint]bool{}
	for i := range v.Endpoints {
		e := v.Endpoints[i]
		if err := e.Validate(); err != nil {
			return Errorf(EINVALID, "vendor endpoint %d: %s", i+1, ErrorMessage(err))
		}
		k := VendorEndpoint{Kind: e.Kind, Value: e.Value}
		if !seen[k] {
			seen[k] = true
			eps = append(eps, e)
		}
	}
	v.Endpoints = eps
	if v.Contacts == nil {
		v.Contacts = []VendorContact{}
	}
	for i, c := range v.Contacts {
		if strings.TrimSpace(c.Name) == "" && c.Email == "" && c.Phone == "" {
			return Errorf(EINVALID, "vendor contact %d is empty", i+1)
		}
	}
	return nil
}

// EndpointKind says how a vendor endpoint is recognised in traffic.
type EndpointKind string

// The kinds of endpoint.
const (
	// EndpointAddress is an IP address or a CIDR block.
	EndpointAddress EndpointKind = "address"
	// EndpointHost is a DNS host name; "*.example.com" matches every name
	// under example.com.
	EndpointHost EndpointKind = "host"
	// EndpointTLSName is a name a TLS client asked for (SNI) or a server
	// certificate carries; wildcards as for EndpointHost.
	EndpointTLSName EndpointKind = "tls-name"
	// EndpointCertOrg is the organisation (O=) of a server certificate's
	// subject, compared as VendorKey compares names.
	EndpointCertOrg EndpointKind = "cert-org"
)

// EndpointKinds lists every kind of endpoint.
var EndpointKinds = []EndpointKind{EndpointAddress, EndpointHost, EndpointTLSName, EndpointCertOrg}

// VendorEndpoint is one place a vendor's remote sessions come from or go to.
type VendorEndpoint struct {
	Kind  EndpointKind `json:"kind"`
	Value string       `json:"value"`
	// Tool names the remote-access tool used through it, when known
	// ("GE InSite", "TeamViewer").
	Tool string `json:"tool,omitempty"`
}

// Validate reports the first problem with an endpoint, after trimming it
// and putting addresses and names in canonical form.
func (e *VendorEndpoint) Validate() error {
	e.Value, e.Tool = strings.TrimSpace(e.Value), strings.TrimSpace(e.Tool)
	if e.Value == "" {
		return Errorf(EINVALID, "an endpoint needs a value")
	}
	if len(e.Value) > 253 {
		return Errorf(EINVALID, "an endpoint is at most 253 characters")
	}
	switch e.Kind {
	case EndpointAddress:
		if p, err := netip.ParsePrefix(e.Value); err == nil {
			e.Value = p.Masked().String()
		} else if a, err := netip.ParseAddr(e.Value); err == nil {
			e.Value = a.Unmap().String()
		} else {
			return Errorf(EINVALID, "endpoint %q is not an IP address or CIDR block", e.Value)
		}
	case EndpointHost, EndpointTLSName:
		e.Value = strings.TrimSuffix(strings.ToLower(e.Value), ".")
		name := strings.TrimPrefix(e.Value, "*.")
		if name == "" || strings.ContainsAny(name, " /*:@") {
			return Errorf(EINVALID, "endpoint %q is not a host name", e.Value)
		}
	case EndpointCertOrg:
	default:
		return Errorf(EINVALID, "unknown endpoint kind %q (address, host, tls-name or cert-org)", e.Kind)
	}
	return nil
}

// cleanList trims, drops empty and repeated (by VendorKey) entries and those
// keep rejects, and sorts the rest.
func cleanList(in []string, keep func(string) bool) []string {
	out, seen := []string{}, map[string]bool{}
	for _, s := range in {
		s = strings.TrimSpace(s)
		k := VendorKey(s)
		if k == "" || seen[k] || (keep != nil && !keep(s)) {
			continue
		}
		seen[k] = true
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// Makes reports whether the inventory's manufacturer name is this vendor:
// the same maker as its name or one of its aliases (SameMaker), never an
// empty name.
func (v *Vendor) Makes(manufacturer string) bool {
	if VendorKey(manufacturer) == "" {
		return false
	}
	for _, n := range append([]string{v.Name}, v.Aliases...) {
		if VendorKey(n) == VendorKey(manufacturer) || SameMaker(n, manufacturer) {
			return true
		}
	}
	return false
}

// BAA is one version of a business associate agreement with a vendor
// (45 CFR 164.308(b), 164.314(a)). A new version never overwrites the old
// one; it names it in Supersedes.
type BAA struct {
	ID        int64     `json:"id"`
	VendorID  int64     `json:"vendor_id"`
	Signed    time.Time `json:"signed"`
	Effective time.Time `json:"effective"`
	// Expires is when the agreement ends; Renewal when it is due for
	// renewal. Either may be zero; Due is the earlier of those set.
	Expires time.Time `json:"expires,omitzero"`
	Renewal time.Time `json:"renewal,omitzero"`
	// Services and Data are its scope: what the vendor does and which data
	// it may handle.
	Services []string `json:"services"`
	Data     []string `json:"data"`
	// EvidenceID is the signed copy in the evidence repository; 0 none yet.
	EvidenceID int64     `json:"evidence_id,omitempty"`
	Version    int       `json:"version"`
	Supersedes int64     `json:"supersedes,omitempty"`
	AddedBy    string    `json:"added_by"`
	AddedAt    time.Time `json:"added_at"`
}

// Due returns when the agreement must be renewed: the earlier of Expires
// and Renewal, zero when it has neither.
func (b *BAA) Due() time.Time { return earliest(b.Expires, b.Renewal) }

// Validate reports the first problem with an agreement.
func (b *BAA) Validate() error {
	if b.VendorID <= 0 {
		return Errorf(EINVALID, "a BAA needs a vendor")
	}
	if b.Signed.IsZero() {
		return Errorf(EINVALID, "a BAA needs the date it was signed")
	}
	if b.Effective.IsZero() {
		b.Effective = b.Signed
	}
	for _, d := range []time.Time{b.Expires, b.Renewal} {
		if !d.IsZero() && !d.After(b.Effective) {
			return Errorf(EINVALID, "a BAA's expiry and renewal dates must fall after it takes effect")
		}
	}
	b.Services, b.Data = cleanList(b.Services, nil), cleanList(b.Data, nil)
	return nil
}

// CertKind is a kind of security certification or attestation report.
type CertKind string

// The kinds of certification.
const (
	CertISO27001  CertKind = "iso27001"
	CertSOC2Type2 CertKind = "soc2-type2"
	CertHITRUSTr2 CertKind = "hitrust-r2"
	CertOtherKind CertKind = "other"
)

// CertKinds lists every kind of certification.
var CertKinds = []CertKind{CertISO27001, CertSOC2Type2, CertHITRUSTr2, CertOtherKind}

// Valid reports whether k is a known kind.
func (k CertKind) Valid() bool { return slices.Contains(CertKinds, k) }

// Certification is a vendor's security certification or report: ISO/IEC
// 27001, SOC 2 Type II, HITRUST r2 or another.
type Certification struct {
	ID       int64    `json:"id"`
	VendorID int64    `json:"vendor_id"`
	Kind     CertKind `json:"kind"`
	// Name says what an "other" certification is.
	Name   string `json:"name,omitempty"`
	Issuer string `json:"issuer"`
	Scope  string `json:"scope,omitempty"`
	// PeriodStart and PeriodEnd bound the period a report covers.
	PeriodStart time.Time `json:"period_start,omitzero"`
	PeriodEnd   time.Time `json:"period_end,omitzero"`
	Expires     time.Time `json:"expires"`
	// EvidenceID is the report in the evidence repository; 0 none yet.
	EvidenceID int64     `json:"evidence_id,omitempty"`
	AddedBy    string    `json:"added_by"`
	AddedAt    time.Time `json:"added_at"`
}

// Validate reports the first problem with a certification.
func (c *Certification) Validate() error {
	if c.VendorID <= 0 {
		return Errorf(EINVALID, "a certification needs a vendor")
	}
	if !c.Kind.Valid() {
		return Errorf(EINVALID, "unknown certification kind %q (iso27001, soc2-type2, hitrust-r2 or other)", c.Kind)
	}
	c.Name, c.Issuer = strings.TrimSpace(c.Name), strings.TrimSpace(c.Issuer)
	if c.Kind == CertOtherKind && c.Name == "" {
		return Errorf(EINVALID, "an \"other\" certification needs a name")
	}
	if c.Issuer == "" {
		return Errorf(EINVALID, "a certification needs an issuer")
	}
	if c.Expires.IsZero() {
		return Errorf(EINVALID, "a certification needs an expiry date")
	}
	if !c.PeriodStart.IsZero() && !c.PeriodEnd.IsZero() && c.PeriodEnd.Before(c.PeriodStart) {
		return Errorf(EINVALID, "a certification's period ends before it starts")
	}
	return nil
}

// VendorTier is how much a vendor's failure or breach would hurt.
type VendorTier string

// The tiers, from the most to the least exposed.
const (
	VendorTierHigh   VendorTier = "high"
	VendorTierMedium VendorTier = "medium"
	VendorTierLow    VendorTier = "low"
	VendorTierNone   VendorTier = "none" // no device of the inventory is theirs
)

// VendorRisk is a vendor's tier with the factors it was computed from.
type VendorRisk struct {
	Tier VendorTier `json:"tier"`
	// Devices is how many inventory devices the vendor makes; Critical how
	// many of them are life-sustaining or life-supporting; EPHI how many
	// store or send ePHI; RemoteAccess how many discovery saw reached by
	// remote access.
	Devices      int `json:"devices"`
	Critical     int `json:"critical"`
	EPHI         int `json:"ephi"`
	RemoteAccess int `json:"remote_access"`
	// Factors explain the tier in words.
	Factors []string `json:"factors"`
}

func earliest(ts ...time.Time) time.Time {
	var out time.Time
	for _, t := range ts {
		if !t.IsZero() && (out.IsZero() || t.Before(out)) {
			out = t
		}
	}
	return out
}
