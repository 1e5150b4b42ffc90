package feeds

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
)

// csafDoc is the part of a CSAF 2.0 document Vigil reads. Own structs rather
// than gocsaf's model: we need only a fraction, decoding stays lenient on the
// optional parts real advisories get wrong, and no validation dependency is pulled in.
type csafDoc struct {
	Document struct {
		Category    string `json:"category"`
		CSAFVersion string `json:"csaf_version"`
		Title       string `json:"title"`
		Publisher   struct {
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
		} `json:"publisher"`
		References []struct {
			Category string `json:"category"`
			URL      string `json:"url"`
		} `json:"references"`
		Tracking struct {
			ID                 string `json:"id"`
			InitialReleaseDate string `json:"initial_release_date"`
			CurrentReleaseDate string `json:"current_release_date"`
		} `json:"tracking"`
	} `json:"document"`
	ProductTree struct {
		Branches         []csafBranch  `json:"branches"`
		FullProductNames []csafProduct `json:"full_product_names"`
		Relationships    []struct {
			Category         string      `json:"category"`
			ProductReference string      `json:"product_reference"`
			RelatesTo        string      `json:"relates_to_product_reference"`
			FullProductName  csafProduct `json:"full_product_name"`
		} `json:"relationships"`
		ProductGroups []struct {
			GroupID    string   `json:"group_id"`
			ProductIDs []string `json:"product_ids"`
		} `json:"product_groups"`
	} `json:"product_tree"`
	Vulnerabilities []csafVuln `json:"vulnerabilities"`
}

type csafBranch struct {
	Category string       `json:"category"`
	Name     string       `json:"name"`
	Product  *csafProduct `json:"product"`
	Branches []csafBranch `json:"branches"`
}

type csafProduct struct {
	Name   string `json:"name"`
	ID     string `json:"product_id"`
	Helper *struct {
		CPE  string `json:"cpe"`
		PURL string `json:"purl"`
	} `json:"product_identification_helper"`
}

type csafVuln struct {
	CVE   string `json:"cve"`
	Title string `json:"title"`
	CWE   *struct {
		ID string `json:"id"`
	} `json:"cwe"`
	Notes []struct {
		Category string `json:"category"`
		Text     string `json:"text"`
	} `json:"notes"`
	ReleaseDate   string       `json:"release_date"`
	ProductStatus csafStatuses `json:"product_status"`
	Scores        []struct {
		CVSSv2   *csafCVSS `json:"cvss_v2"`
		CVSSv3   *csafCVSS `json:"cvss_v3"`
		CVSSv4   *csafCVSS `json:"cvss_v4"`
		Products []string  `json:"products"`
	} `json:"scores"`
	Remediations []struct {
		Category   string   `json:"category"`
		Details    string   `json:"details"`
		URL        string   `json:"url"`
		ProductIDs []string `json:"product_ids"`
		GroupIDs   []string `json:"group_ids"`
	} `json:"remediations"`
	Flags []struct {
		Label      string   `json:"label"`
		ProductIDs []string `json:"product_ids"`
		GroupIDs   []string `json:"group_ids"`
	} `json:"flags"`
	Threats []struct {
		Category   string   `json:"category"`
		Details    string   `json:"details"`
		ProductIDs []string `json:"product_ids"`
		GroupIDs   []string `json:"group_ids"`
	} `json:"threats"`
	References []struct {
		URL string `json:"url"`
	} `json:"references"`
}

// csafStatuses are a vulnerability's product status lists. A struct, not
// a map: a document's unknown keys are skipped, not held.
type csafStatuses struct {
	KnownAffected      []string `json:"known_affected"`
	FirstAffected      []string `json:"first_affected"`
	LastAffected       []string `json:"last_affected"`
	Fixed              []string `json:"fixed"`
	FirstFixed         []string `json:"first_fixed"`
	KnownNotAffected   []string `json:"known_not_affected"`
	UnderInvestigation []string `json:"under_investigation"`
}

// lists returns the lists with their CSAF names, in the order statements
// are made.
func (s *csafStatuses) lists() []struct {
	key string
	ids []string
} {
	return []struct {
		key string
		ids []string
	}{{"known_affected", s.KnownAffected}, {"first_affected", s.FirstAffected}, {"last_affected", s.LastAffected}, {"fixed", s.Fixed},
		{"first_fixed", s.FirstFixed}, {"known_not_affected", s.KnownNotAffected}, {"under_investigation", s.UnderInvestigation}}
}

type csafCVSS struct {
	Version      string  `json:"version"`
	VectorString string  `json:"vectorString"`
	BaseScore    float64 `json:"baseScore"`
	BaseSeverity string  `json:"baseSeverity"`
}

// csafStatus maps CSAF product_status keys to Vigil statuses.
func csafStatus(k string) vigil.ProductStatus {
	switch k {
	case "known_affected", "first_affected", "last_affected":
		return vigil.StatusAffected
	case "fixed", "first_fixed":
		return vigil.StatusFixed
	case "known_not_affected":
		return vigil.StatusNotAffected
	case "under_investigation":
		return vigil.StatusUnderInvestigation
	}
	return vigil.StatusUnknown // "recommended" is not a status of exposure
}

// parseCSAF reads one CSAF 2.0 document. CVE ids come only from the
// vulnerabilities' "cve" fields: product names are never mined for them
// (CISA's ICSMA-20-023-01 writes "CVE-2020- 6962" inside product names).
func parseCSAF(name string, r io.Reader, lim bound.Limits, b *Batch) error {
	dec := json.NewDecoder(LimitLists(bound.JSON(LimitWhole(r, name, lim, "a CSAF document"), name, lim), name, lim))
	var d csafDoc
	if err := dec.Decode(&d); err != nil {
		return jsonErr(name, dec, "CSAF", err)
	}
	if err := trailing(dec); err != nil {
		return jsonErr(name, dec, "CSAF", err)
	}
	doc := &d.Document
	if doc.CSAFVersion != "2.0" && doc.CSAFVersion != "2.1" {
		return fmt.Errorf("feeds: parse %s: csaf_version %q, want 2.0", name, truncate(doc.CSAFVersion, 20))
	}
	if doc.Tracking.ID == "" {
		return fmt.Errorf("feeds: parse %s: document.tracking.id is missing", name)
	}
	a := &vigil.Advisory{ID: doc.Tracking.ID, Publisher: doc.Publisher.Name, Category: doc.Category, Title: shortText(doc.Title, 300)}
	var err error
	if a.Released, err = parseTime(doc.Tracking.InitialReleaseDate); err != nil {
		return fmt.Errorf("feeds: parse %s: tracking.initial_release_date: %w", name, err)
	}
	if a.Updated, err = parseTime(doc.Tracking.CurrentReleaseDate); err != nil {
		return fmt.Errorf("feeds: parse %s: tracking.current_release_date: %w", name, err)
	}
	for _, ref := range doc.References {
		if ref.Category == "self" && a.URL == "" {
			a.URL = ref.URL
		}
	}
	products := map[string]vigil.AdvisoryProduct{}
	var order []string
	addProduct := func(p vigil.AdvisoryProduct) {
		if _, ok := products[p.ID]; !ok {
			order = append(order, p.ID)
		}
		products[p.ID] = p
	}
	walkBranches(d.ProductTree.Branches, vigil.AdvisoryProduct{}, addProduct)
	for _, fp := range d.ProductTree.FullProductNames {
		addProduct(fromCSAFProduct(vigil.AdvisoryProduct{Product: fp.Name}, fp))
	}
	for _, rel := range d.ProductTree.Relationships {
		// "X default_component_of Y": the new id inherits X's identity.
		p := products[rel.ProductReference]
		p = fromCSAFProduct(p, rel.FullProductName)
		addProduct(p)
	}
	groups := map[string][]string{}
	for _, g := range d.ProductTree.ProductGroups {
		groups[g.GroupID] = g.ProductIDs
	}
	expand := func(ids, gids []string) []string {
		out := append([]string(nil), ids...)
		for _, g := range gids {
			out = append(out, groups[g]...)
		}
		return out
	}
	for _, id := range order {
		a.Products = append(a.Products, products[id])
	}
	for i, cv := range d.Vulnerabilities {
		id := strings.TrimSpace(cv.CVE)
		if id == "" {
			continue // CSAF allows vulnerabilities without a CVE; Vigil keys on CVE ids
		}
		if !isCVE(id) {
			return fmt.Errorf("feeds: parse %s: vulnerabilities[%d].cve %q is not a CVE id", name, i, truncate(id, 40))
		}
		a.CVEs = append(a.CVEs, id)
		v := &vigil.Vulnerability{ID: id, Sources: []string{"csaf:" + a.ID}}
		if cv.CWE != nil && cv.CWE.ID != "" {
			v.CWEs = []string{cv.CWE.ID}
		}
		for _, n := range cv.Notes {
			if n.Category == "summary" || n.Category == "description" {
				v.Description = shortText(n.Text, 1000)
				break
			}
		}
		if v.Published, err = parseTime(cv.ReleaseDate); err != nil {
			return fmt.Errorf("feeds: parse %s: vulnerabilities[%d].release_date: %w", name, i, err)
		}
		if v.Published.IsZero() {
			v.Published = a.Released
		}
		for _, s := range cv.Scores {
			for _, c := range []*csafCVSS{s.CVSSv4, s.CVSSv3, s.CVSSv2} {
				if c == nil {
					continue
				}
				v.Scores = append(v.Scores, vigil.Score{Source: "csaf:" + a.ID, Version: c.Version, Vector: c.VectorString,
					Base: c.BaseScore, Severity: strings.ToUpper(c.BaseSeverity), ProductIDs: s.Products})
			}
		}
		for _, ref := range cv.References {
			v.References = append(v.References, ref.URL)
		}
		b.Vulnerabilities = append(b.Vulnerabilities, v)

		flags := map[string]string{}
		for _, f := range cv.Flags {
			for _, pid := range expand(f.ProductIDs, f.GroupIDs) {
				flags[pid] = f.Label
			}
		}
		for _, t := range cv.Threats {
			pids := expand(t.ProductIDs, t.GroupIDs)
			a.Threats = append(a.Threats, vigil.Threat{VulnID: id, Category: t.Category, Details: shortText(t.Details, 1000), ProductIDs: pids})
			if t.Category == "exploit_status" && ReportsExploit(t.Details) {
				v.Exploits = append(v.Exploits, "csaf:"+a.ID+": "+shortText(t.Details, 300))
			}
			if t.Category == "impact" {
				for _, pid := range pids {
					if flags[pid] == "" {
						flags[pid] = shortText(t.Details, 300)
					}
				}
			}
		}
		for _, l := range cv.ProductStatus.lists() {
			st := csafStatus(l.key)
			for _, pid := range l.ids {
				ps := vigil.ProductStatement{VulnID: id, ProductID: pid, Status: st}
				if st == vigil.StatusNotAffected {
					ps.Justification = flags[pid]
					p := products[pid]
					b.VEX = append(b.VEX, vigil.VEXStatement{VulnID: id, Product: firstNonEmpty(p.Name, pid), Status: st,
						Justification: flags[pid], Source: "csaf:" + a.ID})
				}
				a.Statuses = append(a.Statuses, ps)
			}
		}
		for _, rm := range cv.Remediations {
			a.Remediations = append(a.Remediations, vigil.Remediation{VulnID: id, Category: vigil.RemediationCategory(rm.Category),
				Details: shortText(rm.Details, 2000), URL: rm.URL, ProductIDs: expand(rm.ProductIDs, rm.GroupIDs)})
		}
	}
	b.Advisories = append(b.Advisories, a)
	return nil
}

// walkBranches flattens a CSAF product tree: each leaf product gets the
// vendor, family, product name and version of the branches above it.
func walkBranches(bs []csafBranch, ctx vigil.AdvisoryProduct, add func(vigil.AdvisoryProduct)) {
	for _, br := range bs {
		c := ctx
		switch br.Category {
		case "vendor":
			c.Vendor = strings.TrimSpace(br.Name)
		case "product_family":
			c.Family = strings.TrimSpace(br.Name)
		case "product_name":
			c.Product = strings.TrimSpace(br.Name)
		case "product_version":
			c.Version = strings.TrimSpace(br.Name)
		case "product_version_range":
			c.VersionRange = strings.TrimSpace(br.Name)
		}
		if br.Product != nil {
			add(fromCSAFProduct(c, *br.Product))
		}
		walkBranches(br.Branches, c, add)
	}
}

func fromCSAFProduct(p vigil.AdvisoryProduct, fp csafProduct) vigil.AdvisoryProduct {
	p.ID = fp.ID
	p.Name = fp.Name
	if fp.Helper != nil {
		p.CPE = fp.Helper.CPE
		p.PURL = fp.Helper.PURL
	}
	return p
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// ReportsExploit reports whether the details of a CSAF exploit_status
// threat say an exploit exists. The field is free text: "Exploit code is
// publicly available", "Exploited in the wild" report one; "No known public
// exploits specifically target this vulnerability" and the like do not.
func ReportsExploit(details string) bool {
	d := strings.ToLower(details)
	if !strings.Contains(d, "exploit") {
		return false
	}
	for _, no := range []string{"no known", "no public", "not known", "not aware", "no exploit", "none known", "not been", "not exploit", "unknown"} {
		if strings.Contains(d, no) {
			return false
		}
	}
	return true
}
