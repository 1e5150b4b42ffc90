package match

import (
	"fmt"
	"slices"
	"strings"

	vigil "github.com/vigil-health/vigil"
)

// Range is a parsed set of versions: exact versions, patterns ("2.X") and
// intervals. The zero Range contains nothing; use AllVersions for everything.
type Range struct {
	raw       string
	all       bool
	exact     []Version
	intervals []interval
}

type interval struct {
	lo, hi         Version
	loIncl, hiIncl bool
	hasLo, hasHi   bool
	loWild, hiWild bool // the bound ends in an "x" wildcard ("< 3.x")
}

// finish precomputes the wildcard flags and strips the wildcards off the bounds.
func (iv interval) finish() interval {
	if iv.hasLo && iv.lo.wildcard() {
		iv.loWild, iv.lo = true, stripWildcard(iv.lo)
	}
	if iv.hasHi && iv.hi.wildcard() {
		iv.hiWild = true // hi keeps its wildcard for PatternMatches
	}
	return iv
}

// AllVersions is the range that contains every version.
func AllVersions() Range { return Range{all: true} }

// String returns the range as given, or as NVD bounds (">= 1.0, < 2.0").
func (r Range) String() string {
	if r.raw != "" || len(r.intervals) != 1 {
		return r.raw
	}
	iv := r.intervals[0]
	var parts []string
	if iv.hasLo {
		parts = append(parts, map[bool]string{true: ">= ", false: "> "}[iv.loIncl]+iv.lo.raw)
	}
	if iv.hasHi {
		parts = append(parts, map[bool]string{true: "<= ", false: "< "}[iv.hiIncl]+iv.hi.raw)
	}
	return strings.Join(parts, ", ")
}

// FixedIn returns the exclusive upper bound of the last interval ("< 3.6.7"
// gives "3.6.7"), the first version known to be fixed, or "".
func (r Range) FixedIn() string {
	if len(r.intervals) == 0 {
		return ""
	}
	last := r.intervals[len(r.intervals)-1]
	if last.hasHi && !last.hiIncl && !last.hiWild {
		return last.hi.raw
	}
	return ""
}

// FromVersionRange builds a Range from NVD-style bounds. An empty range
// contains every version.
// Its text is computed on demand by String.
func FromVersionRange(vr vigil.VersionRange) Range {
	parse := ParseVersion
	if vr.IsZero() {
		return Range{all: true}
	}
	iv := interval{}
	if vr.StartIncluding != "" {
		iv.lo, iv.loIncl, iv.hasLo = parse(vr.StartIncluding), true, true
	} else if vr.StartExcluding != "" {
		iv.lo, iv.hasLo = parse(vr.StartExcluding), true
	}
	if vr.EndIncluding != "" {
		iv.hi, iv.hiIncl, iv.hasHi = parse(vr.EndIncluding), true, true
	} else if vr.EndExcluding != "" {
		iv.hi, iv.hasHi = parse(vr.EndExcluding), true
	}
	return Range{intervals: []interval{iv.finish()}}
}

// ParseRange parses a version range as CSAF product_version_range gives it:
// a vers URI ("vers:generic/<3.6.7", "vers:all/*") or a legacy expression of
// constraints joined by "|" ("<= 4.2", ">= 1.0.0 | <= 1.3.1", "< 3.x").
// Constraints are sorted by version and paired into intervals as the vers
// specification does. It fails on prose such as "<  july 1 2017" or
// "9.x (with Wireless Battery Modules ...)", which no machine can order.
func ParseRange(s string) (Range, error) {
	r := Range{raw: s}
	body := strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(strings.ToLower(body), "vers:"); ok {
		i := strings.IndexByte(rest, '/')
		if i < 0 {
			return Range{}, fmt.Errorf("parse range %q: vers without a scheme", truncate(s, 80))
		}
		body = strings.TrimSpace(body[len("vers:")+i+1:])
	}
	if body == "*" || strings.EqualFold(body, "all") || strings.EqualFold(body, "all versions") {
		r.all = true
		return r, nil
	}
	type cons struct {
		op string
		v  Version
	}
	var cs []cons
	for part := range strings.SplitSeq(body, "|") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		op := ""
		for _, o := range []string{"<=", ">=", "!=", "<", ">", "="} {
			if strings.HasPrefix(part, o) {
				op = o
				break
			}
		}
		vs := strings.TrimSpace(part[len(op):])
		if op == "" {
			op = "="
		}
		if err := checkMachineVersion(vs); err != nil {
			return Range{}, fmt.Errorf("parse range %q: %w", truncate(s, 80), err)
		}
		cs = append(cs, cons{op, ParseVersion(vs)})
	}
	if len(cs) == 0 {
		return Range{}, fmt.Errorf("parse range %q: no constraints", truncate(s, 80))
	}
	slices.SortStableFunc(cs, func(a, b cons) int { return Compare(a.v, b.v) })
	var open *interval
	for _, c := range cs {
		switch c.op {
		case "=":
			r.exact = append(r.exact, c.v)
		case "!=":
			// vers allows exclusions; Vigil treats them as informational.
		case ">", ">=":
			if open != nil {
				r.intervals = append(r.intervals, open.finish())
			}
			open = &interval{lo: c.v, loIncl: c.op == ">=", hasLo: true}
		case "<", "<=":
			if open == nil {
				open = &interval{}
			}
			open.hi, open.hiIncl, open.hasHi = c.v, c.op == "<=", true
			r.intervals = append(r.intervals, open.finish())
			open = nil
		}
	}
	if open != nil {
		r.intervals = append(r.intervals, open.finish())
	}
	return r, nil
}

// checkMachineVersion rejects prose where a version should be.
func checkMachineVersion(v string) error {
	if v == "" {
		return fmt.Errorf("empty version")
	}
	if strings.ContainsAny(v, "<>=") {
		return fmt.Errorf("version %q holds a second operator", truncate(v, 40))
	}
	if strings.ContainsAny(v, "()") {
		return fmt.Errorf("version %q has a parenthesised note", truncate(v, 40))
	}
	for _, t := range Tokens(v) {
		switch t {
		case "january", "february", "march", "april", "may", "june", "july", "august",
			"september", "october", "november", "december", "with", "on", "and", "prior", "distributed", "integrated", "windows":
			return fmt.Errorf("version %q is prose, not a version", truncate(v, 40))
		}
	}
	return nil
}

// Contains reports whether version v is in the range.
func (r Range) Contains(v Version) bool {
	if r.all {
		return true
	}
	for _, e := range r.exact {
		if PatternMatches(e, v) {
			return true
		}
	}
	for _, iv := range r.intervals {
		if iv.contains(v) {
			return true
		}
	}
	return false
}

func (iv interval) contains(v Version) bool {
	if iv.hasLo {
		c := Compare(v, iv.lo)
		if c < 0 || c == 0 && !iv.loIncl && !iv.loWild {
			return false
		}
	}
	if iv.hasHi {
		if iv.hiWild {
			// "<= 12.2.x" covers all of 12.2.*; "< 3.x" means below 3.
			hi := stripWildcard(iv.hi)
			if iv.hiIncl && PatternMatches(iv.hi, v) {
				return true
			}
			return Compare(v, hi) < 0
		}
		c := Compare(v, iv.hi)
		if c > 0 || c == 0 && !iv.hiIncl {
			return false
		}
	}
	return true
}

func stripWildcard(v Version) Version {
	out := Version{raw: v.raw}
	for _, s := range v.segs {
		if s.kind == segWord && s.word == "x" {
			break
		}
		out.segs = append(out.segs, s)
	}
	return out
}
