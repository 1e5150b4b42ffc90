package feeds

import (
	"fmt"
	"io"
	"slices"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
)

// cve5Record is a CVE JSON 5.x record (the CVE Program's cvelistV5 files).
type cve5Record struct {
	DataType    string `json:"dataType"`
	DataVersion string `json:"dataVersion"`
	CVEMetadata struct {
		CVEID         string `json:"cveId"`
		State         string `json:"state"`
		DatePublished string `json:"datePublished"`
		DateUpdated   string `json:"dateUpdated"`
	} `json:"cveMetadata"`
	Containers struct {
		CNA cve5Container   `json:"cna"`
		ADP []cve5Container `json:"adp"`
	} `json:"containers"`
}

type cve5Container struct {
	ProviderMetadata struct {
		ShortName string `json:"shortName"`
	} `json:"providerMetadata"`
	Descriptions []langString   `json:"descriptions"`
	Affected     []cve5Affected `json:"affected"`
	Metrics      []cve5Metric   `json:"metrics"`
	ProblemTypes []struct {
		Descriptions []struct {
			CWEID string `json:"cweId"`
		} `json:"descriptions"`
	} `json:"problemTypes"`
	References []struct {
		URL  string   `json:"url"`
		Tags []string `json:"tags"`
	} `json:"references"`
}

type cve5Affected struct {
	Vendor        string   `json:"vendor"`
	Product       string   `json:"product"`
	PackageName   string   `json:"packageName"`
	CollectionURL string   `json:"collectionURL"`
	CPEs          []string `json:"cpes"`
	DefaultStatus string   `json:"defaultStatus"`
	Versions      []struct {
		Version         string `json:"version"`
		Status          string `json:"status"`
		VersionType     string `json:"versionType"`
		LessThan        string `json:"lessThan"`
		LessThanOrEqual string `json:"lessThanOrEqual"`
	} `json:"versions"`
}

type cve5Metric struct {
	V40 *csafCVSS `json:"cvssV4_0"`
	V31 *csafCVSS `json:"cvssV3_1"`
	V30 *csafCVSS `json:"cvssV3_0"`
	V20 *csafCVSS `json:"cvssV2_0"`
}

func cve5Status(s string) vigil.ProductStatus {
	switch strings.ToLower(s) {
	case "affected":
		return vigil.StatusAffected
	case "unaffected":
		return vigil.StatusNotAffected
	}
	return vigil.StatusUnknown
}

func parseCVE5(name string, r io.Reader, lim bound.Limits, b *Batch) error {
	dec, _ := newJSON(name, r, lim) // a CVE record is one record
	var rec cve5Record
	if err := dec.Decode(&rec); err != nil {
		return jsonErr(name, dec, "CVE JSON 5", err)
	}
	if err := trailing(dec); err != nil {
		return jsonErr(name, dec, "CVE JSON 5", err)
	}
	m := &rec.CVEMetadata
	if !isCVE(m.CVEID) {
		return fmt.Errorf("feeds: parse %s: cveMetadata.cveId %q is not a CVE id", name, truncate(m.CVEID, 40))
	}
	if !strings.HasPrefix(rec.DataVersion, "5.") {
		return fmt.Errorf("feeds: parse %s: dataVersion %q, want 5.x", name, truncate(rec.DataVersion, 20))
	}
	if strings.EqualFold(m.State, "REJECTED") {
		return nil // rejected ids carry nothing to match
	}
	v := &vigil.Vulnerability{ID: m.CVEID, Sources: []string{"cve5"}}
	var err error
	if v.Published, err = parseTime(m.DatePublished); err != nil {
		return fmt.Errorf("feeds: parse %s: cveMetadata.datePublished: %w", name, err)
	}
	if v.Modified, err = parseTime(m.DateUpdated); err != nil {
		return fmt.Errorf("feeds: parse %s: cveMetadata.dateUpdated: %w", name, err)
	}
	cna := &rec.Containers.CNA
	v.Description = english(cna.Descriptions)
	for _, c := range append([]cve5Container{*cna}, rec.Containers.ADP...) {
		src := firstNonEmpty(c.ProviderMetadata.ShortName, "cna")
		for _, mt := range c.Metrics {
			for _, s := range []*csafCVSS{mt.V40, mt.V31, mt.V30, mt.V20} {
				if s != nil {
					v.Scores = append(v.Scores, vigil.Score{Source: src, Version: s.Version, Vector: s.VectorString, Base: s.BaseScore, Severity: strings.ToUpper(s.BaseSeverity)})
				}
			}
		}
		for _, pt := range c.ProblemTypes {
			for _, d := range pt.Descriptions {
				if d.CWEID != "" && !contains(v.CWEs, d.CWEID) {
					v.CWEs = append(v.CWEs, d.CWEID)
				}
			}
		}
	}
	for i, a := range cna.Affected {
		af := vigil.Affected{Vendor: a.Vendor, Product: firstNonEmpty(a.Product, a.PackageName), CPEs: a.CPEs, Default: cve5Status(a.DefaultStatus)}
		for j, ver := range a.Versions {
			st := cve5Status(ver.Status)
			if st == vigil.StatusUnknown && ver.Status != "" && !strings.EqualFold(ver.Status, "unknown") {
				return fmt.Errorf("feeds: parse %s: affected[%d].versions[%d].status %q is not affected, unaffected or unknown", name, i, j, truncate(ver.Status, 20))
			}
			ar := vigil.AffectedRange{Version: ver.Version, Status: st}
			switch {
			case ver.LessThan != "" && ver.LessThan != "*":
				ar.EndExcluding = ver.LessThan
			case ver.LessThanOrEqual != "" && ver.LessThanOrEqual != "*":
				ar.EndIncluding = ver.LessThanOrEqual
			}
			if (ver.LessThan == "*" || ver.LessThanOrEqual == "*") && ver.Version != "" && ver.Version != "0" {
				ar.StartIncluding = ver.Version // "from version onwards"
			}
			af.Versions = append(af.Versions, ar)
		}
		v.Affected = append(v.Affected, af)
	}
	for _, ref := range cna.References {
		v.References = append(v.References, ref.URL)
		if slices.Contains(ref.Tags, "exploit") && !slices.Contains(v.Exploits, ref.URL) {
			v.Exploits = append(v.Exploits, ref.URL)
		}
	}
	b.Vulnerabilities = append(b.Vulnerabilities, v)
	return nil
}
