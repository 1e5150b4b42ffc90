package feeds

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/package-url/packageurl-go"
	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
)

// osvRecord is an OSV schema record.
type osvRecord struct {
	SchemaVersion string   `json:"schema_version"`
	ID            string   `json:"id"`
	Modified      string   `json:"modified"`
	Published     string   `json:"published"`
	Withdrawn     string   `json:"withdrawn"`
	Aliases       []string `json:"aliases"`
	Summary       string   `json:"summary"`
	Details       string   `json:"details"`
	Severity      []struct {
		Type  string `json:"type"`
		Score string `json:"score"`
	} `json:"severity"`
	Affected []struct {
		Package struct {
			Ecosystem string `json:"ecosystem"`
			Name      string `json:"name"`
			PURL      string `json:"purl"`
		} `json:"package"`
		Ranges []struct {
			Type   string `json:"type"`
			Events []struct {
				Introduced   string `json:"introduced"`
				Fixed        string `json:"fixed"`
				LastAffected string `json:"last_affected"`
				Limit        string `json:"limit"`
			} `json:"events"`
		} `json:"ranges"`
		Versions []string `json:"versions"`
	} `json:"affected"`
	References []struct {
		URL string `json:"url"`
	} `json:"references"`
	DatabaseSpecific struct {
		CWEIDs []string `json:"cwe_ids"`
	} `json:"database_specific"`
}

// osvPURLType maps OSV ecosystems to purl types for records without a purl.
func osvPURLType(eco string) string {
	eco, _, _ = strings.Cut(eco, ":") // "Debian:12" → "Debian"
	switch strings.ToLower(eco) {
	case "go":
		return "golang"
	case "npm":
		return "npm"
	case "pypi":
		return "pypi"
	case "maven":
		return "maven"
	case "crates.io":
		return "cargo"
	case "rubygems":
		return "gem"
	case "nuget":
		return "nuget"
	case "packagist":
		return "composer"
	case "debian":
		return "deb"
	case "alpine":
		return "apk"
	case "hex":
		return "hex"
	case "pub":
		return "pub"
	}
	return ""
}

// parseOSV reads one OSV record or a JSON array of them (streamed).
func parseOSV(ctx context.Context, name string, r io.Reader, lim bound.Limits, b *Batch) error {
	dec, in := newJSON(name, r, lim)
	one := func(i int) error {
		var rec osvRecord
		if err := dec.Decode(&rec); err != nil {
			return err
		}
		v, err := rec.vulnerability()
		if err != nil {
			return fmt.Errorf("record %d (%s): %w", i, truncate(rec.ID, 40), err)
		}
		if v != nil {
			b.Vulnerabilities = append(b.Vulnerabilities, v)
		}
		return nil
	}
	var err error
	if t, perr := peekDelim(dec); perr != nil {
		err = perr
	} else if t == '[' {
		err = streamArray(ctx, in, dec, one)
	} else {
		err = one(0)
	}
	if err == nil {
		err = trailing(dec)
	}
	if err != nil {
		return jsonErr(name, dec, "OSV", err)
	}
	return nil
}

// peekDelim reports the first non-space byte of the decoder's stream
// without consuming a token.
func peekDelim(dec *json.Decoder) (byte, error) {
	// Decoder.Buffered holds what was read ahead; force a small read through More.
	dec.More()
	buf, _ := io.ReadAll(io.LimitReader(dec.Buffered(), 1<<20))
	for _, c := range buf {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c, nil
	}
	return 0, fmt.Errorf("empty input")
}

func (o *osvRecord) vulnerability() (*vigil.Vulnerability, error) {
	if o.ID == "" {
		return nil, fmt.Errorf("missing id")
	}
	if o.Withdrawn != "" {
		return nil, nil
	}
	v := &vigil.Vulnerability{ID: o.ID, Aliases: o.Aliases, Sources: []string{"osv"}, CWEs: o.DatabaseSpecific.CWEIDs}
	// Prefer the CVE id as the key so OSV merges with NVD and KEV.
	for _, a := range o.Aliases {
		if isCVE(a) && !isCVE(o.ID) {
			v.ID, v.Aliases = a, append([]string{o.ID}, without(o.Aliases, a)...)
			break
		}
	}
	var err error
	if v.Published, err = parseTime(o.Published); err != nil {
		return nil, fmt.Errorf("published: %w", err)
	}
	if v.Modified, err = parseTime(o.Modified); err != nil {
		return nil, fmt.Errorf("modified: %w", err)
	}
	v.Description = shortText(firstNonEmpty(o.Summary, o.Details), 1000)
	for _, s := range o.Severity {
		ver := ""
		switch s.Type {
		case "CVSS_V2":
			ver = "2.0"
		case "CVSS_V3":
			ver = "3.1"
			if strings.HasPrefix(s.Score, "CVSS:3.0") {
				ver = "3.0"
			}
		case "CVSS_V4":
			ver = "4.0"
		default:
			continue
		}
		v.Scores = append(v.Scores, vigil.Score{Source: "osv", Version: ver, Vector: s.Score})
	}
	for i, a := range o.Affected {
		purl := a.Package.PURL
		if purl == "" {
			if t := osvPURLType(a.Package.Ecosystem); t != "" && a.Package.Name != "" {
				ns, n := "", a.Package.Name
				if t == "maven" {
					ns, n, _ = strings.Cut(a.Package.Name, ":")
				} else if j := strings.LastIndexByte(n, '/'); j > 0 && t != "golang" {
					ns, n = n[:j], n[j+1:]
				} else if t == "golang" {
					if j := strings.LastIndexByte(n, '/'); j > 0 {
						ns, n = n[:j], n[j+1:]
					}
				}
				purl = packageurl.NewPackageURL(t, ns, n, "", nil, "").ToString()
			}
		} else if p, err := packageurl.FromString(purl); err != nil {
			return nil, fmt.Errorf("affected[%d].package.purl: %w", i, err)
		} else {
			p.Version = "" // identity only; versions come from ranges
			purl = p.ToString()
		}
		af := vigil.Affected{Ecosystem: a.Package.Ecosystem, Product: a.Package.Name, PURL: purl}
		for _, r := range a.Ranges {
			if r.Type == "GIT" {
				continue // commit hashes do not order
			}
			var cur *vigil.AffectedRange
			for _, e := range r.Events {
				switch {
				case e.Introduced != "":
					if cur != nil {
						af.Versions = append(af.Versions, *cur)
					}
					cur = &vigil.AffectedRange{Status: vigil.StatusAffected}
					if e.Introduced != "0" {
						cur.StartIncluding = e.Introduced
					}
				case e.Fixed != "" && cur != nil:
					cur.EndExcluding = e.Fixed
					af.Versions = append(af.Versions, *cur)
					cur = nil
				case e.LastAffected != "" && cur != nil:
					cur.EndIncluding = e.LastAffected
					af.Versions = append(af.Versions, *cur)
					cur = nil
				case e.Limit != "" && cur != nil:
					cur.EndExcluding = e.Limit
				}
			}
			if cur != nil {
				if cur.VersionRange.IsZero() {
					cur.Version = "*" // introduced 0 and never fixed: every version
				}
				af.Versions = append(af.Versions, *cur)
			}
		}
		for _, ver := range a.Versions {
			af.Versions = append(af.Versions, vigil.AffectedRange{Version: ver, Status: vigil.StatusAffected})
		}
		v.Affected = append(v.Affected, af)
	}
	for _, r := range o.References {
		v.References = append(v.References, r.URL)
	}
	return v, nil
}

func without(xs []string, s string) []string {
	var out []string
	for _, x := range xs {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}
