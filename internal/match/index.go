package match

import (
	"strings"

	"github.com/package-url/packageurl-go"
	vigil "github.com/vigil-health/vigil"
)

// Index answers "which vulnerabilities hit this device" for many devices. Build
// it once with NewIndex; it is read-only afterwards, so Match may be called
// from many goroutines at once.
type Index struct {
	aliases  Aliases
	vulns    []vulnEntry
	ids      map[string]int32
	advOf    map[int32]string     // first advisory naming each vulnerability
	cpe      map[string]*keyIndex // vendor|product → vulnerable criteria naming it
	affected map[string][]affRef  // vendor|product → CVE 5 affected entries
	purl     map[string][]affRef  // purl type/namespace/name → OSV affected entries
	csaf     map[string][]csafRef
	skipped  int
}

type vulnEntry struct {
	id      string
	configs []pconfig
}

type pconfig struct {
	and, negate bool
	nodes       []pnode
}

type pnode struct {
	and, negate bool
	matches     []pmatch
}

// pmatch is one parsed NVD criterion, kept small: the index holds millions.
// Parsed versions are shared between criteria through the builder's cache.
type pmatch struct {
	ki       *keyIndex // its vendor|product; platforms compare this pointer, not text
	criteria string
	verAttr  string     // the criterion's version attribute as written
	ver      *Version   // verAttr parsed, when it is a plain version
	lo, hi   *Version   // the NVD range bounds, nil when open
	rest     *[7]string // update..other, nil when all are ANY (nearly always)
	part     byte       // a, o, h or *
	flags    uint8
}

const (
	pmVulnerable uint8 = 1 << iota
	pmLoIncl
	pmHiIncl
)

func (m *pmatch) vulnerable() bool { return m.flags&pmVulnerable != 0 }

// ranged reports whether the criterion has version bounds.
func (m *pmatch) ranged() bool { return m.lo != nil || m.hi != nil }

// inRange reports whether v is within the criterion's bounds.
func (m *pmatch) inRange(v Version) bool {
	if m.lo != nil {
		c := Compare(v, *m.lo)
		if c < 0 || c == 0 && m.flags&pmLoIncl == 0 {
			return false
		}
	}
	if m.hi != nil {
		c := Compare(v, *m.hi)
		if c > 0 || c == 0 && m.flags&pmHiIncl == 0 {
			return false
		}
	}
	return true
}

// fixedIn returns the exclusive upper bound: the first fixed version.
func (m *pmatch) fixedIn() string {
	if m.hi != nil && m.flags&pmHiIncl == 0 {
		return m.hi.raw
	}
	return ""
}

type cfgRef struct{ vuln, config int32 }

// keyRef is one vulnerable criterion under its vendor|product key: matching
// checks the criterion alone first and evaluates its whole configuration
// only when it hits.
type keyRef struct {
	cfgRef
	m *pmatch
}

type affRef struct {
	vuln     int32
	criteria string
	ranges   []statusRange
	def      vigil.ProductStatus
}

type statusRange struct {
	rng     Range
	status  vigil.ProductStatus
	fixedIn string
}

type csafRef struct {
	advisory   string
	product    vigil.AdvisoryProduct
	productKey string
	tokens     []string
	rng        Range
	rngErr     bool
	statements []csafStmt
}

type csafStmt struct {
	vuln          int32
	status        vigil.ProductStatus
	justification string
}

// Options tunes an Index. The zero value uses DefaultAliases.
type Options struct {
	Aliases Aliases
}

// NewIndex builds an index from vulnerability records (NVD configurations,
// CVE 5 and OSV affected lists) and CSAF advisories. Criteria that cannot be
// parsed are counted (see Skipped) and left out rather than failing the build.
func NewIndex(vulns []*vigil.Vulnerability, advisories []*vigil.Advisory, opt Options) *Index {
	ix := &Index{
		aliases:  opt.Aliases,
		cpe:      make(map[string]*keyIndex, len(vulns)/2),
		affected: map[string][]affRef{},
		purl:     map[string][]affRef{},
		csaf:     map[string][]csafRef{},
		ids:      make(map[string]int32, len(vulns)),
		advOf:    map[int32]string{},
	}
	if ix.aliases == nil {
		ix.aliases = DefaultAliases()
	}
	ix.addVulns(vulns)
	for _, a := range advisories {
		ix.addAdvisory(a)
	}
	ix.finishKeys()
	return ix
}

// Len returns the number of vulnerabilities indexed.
func (ix *Index) Len() int { return len(ix.vulns) }

// Skipped returns how many criteria could not be parsed and were left out.
func (ix *Index) Skipped() int { return ix.skipped }

// key returns the vendor|product lookup key of a vendor and product name.
func (ix *Index) key(vendor, product string) string {
	return ix.aliases.Vendor(vendor) + "|" + ProductKey(product)
}

// addAffected indexes a vulnerability's CVE 5 and OSV affected entries.
func (ix *Index) addAffected(vi int32, v *vigil.Vulnerability) {
	for _, a := range v.Affected {
		ref := affRef{vuln: vi, def: a.Default}
		for _, r := range a.Versions {
			ref.ranges = append(ref.ranges, toStatusRange(r))
		}
		if a.PURL != "" {
			k, err := purlKey(a.PURL)
			if err != nil {
				ix.skipped++
				continue
			}
			ref.criteria = a.PURL
			ix.purl[k] = append(ix.purl[k], ref)
			continue
		}
		if a.Vendor == "" || a.Product == "" || strings.EqualFold(a.Vendor, "n/a") || strings.EqualFold(a.Product, "n/a") {
			continue
		}
		ref.criteria = a.Vendor + " " + a.Product
		k := ix.key(a.Vendor, a.Product)
		ix.affected[k] = append(ix.affected[k], ref)
	}
}

func toStatusRange(r vigil.AffectedRange) statusRange {
	sr := statusRange{status: r.Status, fixedIn: r.EndExcluding}
	switch {
	case !r.VersionRange.IsZero():
		vr := r.VersionRange
		if vr.StartIncluding == "" && vr.StartExcluding == "" && r.Version != "" && r.Version != "0" && r.Version != "*" {
			vr.StartIncluding = r.Version
		}
		sr.rng = FromVersionRange(vr)
	case r.Version == "*" || r.Version == "":
		sr.rng = AllVersions()
	default:
		sr.rng = Range{raw: r.Version, exact: []Version{ParseVersion(r.Version)}}
	}
	return sr
}

func (ix *Index) addAdvisory(a *vigil.Advisory) {
	for _, id := range a.CVEs {
		vi := ix.vulnIndex(id)
		if _, ok := ix.advOf[vi]; !ok {
			ix.advOf[vi] = a.ID
		}
	}
	byProduct := map[string][]csafStmt{}
	for _, s := range a.Statuses {
		if s.VulnID == "" {
			continue
		}
		st := csafStmt{vuln: ix.vulnIndex(s.VulnID), status: s.Status, justification: s.Justification}
		byProduct[s.ProductID] = append(byProduct[s.ProductID], st)
	}
	for _, p := range a.Products {
		if p.Vendor == "" || p.Product == "" || len(byProduct[p.ID]) == 0 {
			continue
		}
		ref := csafRef{advisory: a.ID, product: p, productKey: ProductKey(p.Product), tokens: Tokens(p.Product), statements: byProduct[p.ID]}
		switch {
		case p.VersionRange != "":
			r, err := ParseRange(p.VersionRange)
			if err != nil {
				ref.rng, ref.rngErr = AllVersions(), true
			} else {
				ref.rng = r
			}
		case p.Version != "":
			r, err := ParseRange(p.Version) // "2.X", "4.3", "all versions"
			if err != nil {
				ref.rng, ref.rngErr = AllVersions(), true
			} else {
				ref.rng = r
			}
		default:
			ref.rng = AllVersions()
		}
		vk := ix.aliases.Vendor(p.Vendor)
		ix.csaf[vk] = append(ix.csaf[vk], ref)
	}
}

// purlKey returns "type/namespace/name" of a package URL, lower-cased, the
// identity of a package across versions.
func purlKey(s string) (string, error) {
	p, err := packageurl.FromString(s)
	if err != nil {
		return "", err
	}
	name := p.Name
	if p.Type == "pypi" {
		name = strings.ReplaceAll(strings.ToLower(name), "_", "-")
	}
	return strings.ToLower(p.Type + "/" + p.Namespace + "/" + name), nil
}

// purlVersion returns the version of a package URL or "".
func purlVersion(s string) string {
	p, err := packageurl.FromString(s)
	if err != nil {
		return ""
	}
	return p.Version
}
