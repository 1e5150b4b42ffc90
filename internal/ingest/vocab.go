package ingest

import (
	"bufio"
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"

	"github.com/vigil-health/vigil"
)

// FieldObservedAt is a pseudo-field: a column mapped to it dates the record
// (Record.ObservedAt) instead of adding to Record.Fields.
const FieldObservedAt = "observed_at"

// FieldIgnore is what a map file gives a column to drop it.
const FieldIgnore = "ignore"

//go:embed headers.txt
var headersTxt string

//go:embed aliases.txt
var aliasesTxt string

// vocab is the parsed form of the embedded data files. It is built once and
// never changed afterwards.
type vocab struct {
	headers map[string]string            // folded header -> field
	rank    map[string]int               // folded header -> its place in headers.txt
	aliases map[string]map[string]string // field -> folded value -> canonical
}

// loadVocab parses the embedded tables once. A parse error is a bug in the
// data files; TestVocab catches it, and at run time it surfaces as an error.
var loadVocab = sync.OnceValues(func() (*vocab, error) {
	v := &vocab{headers: map[string]string{}, rank: map[string]int{}, aliases: map[string]map[string]string{}}
	if err := parseTable("headers.txt", headersTxt, func(line int, head, list string) error {
		field := strings.TrimSpace(head)
		if !isTargetField(field) || field == FieldIgnore {
			return fmt.Errorf("unknown field %q", field)
		}
		for _, syn := range strings.Split(list, "|") {
			k := foldKey(syn)
			if k == "" {
				continue
			}
			if old, ok := v.headers[k]; ok && old != field {
				return fmt.Errorf("header %q is listed for %s and %s", strings.TrimSpace(syn), old, field)
			}
			v.headers[k] = field
			v.rank[k] = len(v.rank)
		}
		return nil
	}); err != nil {
		return nil, err
	}
	if err := parseTable("aliases.txt", aliasesTxt, func(line int, head, list string) error {
		field, canon, ok := strings.Cut(head, ":")
		if !ok {
			return fmt.Errorf("want \"field: Canonical = alias | ...\"")
		}
		field, canon = strings.TrimSpace(field), strings.TrimSpace(canon)
		m := v.aliases[field]
		if m == nil {
			m = map[string]string{}
			v.aliases[field] = m
		}
		for _, a := range append(strings.Split(list, "|"), canon) {
			k := foldKey(a)
			if k == "" {
				continue
			}
			if old, ok := m[k]; ok && old != canon {
				return fmt.Errorf("%s alias %q is listed for %q and %q", field, strings.TrimSpace(a), old, canon)
			}
			m[k] = canon
		}
		return nil
	}); err != nil {
		return nil, err
	}
	return v, nil
})

// parseTable reads "head = a | b | c" lines, skipping blanks and # comments.
func parseTable(name, text string, fn func(line int, head, list string) error) error {
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		head, list, ok := strings.Cut(line, "=")
		if !ok {
			return fmt.Errorf("%s:%d: missing '='", name, n)
		}
		if err := fn(n, head, list); err != nil {
			return fmt.Errorf("%s:%d: %w", name, n, err)
		}
	}
	return sc.Err()
}

// isTargetField reports whether a column may be mapped to name.
func isTargetField(name string) bool {
	return vigil.IsField(name) || name == FieldObservedAt || name == FieldIgnore
}

// foldKey reduces a header or value to its comparison key: lower case,
// accents removed, '#' read as "no", everything but letters and digits dropped.
func foldKey(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
		if folded, _, err := transform.String(t, s); err == nil {
			s = folded
		}
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '#':
			b.WriteString("no")
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// HeaderField returns the canonical field a column header means by the
// built-in synonyms ("Serial No." -> "serial"), else by its words ("SW Rev"
// -> "firmware"), or "" when it is unknown.
func HeaderField(header string) string {
	v, err := loadVocab()
	if err != nil {
		return ""
	}
	if f, ok := v.headers[foldKey(header)]; ok {
		return f
	}
	return TokenField(header)
}
