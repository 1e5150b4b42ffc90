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
	advOf    map[int32]string    // first advisory naming each vulnerability
	cpe      map[string][]cfgRef // vendor|product → configurations naming it
	affected map[string][]affRef // vendor|product → CVE 5 affected entries
	purl     map[string][]affRef // purl type/namespace/name → OSV affected entries
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

type pmatch struct {
	cpe        CPE
	key        string
	vulnerable bool
	rng        Range
	criteria   string
	fixedIn    string
}

type cfgRef struct{ vuln, config int32 }

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
		cpe:      make(map[string][]cfgRef, len(vulns)),
		affected: map[string][]affRef{},
		purl:     map[string][]affRef{},
		csaf:     map[string][]csafRef{},
		ids:      make(map[string]int32, len(vulns)),
		advOf:    map[int32]string{},
	}
	if ix.aliases == nil {
		ix.aliases = DefaultAliases()
	}
	for _, v := range vulns {
		ix.addVuln(v)
	}
	for _, a := range advisories {
		ix.addAdvisory(a)
	}
	return ix
}

// Len returns the number of vulnerabilities indexed.
func (ix *Index) Len() int { return len(ix.vulns) }

// Skipped returns how many criteria could not be parsed and were left out.
func (ix *Index) Skipped() int { return ix.skipped }

func (ix *Index) key(vendor, product string) string {
	return ix.aliases.Vendor(vendor) + "|" + ProductKey(product)
}

// vulnIndex returns the index of vulnerability id, adding an empty entry for
// an id only an advisory names.
func (ix *Index) vulnIndex(id string) int32 {
	if vi, ok := ix.ids[id]; ok {
		return vi
	}
	vi := int32(len(ix.vulns))
	ix.vulns = append(ix.vulns, vulnEntry{id: id})
	ix.ids[id] = vi
	return vi
}

func (ix *Index) addVuln(v *vigil.Vulnerability) {
	vi := ix.vulnIndex(v.ID)
	e := &ix.vulns[vi]
	base := len(e.configs) // a repeated id adds to the configurations already held
	for ci, c := range v.Configurations {
		pc := pconfig{and: strings.EqualFold(c.Operator, "AND"), negate: c.Negate}
		keys := map[string]bool{}
		for _, n := range c.Nodes {
			pn := pnode{and: strings.EqualFold(n.Operator, "AND"), negate: n.Negate}
			for _, m := range n.Matches {
				cp, err := ParseCPE(m.Criteria)
				if err != nil {
					ix.skipped++
					continue
				}
				pm := pmatch{cpe: cp, key: ix.key(cp.Vendor, cp.Product), vulnerable: m.Vulnerable, criteria: m.Criteria}
				pm.rng = FromVersionRange(m.VersionRange)
				pm.fixedIn = m.EndExcluding
				pn.matches = append(pn.matches, pm)
				if m.Vulnerable {
					keys[pm.key] = true
				}
			}
			pc.nodes = append(pc.nodes, pn)
		}
		e.configs = append(e.configs, pc)
		for k := range keys {
			ix.cpe[k] = append(ix.cpe[k], cfgRef{vi, int32(base + ci)})
		}
	}
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
