package classify

import (
	"regexp/syntax"
	"strings"
)

// Go's regexp has no DFA: a rule with dozens of alternatives costs
// microseconds per text, and the model tier has hundreds. Most texts match
// none of them, so each rule first checks, with strings.Contains, for the
// literal text that every match must contain. That makes Classify about a
// hundred times faster without changing what matches.

// mayMatch reports whether the lower-cased text holds one of the rule's
// required literals, or the rule has none.
func (r *rule) mayMatch(lower string) bool {
	if r.lits == nil {
		return true
	}
	for _, l := range r.lits {
		if strings.Contains(lower, l) {
			return true
		}
	}
	return false
}

// literals returns lower-case strings of which every match of a
// case-insensitive pattern contains at least one, or nil when there are none
// to be had (the rule then always runs).
func literals(pattern string) []string {
	re, err := syntax.Parse(pattern, syntax.Perl|syntax.FoldCase)
	if err != nil {
		return nil
	}
	return required(re.Simplify())
}

// required returns a set of lower-case literals every match of re holds at
// least one of, preferring the set whose shortest member is longest; nil
// when there is none.
func required(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		return []string{strings.ToLower(string(re.Rune))}
	case syntax.OpCapture, syntax.OpPlus:
		return required(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return required(re.Sub[0])
		}
	case syntax.OpAlternate:
		var out []string
		for _, s := range re.Sub {
			l := required(s)
			if l == nil {
				return nil
			}
			out = append(out, l...)
		}
		return out
	case syntax.OpConcat:
		var best []string
		for _, s := range re.Sub {
			if l := required(s); shortest(l) > shortest(best) {
				best = l
			}
		}
		return best
	}
	return nil
}

// shortest returns the length of the shortest literal in a set, 0 for none.
func shortest(set []string) int {
	n := 0
	for i, s := range set {
		if i == 0 || len(s) < n {
			n = len(s)
		}
	}
	return n
}
