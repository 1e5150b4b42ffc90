package feeds

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/match"
)

// nvdCVE is the "cve" object of the NVD CVE API 2.0.
type nvdCVE struct {
	ID                 string        `json:"id"`
	SourceIdentifier   string        `json:"sourceIdentifier"`
	Published          string        `json:"published"`
	LastModified       string        `json:"lastModified"`
	VulnStatus         string        `json:"vulnStatus"`
	CISAExploitAdd     string        `json:"cisaExploitAdd"`
	CISAActionDue      string        `json:"cisaActionDue"`
	CISARequiredAction string        `json:"cisaRequiredAction"`
	CISAVulnName       string        `json:"cisaVulnerabilityName"`
	Descriptions       []langString  `json:"descriptions"`
	Metrics            nvdMetrics    `json:"metrics"`
	Weaknesses         []nvdWeakness `json:"weaknesses"`
	Configurations     []nvdConfig   `json:"configurations"`
	References         []struct {
		URL  string   `json:"url"`
		Tags []string `json:"tags"`
	} `json:"references"`
}

type langString struct {
	Lang  string `json:"lang"`
	Value string `json:"value"`
}

type nvdMetrics struct {
	V40 []nvdMetric `json:"cvssMetricV40"`
	V31 []nvdMetric `json:"cvssMetricV31"`
	V30 []nvdMetric `json:"cvssMetricV30"`
	V2  []nvdMetric `json:"cvssMetricV2"`
}

type nvdMetric struct {
	Source       string `json:"source"`
	Type         string `json:"type"`
	BaseSeverity string `json:"baseSeverity"` // v2 keeps it here
	CVSSData     struct {
		Version      string  `json:"version"`
		VectorString string  `json:"vectorString"`
		BaseScore    float64 `json:"baseScore"`
		BaseSeverity string  `json:"baseSeverity"`
	} `json:"cvssData"`
}

type nvdWeakness struct {
	Description []langString `json:"description"`
}

type nvdConfig struct {
	Operator string    `json:"operator"`
	Negate   bool      `json:"negate"`
	Nodes    []nvdNode `json:"nodes"`
}

type nvdNode struct {
	Operator string `json:"operator"`
	Negate   bool   `json:"negate"`
	CPEMatch []struct {
		Vulnerable            bool   `json:"vulnerable"`
		Criteria              string `json:"criteria"`
		VersionStartIncluding string `json:"versionStartIncluding"`
		VersionStartExcluding string `json:"versionStartExcluding"`
		VersionEndIncluding   string `json:"versionEndIncluding"`
		VersionEndExcluding   string `json:"versionEndExcluding"`
	} `json:"cpeMatch"`
}

// parseNVD reads an NVD CVE API 2.0 response ({"vulnerabilities":[{"cve":…}]}),
// streaming its records, or a single bare "cve" object as the
// nvd-json-data-feeds repository stores them.
func parseNVD(ctx context.Context, name string, r io.Reader, lim bound.Limits, b *Batch) error {
	dec, in := newJSON(name, r, lim)
	bare := map[string]json.RawMessage{}
	n := 0
	err := walkObject(dec, func(key string) error {
		switch key {
		case "vulnerabilities":
			return streamArray(ctx, in, dec, func(i int) error {
				var item struct {
					CVE *nvdCVE `json:"cve"`
				}
				if err := dec.Decode(&item); err != nil {
					return err
				}
				if item.CVE == nil {
					return fmt.Errorf("record %d has no \"cve\" object", i)
				}
				v, err := item.CVE.vulnerability()
				if err != nil {
					return fmt.Errorf("record %d (%s): %w", i, item.CVE.ID, err)
				}
				b.Vulnerabilities = append(b.Vulnerabilities, v)
				n++
				return nil
			})
		case "resultsPerPage", "startIndex", "totalResults", "format", "version", "timestamp":
			return skipValue(dec)
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		bare[key] = raw
		return nil
	})
	if err == nil {
		err = trailing(dec)
	}
	if err != nil {
		return jsonErr(name, dec, "NVD CVE 2.0", err)
	}
	if n == 0 && len(bare) > 0 {
		if _, ok := bare["id"]; !ok {
			return fmt.Errorf("feeds: parse %s: NVD CVE 2.0: neither a \"vulnerabilities\" list nor a \"cve\" object with an id", name)
		}
		whole, err := json.Marshal(bare)
		if err != nil {
			return fmt.Errorf("feeds: parse %s: %w", name, err)
		}
		var c nvdCVE
		if err := json.Unmarshal(whole, &c); err != nil {
			return fmt.Errorf("feeds: parse %s: NVD CVE 2.0 record: %w", name, err)
		}
		v, err := c.vulnerability()
		if err != nil {
			return fmt.Errorf("feeds: parse %s: record %s: %w", name, c.ID, err)
		}
		b.Vulnerabilities = append(b.Vulnerabilities, v)
	}
	return nil
}

func (c *nvdCVE) vulnerability() (*vigil.Vulnerability, error) {
	if c.ID == "" {
		return nil, fmt.Errorf("missing id")
	}
	v := &vigil.Vulnerability{ID: c.ID, Sources: []string{"nvd"}}
	var err error
	if v.Published, err = parseTime(c.Published); err != nil {
		return nil, fmt.Errorf("published: %w", err)
	}
	if v.Modified, err = parseTime(c.LastModified); err != nil {
		return nil, fmt.Errorf("lastModified: %w", err)
	}
	v.Description = english(c.Descriptions)
	for _, w := range c.Weaknesses {
		for _, d := range w.Description {
			if strings.HasPrefix(d.Value, "CWE-") && !contains(v.CWEs, d.Value) {
				v.CWEs = append(v.CWEs, d.Value)
			}
		}
	}
	for _, set := range [][]nvdMetric{c.Metrics.V40, c.Metrics.V31, c.Metrics.V30, c.Metrics.V2} {
		for _, m := range set {
			sev := m.CVSSData.BaseSeverity
			if sev == "" {
				sev = m.BaseSeverity
			}
			v.Scores = append(v.Scores, vigil.Score{Source: m.Source, Version: m.CVSSData.Version, Vector: m.CVSSData.VectorString,
				Base: m.CVSSData.BaseScore, Severity: strings.ToUpper(sev), Primary: m.Type == "Primary"})
		}
	}
	for ci, cfg := range c.Configurations {
		pc := vigil.CPEConfig{Operator: cfg.Operator, Negate: cfg.Negate}
		for ni, n := range cfg.Nodes {
			pn := vigil.CPENode{Operator: n.Operator, Negate: n.Negate}
			for mi, m := range n.CPEMatch {
				if _, err := match.ParseCPE(m.Criteria); err != nil {
					return nil, fmt.Errorf("configuration %d node %d match %d: %w", ci, ni, mi, err)
				}
				pn.Matches = append(pn.Matches, vigil.CPEMatch{Criteria: m.Criteria, Vulnerable: m.Vulnerable, VersionRange: vigil.VersionRange{
					StartIncluding: m.VersionStartIncluding, StartExcluding: m.VersionStartExcluding,
					EndIncluding: m.VersionEndIncluding, EndExcluding: m.VersionEndExcluding}})
			}
			pc.Nodes = append(pc.Nodes, pn)
		}
		v.Configurations = append(v.Configurations, pc)
	}
	for _, r := range c.References {
		v.References = append(v.References, r.URL)
		if slices.Contains(r.Tags, "Exploit") && !slices.Contains(v.Exploits, r.URL) {
			v.Exploits = append(v.Exploits, r.URL)
		}
	}
	if c.CISAExploitAdd != "" {
		added, err := parseTime(c.CISAExploitAdd)
		if err != nil {
			return nil, fmt.Errorf("cisaExploitAdd: %w", err)
		}
		due, err := parseTime(c.CISAActionDue)
		if err != nil {
			return nil, fmt.Errorf("cisaActionDue: %w", err)
		}
		v.KEV = &vigil.KEVEntry{CVE: c.ID, Name: c.CISAVulnName, DateAdded: added, DueDate: due, RequiredAction: c.CISARequiredAction}
	}
	return v, nil
}

// english returns the English text of a multilingual list, shortened.
func english(ls []langString) string {
	for _, l := range ls {
		if strings.HasPrefix(strings.ToLower(l.Lang), "en") {
			return shortText(l.Value, 1000)
		}
	}
	if len(ls) > 0 {
		return shortText(ls[0].Value, 1000)
	}
	return ""
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
