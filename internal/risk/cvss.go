// Package risk turns matches into priorities: CVSS base scores computed from
// vectors, CISA SSVC decisions, an explainable per-device risk score and a
// ranked worklist. It is pure: the caller passes every input in.
package risk

import (
	"fmt"
	"math"
	"strings"

	cvss40 "github.com/pandatix/go-cvss/40"
	vigil "github.com/vigil-health/vigil"
)

// Metrics is a parsed CVSS vector: metric abbreviation → value letter.
type Metrics struct {
	Version string // "2.0", "3.0", "3.1", "4.0"
	m       map[string]string
}

// Get returns the value of a metric ("AV" → "N") or "".
func (m Metrics) Get(k string) string { return m.m[k] }

// requiredMetrics lists the base metrics a v2 or v3 vector must carry
// (go-cvss checks v4.0).
func requiredMetrics(family string) []string {
	switch family {
	case "2.0":
		return []string{"AV", "AC", "Au", "C", "I", "A"}
	case "3":
		return []string{"AV", "AC", "PR", "UI", "S", "C", "I", "A"}
	}
	return nil
}

// allowedValues returns the letters a base metric may take.
func allowedValues(family, k string) (string, bool) {
	var t map[string]string
	switch family {
	case "2.0":
		t = map[string]string{"AV": "LAN", "AC": "HML", "Au": "MSN", "C": "NPC", "I": "NPC", "A": "NPC"}
	case "3":
		t = map[string]string{"AV": "NALP", "AC": "LH", "PR": "NLH", "UI": "NR", "S": "UC", "C": "HLN", "I": "HLN", "A": "HLN"}
	}
	v, ok := t[k]
	return v, ok
}

// ParseVector parses a CVSS v2, v3.0, v3.1 or v4.0 vector. v2 vectors have no
// prefix; "(AV:N/...)" as CISA writes them in prose is accepted.
// Temporal and environmental metrics are accepted and ignored.
func ParseVector(vector string) (Metrics, error) {
	v := strings.Trim(strings.TrimSpace(vector), "()")
	var mt Metrics
	family := ""
	switch {
	case strings.HasPrefix(v, "CVSS:3.1/"):
		mt.Version, family, v = "3.1", "3", v[len("CVSS:3.1/"):]
	case strings.HasPrefix(v, "CVSS:3.0/"):
		mt.Version, family, v = "3.0", "3", v[len("CVSS:3.0/"):]
	case strings.HasPrefix(v, "CVSS:4.0/"):
		if _, err := cvss40.ParseVector(v); err != nil {
			return Metrics{}, fmt.Errorf("parse CVSS vector %q: %w", truncate(vector, 120), err)
		}
		mt.Version, family, v = "4.0", "4", v[len("CVSS:4.0/"):]
	case strings.HasPrefix(v, "CVSS:"):
		return Metrics{}, fmt.Errorf("parse CVSS vector %q: unsupported version", truncate(vector, 120))
	default:
		mt.Version, family = "2.0", "2.0"
	}
	mt.m = map[string]string{}
	for part := range strings.SplitSeq(v, "/") {
		k, val, ok := strings.Cut(part, ":")
		if !ok || k == "" || val == "" {
			return Metrics{}, fmt.Errorf("parse CVSS vector %q: bad metric %q", truncate(vector, 120), truncate(part, 20))
		}
		if _, dup := mt.m[k]; dup {
			return Metrics{}, fmt.Errorf("parse CVSS vector %q: metric %s repeated", truncate(vector, 120), k)
		}
		if al, ok := allowedValues(family, k); ok && (len(val) != 1 || !strings.Contains(al, val)) {
			return Metrics{}, fmt.Errorf("parse CVSS vector %q: %s:%s is not a valid value", truncate(vector, 120), k, truncate(val, 10))
		}
		mt.m[k] = val
	}
	for _, k := range requiredMetrics(family) {
		if mt.m[k] == "" {
			return Metrics{}, fmt.Errorf("parse CVSS vector %q: base metric %s missing", truncate(vector, 120), k)
		}
	}
	return mt, nil
}

// BaseScore computes the CVSS base score of a vector: v2 and v3.x by the
// specification's formulas, v4.0 by github.com/pandatix/go-cvss (the v4.0
// macro-vector lookup table is too large to hand-copy safely).
func BaseScore(vector string) (float64, error) {
	m, err := ParseVector(vector)
	if err != nil {
		return 0, err
	}
	switch m.Version {
	case "2.0":
		return base2(m), nil
	case "3.0", "3.1":
		return base3(m), nil
	}
	v := strings.Trim(strings.TrimSpace(vector), "()")
	c, err := cvss40.ParseVector(v)
	if err != nil {
		return 0, fmt.Errorf("parse CVSS vector %q: %w", truncate(vector, 120), err)
	}
	return c.Score(), nil
}

func base3(m Metrics) float64 {
	cia := map[string]float64{"H": 0.56, "L": 0.22, "N": 0}
	iss := 1 - (1-cia[m.Get("C")])*(1-cia[m.Get("I")])*(1-cia[m.Get("A")])
	changed := m.Get("S") == "C"
	var impact float64
	if changed {
		impact = 7.52*(iss-0.029) - 3.25*math.Pow(iss-0.02, 15)
	} else {
		impact = 6.42 * iss
	}
	av := map[string]float64{"N": 0.85, "A": 0.62, "L": 0.55, "P": 0.2}[m.Get("AV")]
	ac := map[string]float64{"L": 0.77, "H": 0.44}[m.Get("AC")]
	pr := map[string]float64{"N": 0.85, "L": 0.62, "H": 0.27}[m.Get("PR")]
	if changed {
		pr = map[string]float64{"N": 0.85, "L": 0.68, "H": 0.5}[m.Get("PR")]
	}
	ui := map[string]float64{"N": 0.85, "R": 0.62}[m.Get("UI")]
	expl := 8.22 * av * ac * pr * ui
	if impact <= 0 {
		return 0
	}
	round := roundup31
	if m.Version == "3.0" {
		round = func(x float64) float64 { return math.Ceil(x*10) / 10 }
	}
	if changed {
		return round(math.Min(1.08*(impact+expl), 10))
	}
	return round(math.Min(impact+expl, 10))
}

// roundup31 is CVSS 3.1's Roundup, which avoids floating-point surprises.
func roundup31(x float64) float64 {
	i := int64(math.Round(x * 100000))
	if i%10000 == 0 {
		return float64(i) / 100000
	}
	return (math.Floor(float64(i)/10000) + 1) / 10
}

func base2(m Metrics) float64 {
	cia := map[string]float64{"N": 0, "P": 0.275, "C": 0.660}
	impact := 10.41 * (1 - (1-cia[m.Get("C")])*(1-cia[m.Get("I")])*(1-cia[m.Get("A")]))
	av := map[string]float64{"L": 0.395, "A": 0.646, "N": 1.0}[m.Get("AV")]
	ac := map[string]float64{"H": 0.35, "M": 0.61, "L": 0.71}[m.Get("AC")]
	au := map[string]float64{"M": 0.45, "S": 0.56, "N": 0.704}[m.Get("Au")]
	expl := 20 * av * ac * au
	f := 1.176
	if impact == 0 {
		f = 0
	}
	return math.Round(((0.6*impact)+(0.4*expl)-1.5)*f*10) / 10
}

// Severity returns the qualitative rating of a v3/v4 base score.
func Severity(score float64) string {
	switch {
	case score == 0:
		return "NONE"
	case score < 4:
		return "LOW"
	case score < 7:
		return "MEDIUM"
	case score < 9:
		return "HIGH"
	}
	return "CRITICAL"
}

// BestScore picks the score Vigil ranks by: the highest v4.0/v3.x base across
// all sources (v2 only when nothing newer exists), computing the base from
// the vector when a source gave only the vector. The score keeps its source.
func BestScore(v *vigil.Vulnerability) (vigil.Score, bool) {
	var best vigil.Score
	found, bestModern := false, false
	for _, s := range v.Scores {
		if s.Base == 0 && s.Vector != "" {
			if b, err := BaseScore(s.Vector); err == nil {
				s.Base = b
			}
		}
		modern := !strings.HasPrefix(s.Version, "2")
		switch {
		case !found, modern && !bestModern, modern == bestModern && s.Base > best.Base:
			best, found, bestModern = s, true, modern
		}
	}
	return best, found
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && (s[n]&0xC0) == 0x80 {
		n--
	}
	return s[:n] + "…"
}
