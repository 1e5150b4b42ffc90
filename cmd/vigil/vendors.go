package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
)

func vendorsCommand() *command {
	return &command{
		name:    "vendors",
		summary: "the vendor register: vendors list|show|add|import, agreements, expiring, baa, cert, endpoint, sessions",
		about: "The vendor register: the makers and service providers of the hospital's devices, " +
			"their risk tier, business associate agreements (BAAs), security certifications, the " +
			"endpoints their remote sessions come from, and the sessions discovery saw.",
		examples: []string{
			"vigil vendors import vendors.xlsx",
			"vigil vendors show GE",
			"vigil vendors expiring --within 60d",
		},
		subs: []*command{
			{
				name:    "list",
				summary: "the vendors, their devices and risk tier",
				usage:   []string{"[--format table|json]"},
				about:   "Lists the vendors with their kind, device count, risk tier, and BAA and certification status.",
				examples: []string{
					"vigil vendors list",
					"vigil vendors list --format json",
				},
				run: runVendorsList,
			},
			{
				name:    "show",
				summary: "one vendor: devices, risk tier with the factors, BAAs, certifications",
				usage:   []string{"VENDOR [--format table|json]"},
				about:   "Shows one vendor (id, name or alias): its devices and models, risk tier with the factors, BAAs, certifications and endpoints.",
				examples: []string{
					"vigil vendors show GE",
					"vigil vendors show 4 --format json",
				},
				run: runVendorsShow,
			},
			{
				name:    "add",
				summary: "add a vendor by hand",
				usage:   []string{"NAME [--kind K] [--alias A]... [--model M]... [--contact N --email E --phone P] [--notes T]"},
				about:   "Adds a vendor: its kind (manufacturer, service-provider, software or cloud), the other names the inventory uses for it, its models and a contact.",
				examples: []string{
					"vigil vendors add 'GE HealthCare' --alias 'General Electric' --alias GE",
					"vigil vendors add 'Acme Biomed Services' --kind service-provider --contact 'J. Doe' --email jdoe@example.com",
				},
				run:     runVendorsAdd,
				creates: true,
			},
			{
				name:    "import",
				summary: "import an existing vendor list (CSV or XLSX)",
				usage:   []string{"FILE"},
				about:   "Imports an existing vendor list (CSV or XLSX), columns by their usual names.",
				examples: []string{
					"vigil vendors import vendors.xlsx",
				},
				run:     runVendorsImport,
				creates: true,
			},
			{
				name:    "agreements",
				summary: "the contract register: agreements import FILE",
				about:   "The contract register: BAA versions and certifications of many vendors at once.",
				subs: []*command{{
					name:    "import",
					summary: "import the contract register: BAA versions and certifications",
					usage:   []string{"FILE"},
					about:   "Imports a contract register (CSV or XLSX): BAA versions and certifications, tied to the vendors by name or alias.",
					examples: []string{
						"vigil vendors agreements import contracts.xlsx",
					},
					run:     runVendorsAgreementsImport,
					creates: true,
				}},
			},
			{
				name:    "expiring",
				summary: "BAAs and certifications missing or expiring, ePHI vendors",
				usage:   []string{"[--within 60d] [--format table|json]"},
				about:   "Lists the BAAs and certifications that are missing, expired or expiring within --within (days, weeks or a duration), for the vendors whose devices hold ePHI.",
				examples: []string{
					"vigil vendors expiring --within 60d",
					"vigil vendors expiring --within 12w --format json",
				},
				run: runVendorsExpiring,
			},
			{
				name:    "baa",
				summary: "business associate agreements: baa add",
				about:   "A vendor's business associate agreements (BAAs), each signing a new version.",
				subs: []*command{{
					name:    "add",
					summary: "record a signed BAA",
					usage:   []string{"VENDOR --signed DATE [--effective DATE] [--expires DATE] [--renewal DATE] [--service S]... [--data D]... [--evidence ID]"},
					about:   "Records a signed BAA with a vendor as its next version: dates, the services and data it covers, and the signed copy's evidence id.",
					examples: []string{
						"vigil vendors baa add GE --signed 2025-01-15 --expires 2027-01-14 --evidence 12",
					},
					run: runVendorsBAAAdd,
				}},
			},
			{
				name:    "cert",
				summary: "security certifications: cert add",
				about:   "A vendor's security certifications and audit reports (ISO 27001, SOC 2 Type 2, HITRUST r2).",
				subs: []*command{{
					name:    "add",
					summary: "record a certification or audit report",
					usage:   []string{"VENDOR --kind iso27001|soc2-type2|hitrust-r2|other --issuer I --expires DATE [--name N] [--scope S] [--from DATE --to DATE] [--evidence ID]"},
					about:   "Records a vendor's certification or audit report: its kind, issuer, scope, period and expiry, and the report's evidence id.",
					examples: []string{
						"vigil vendors cert add GE --kind soc2-type2 --issuer 'A&B LLP' --expires 2026-09-30",
					},
					run: runVendorsCertAdd,
				}},
			},
			{
				name:    "endpoint",
				summary: "the endpoints that tie remote sessions to a vendor: endpoint add|list",
				about:   "The addresses, host names, TLS names and certificate organisations that tie the remote sessions discovery sees to a vendor.",
				subs: []*command{
					{
						name:    "add",
						summary: "tie an address, host, TLS name or certificate organisation to a vendor",
						usage:   []string{"VENDOR --kind address|host|tls-name|cert-org --value V [--tool T]"},
						about:   "Adds an endpoint to a vendor: an address (IP or CIDR), a host (DNS name, *.x), a TLS name (SNI or certificate name) or a certificate organisation, and the remote-access tool used through it.",
						examples: []string{
							"vigil vendors endpoint add GE --kind host --value '*.insite.ge.com' --tool 'GE InSite'",
							"vigil vendors endpoint add 4 --kind address --value 203.0.113.0/24",
						},
						run: runVendorsEndpointAdd,
					},
					{
						name:    "list",
						summary: "a vendor's endpoints",
						usage:   []string{"VENDOR [--format table|json]"},
						about:   "Lists a vendor's endpoints and the tools used through them.",
						examples: []string{
							"vigil vendors endpoint list GE",
						},
						run: runVendorsEndpointList,
					},
				},
			},
			{
				name:    "sessions",
				summary: "vendor remote sessions from the capture; those without a BAA or vendor",
				usage:   []string{"[--vendor V|unknown] [--device ID] [--at DATE] [--findings] [--format table|json]"},
				about: "Lists the vendor remote sessions discovery recorded, tied to vendors by their " +
					"endpoints; --findings lists the sessions the register cannot account for (a " +
					"vendor without a BAA, an unknown peer).",
				examples: []string{
					"vigil vendors sessions --vendor GE",
					"vigil vendors sessions --findings",
				},
				run: runVendorsSessions,
			},
		},
	}
}

// parseWithin reads a span of days ("60d"), weeks ("8w") or a Go duration
// ("36h").
func parseWithin(s string) (time.Duration, error) {
	day := 24 * time.Hour
	for suffix, unit := range map[string]time.Duration{"d": day, "w": 7 * day} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			if v, err := strconv.Atoi(n); err == nil && v >= 0 {
				return time.Duration(v) * unit, nil
			}
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return d, nil
	}
	return 0, usagef("--within must be a number of days (60d), weeks (8w) or a duration (36h), not %q", s)
}

// dayFlag is a flag holding a date, 2006-01-02; unset, the time stays zero.
type dayFlag struct{ t *time.Time }

func (f dayFlag) String() string {
	if f.t == nil || f.t.IsZero() {
		return ""
	}
	return f.t.Format("2006-01-02")
}

func (f dayFlag) Set(s string) error {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return fmt.Errorf("must be a date, 2006-01-02, not %q", s)
	}
	*f.t = t
	return nil
}

// dayOrDash formats a date, or "-" when it is zero.
func dayOrDash(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format("2006-01-02")
}

// vendorLabel names a vendor for a table: its name and id.
func vendorLabel(v *vigil.Vendor) string { return v.Name + " (" + strconv.FormatInt(v.ID, 10) + ")" }
