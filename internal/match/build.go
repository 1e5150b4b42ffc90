package match

import (
	"runtime"
	"strings"
	"sync"

	vigil "github.com/vigil-health/vigil"
)

// builder parses NVD configurations for one build goroutine, with caches
// that exploit NVD's repetition: the same CPE prefixes, versions and strings
// recur millions of times.
type builder struct {
	aliases  Aliases
	keys     map[string]int32      // vendor "\x00" product → key id
	keyIDs   map[string]int32      // key → key id
	keyNames []string              // key id → key
	prefixes map[string]prefixInfo // "cpe:2.3:p:vendor:product:" → key and part
	versions map[string]*Version
	strs     map[string]string
	skipped  int
}

// prefixInfo is what a builder caches per "cpe:2.3:part:vendor:product:" prefix.
type prefixInfo struct {
	key  int32
	part byte
}

// parsedVuln is one vulnerability's configurations, parsed but not yet
// linked into the index, with the builder's id of each criterion's
// vendor|product key in configuration order.
type parsedVuln struct {
	configs []pconfig
	keys    []int32
}

func newBuilder(a Aliases) *builder {
	return &builder{aliases: a, keys: map[string]int32{}, keyIDs: map[string]int32{}, prefixes: map[string]prefixInfo{}, versions: map[string]*Version{}, strs: map[string]string{}}
}

// addVulns parses the configurations of vulns on all cores, then links them
// into the index in input order, so the result does not depend on scheduling.
func (ix *Index) addVulns(vulns []*vigil.Vulnerability) {
	parsed := make([]parsedVuln, len(vulns))
	workers := runtime.GOMAXPROCS(0)
	if len(vulns) < 4096 {
		workers = 1
	}
	chunk := (len(vulns) + workers - 1) / max(workers, 1)
	builders := make([]*builder, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*chunk, min((w+1)*chunk, len(vulns))
		wg.Go(func() {
			b := newBuilder(ix.aliases)
			for i := lo; i < hi; i++ {
				parsed[i] = b.parse(vulns[i])
			}
			builders[w] = b
		})
	}
	wg.Wait()
	// Resolve each builder's few distinct keys once; linking then indexes a slice.
	lists := make([][]*keyIndex, workers)
	for w, b := range builders {
		ix.skipped += b.skipped
		lists[w] = make([]*keyIndex, len(b.keyNames))
		for id, k := range b.keyNames {
			lists[w][id] = ix.keyList(k)
		}
	}
	for i, v := range vulns {
		ix.link(v, parsed[i], lists[i/chunk])
		parsed[i] = parsedVuln{} // let the parse go as we link
		ix.addAffected(ix.ids[v.ID], v)
	}
}

// link adds a parsed vulnerability's configurations to the index and files
// each vulnerable criterion under its vendor|product.
func (ix *Index) link(v *vigil.Vulnerability, p parsedVuln, kis []*keyIndex) {
	vi := ix.vulnIndex(v.ID)
	e := &ix.vulns[vi]
	base := len(e.configs) // a repeated id adds to the configurations already held
	k := 0
	for ci, pc := range p.configs {
		for ni := range pc.nodes {
			for mi := range pc.nodes[ni].matches {
				pm := &pc.nodes[ni].matches[mi] // the node's array is final: the address is stable
				pm.ki = kis[p.keys[k]]
				k++
				if pm.vulnerable() {
					pm.ki.refs = append(pm.ki.refs, keyRef{cfgRef{vi, int32(base + ci)}, pm})
				}
			}
		}
		e.configs = append(e.configs, pc)
	}
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

// keyList returns the criteria list of a key, creating it.
func (ix *Index) keyList(key string) *keyIndex {
	ki := ix.cpe[key]
	if ki == nil {
		ki = &keyIndex{}
		ix.cpe[key] = ki
	}
	return ki
}

func (b *builder) parse(v *vigil.Vulnerability) parsedVuln {
	var p parsedVuln
	for _, c := range v.Configurations {
		pc := pconfig{and: strings.EqualFold(c.Operator, "AND"), negate: c.Negate, nodes: make([]pnode, 0, len(c.Nodes))}
		for _, n := range c.Nodes {
			pn := pnode{and: strings.EqualFold(n.Operator, "AND"), negate: n.Negate, matches: make([]pmatch, 0, len(n.Matches))}
			for _, m := range n.Matches {
				pm, key, ok := b.criterion(m.Criteria)
				if !ok {
					b.skipped++
					continue
				}
				b.bounds(&pm, m)
				pn.matches = append(pn.matches, pm)
				p.keys = append(p.keys, key)
			}
			pc.nodes = append(pc.nodes, pn)
		}
		p.configs = append(p.configs, pc)
	}
	return p
}

// key returns the builder's id of the vendor|product key, cached.
func (b *builder) key(vendor, product string) int32 {
	ck := vendor + "\x00" + product
	if id, ok := b.keys[ck]; ok {
		return id
	}
	k := b.aliases.Vendor(vendor) + "|" + ProductKey(product)
	id, ok := b.keyIDs[k]
	if !ok {
		id = int32(len(b.keyNames))
		b.keyIDs[k] = id
		b.keyNames = append(b.keyNames, k)
	}
	b.keys[ck] = id
	return id
}

// criterion parses one NVD criterion and returns it with its vendor|product
// key. The common shape, a plain "cpe:2.3:p:vendor:product:version:*:*:*:*:*:*:*"
// without escapes, takes a fast path that reuses its prefix's cached key.
func (b *builder) criterion(crit string) (pmatch, int32, bool) {
	if prefix, ver, ok := splitPlain(crit); ok {
		info, hit := b.prefixes[prefix]
		if !hit {
			cp, err := ParseCPE(crit)
			if err != nil {
				return pmatch{}, 0, false
			}
			info = prefixInfo{key: b.key(cp.Vendor, cp.Product), part: cp.Part[0]}
			b.prefixes[prefix] = info
		}
		if ver == "" {
			ver = Any
		}
		pm := pmatch{part: info.part, verAttr: b.intern(strings.ToLower(ver)), criteria: crit}
		if pm.verAttr != Any && pm.verAttr != NA && !strings.ContainsAny(pm.verAttr, "*?") {
			pm.ver = b.version(pm.verAttr)
		}
		return pm, info.key, true
	}
	cp, err := ParseCPE(crit)
	if err != nil {
		return pmatch{}, 0, false
	}
	pm := pmatch{part: cp.Part[0], verAttr: b.intern(cp.Version), criteria: crit}
	if a := cp.attrs(); a[4] != Any || a[5] != Any || a[6] != Any || a[7] != Any || a[8] != Any || a[9] != Any || a[10] != Any {
		pm.rest = &[7]string{a[4], a[5], a[6], a[7], a[8], a[9], a[10]}
	}
	if cp.Version != Any && cp.Version != NA && !strings.ContainsAny(cp.Version, "*?") {
		pm.ver = b.version(cp.Version)
	}
	return pm, b.key(cp.Vendor, cp.Product), true
}

// splitPlain splits "cpe:2.3:p:v:p:VER:*:*:*:*:*:*:*" into its prefix up to
// the version and the version, when the name has no escapes and every
// attribute after the version is ANY.
func splitPlain(crit string) (prefix, ver string, ok bool) {
	const tail = ":*:*:*:*:*:*:*"
	if !strings.HasPrefix(crit, "cpe:2.3:") || !strings.HasSuffix(crit, tail) || strings.IndexByte(crit, '\\') >= 0 {
		return "", "", false
	}
	body := crit[:len(crit)-len(tail)]
	i := strings.LastIndexByte(body, ':')
	if i < 0 || strings.Count(body, ":") != 5 {
		return "", "", false
	}
	return body[:i+1], body[i+1:], true
}

// intern returns s, shared between equal strings.
func (b *builder) intern(s string) string {
	if t, ok := b.strs[s]; ok {
		return t
	}
	b.strs[s] = s
	return s
}

// version returns the parsed version, shared between equal strings.
func (b *builder) version(s string) *Version {
	if v, ok := b.versions[s]; ok {
		return v
	}
	v := ParseVersion(s)
	b.versions[s] = &v
	return &v
}

// bounds sets a criterion's vulnerable flag and NVD version range.
func (b *builder) bounds(pm *pmatch, m vigil.CPEMatch) {
	if m.Vulnerable {
		pm.flags |= pmVulnerable
	}
	switch {
	case m.StartIncluding != "":
		pm.lo = b.version(m.StartIncluding)
		pm.flags |= pmLoIncl
	case m.StartExcluding != "":
		pm.lo = b.version(m.StartExcluding)
	}
	switch {
	case m.EndIncluding != "":
		pm.hi = b.version(m.EndIncluding)
		pm.flags |= pmHiIncl
	case m.EndExcluding != "":
		pm.hi = b.version(m.EndExcluding)
	}
}
