// Package match links devices and SBOM components to vulnerabilities: a
// firmware-aware version comparator, CPE 2.3 parsing and matching, vendor and
// product normalisation, purl matching and CSAF product-tree matching, all
// behind an Index built once and queried for many devices in parallel.
package match

import (
	"strings"
)

// Version is a parsed version string, ready for fast repeated comparison.
// Parse once with ParseVersion and compare with Compare.
type Version struct {
	raw  string
	segs []seg
}

// seg is one run of a version: a number or a word.
type seg struct {
	num  string // digits with leading zeros stripped; "" for a word
	word string // lower-case letters; "" for a number
	n    uint64 // num's value when it has at most 19 digits
	kind int8   // segNum, segPre, segWord, segPost
}

const (
	segPre  int8 = -1 // alpha, beta, rc, pre, dev, snapshot: before the release
	segNum  int8 = 0
	segWord int8 = 1 // a letter suffix or a Siemens-style letter (2.10a, VA40A)
	segPost int8 = 2 // build, hotfix, patch, sp, update, p, r: after the release
)

// wordKind classifies a word segment. Pre-release words sort before the
// release they qualify; post-release words after it. Single letters are
// neither: "2.10a" is a later build in firmware practice, not an alpha.
func wordKind(w string) int8 {
	switch w {
	case "alpha", "beta", "rc", "pre", "preview", "dev", "snapshot", "cr", "milestone", "ea":
		return segPre
	case "build", "hotfix", "hf", "patch", "p", "pl", "sp", "servicepack", "service", "pack", "update", "u",
		"fix", "final", "ga", "release", "r", "rev", "revision":
		return segPost
	}
	return segWord
}

// String returns the version as given.
func (v Version) String() string { return v.raw }

// IsZero reports whether v was parsed from an empty string.
func (v Version) IsZero() bool { return len(v.segs) == 0 }

// ParseVersion splits s into numeric and word segments. It never fails: any
// string has an order. A leading "v" or "r" before a digit is dropped
// ("V2.10a" = "2.10a", "R2.3" = "2.3"), and US dates "8/30/2024" are turned
// into "2024.8.30" so that they order by time.
func ParseVersion(s string) Version {
	v := Version{raw: s}
	s = strings.TrimSpace(s)
	s = usDate(s)
	if len(s) >= 2 && (s[0] == 'v' || s[0] == 'V' || s[0] == 'r' || s[0] == 'R') && s[1] >= '0' && s[1] <= '9' {
		s = s[1:]
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			j := i
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			n := strings.TrimLeft(s[i:j], "0")
			if n == "" {
				n = "0"
			}
			sg := seg{num: n, kind: segNum}
			if len(n) <= 19 {
				for k := 0; k < len(n); k++ {
					sg.n = sg.n*10 + uint64(n[k]-'0')
				}
			}
			v.segs = append(v.segs, sg)
			i = j
		case isLetter(c):
			j := i
			for j < len(s) && isLetter(s[j]) {
				j++
			}
			w := strings.ToLower(s[i:j])
			v.segs = append(v.segs, seg{word: w, kind: wordKind(w)})
			i = j
		default:
			i++ // separators: . - _ + space / and anything else
		}
	}
	return v
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// usDate rewrites m/d/yyyy to yyyy.m.d; anything else is returned unchanged.
func usDate(s string) string {
	parts := strings.Split(s, "/")
	if len(parts) != 3 || len(parts[2]) != 4 || len(parts[0]) == 0 || len(parts[0]) > 2 || len(parts[1]) == 0 || len(parts[1]) > 2 {
		return s
	}
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			if p[i] < '0' || p[i] > '9' {
				return s
			}
		}
	}
	return parts[2] + "." + parts[0] + "." + parts[1]
}

// CompareVersions parses and compares a and b: -1 if a < b, 0 if equal, +1 if a > b.
func CompareVersions(a, b string) int { return Compare(ParseVersion(a), ParseVersion(b)) }

// Compare orders two parsed versions: -1 if a < b, 0 if they are equal, +1 if a > b.
//
// Numbers compare numerically ("8.00.01" = "8.0.1", "12.3.0.1234" > "12.3.0.999");
// words compare alphabetically ("VA40A" < "VA40B" < "VB10A"); a pre-release word
// sorts before the release ("2.0-rc1" < "2.0"), a post-release word after it
// ("2.0.4-hotfix2" > "2.0.4", "3.1 build 5" > "3.1") but before the next number
// ("3.1 build 5" < "3.1.1"); missing trailing zeros do not count ("1.0" = "1.0.0").
func Compare(a, b Version) int {
	n := max(len(a.segs), len(b.segs))
	for i := 0; i < n; i++ {
		var x, y seg
		xok, yok := i < len(a.segs), i < len(b.segs)
		if xok {
			x = a.segs[i]
		}
		if yok {
			y = b.segs[i]
		}
		switch {
		case !yok:
			return tail(x)
		case !xok:
			return -tail(y)
		}
		if c := compareSeg(x, y); c != 0 {
			return c
		}
	}
	return 0
}

// tail is the sign an extra trailing segment gives its version against a
// version that has ended.
func tail(s seg) int {
	switch s.kind {
	case segNum:
		if s.num == "0" {
			return 0 // 1.0.0 == 1.0; later non-zero segments are compared in the next round
		}
		return 1
	case segPre:
		return -1
	}
	return 1
}

func compareSeg(x, y seg) int {
	if x.kind == segNum && y.kind == segNum {
		if len(x.num) <= 19 && len(y.num) <= 19 {
			return cmpUint(x.n, y.n)
		}
		return compareNum(x.num, y.num)
	}
	if x.kind != y.kind {
		// Rank: pre < number-less word/post < number. A number beats a word at
		// the same place (3.1.1 > 3.1build5, 2.10.1 > 2.10a); pre-release is lowest.
		return cmpInt(kindRank(x.kind), kindRank(y.kind))
	}
	return strings.Compare(x.word, y.word)
}

func kindRank(k int8) int {
	switch k {
	case segPre:
		return 0
	case segWord, segPost:
		return 1
	}
	return 2
}

func compareNum(a, b string) int {
	if len(a) != len(b) {
		return cmpInt(len(a), len(b))
	}
	return strings.Compare(a, b)
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// HasWildcard reports whether the version is a pattern such as "2.X" or
// "12.2.x.x": a trailing x segment stands for any value.
func HasWildcard(s string) bool { return ParseVersion(s).wildcard() }

func (v Version) wildcard() bool {
	return len(v.segs) > 1 && v.segs[len(v.segs)-1].word == "x"
}

// PatternMatches reports whether version v falls under pattern p: equal, or
// equal up to p's first "x"/"*" segment ("2.X" covers "2.0.4", "12.2.x.x" covers
// "12.2.1.5").
func PatternMatches(p, v Version) bool {
	for i, s := range p.segs {
		if s.word == "x" && s.kind == segWord {
			return true
		}
		if i >= len(v.segs) {
			// the pattern is longer: only trailing zeros or wildcards may remain
			for _, r := range p.segs[i:] {
				if !(r.kind == segNum && r.num == "0") && r.word != "x" {
					return false
				}
			}
			return true
		}
		if compareSeg(s, v.segs[i]) != 0 {
			return false
		}
	}
	for _, r := range v.segs[len(p.segs):] {
		if !(r.kind == segNum && r.num == "0") {
			return false
		}
	}
	return true
}
