// Package classify says what kind of device a record describes (infusion
// pump, patient monitor, CT scanner, printer ...) from its model name,
// manufacturer, host name and the IEEE organisation of its MAC address, and
// what that kind implies: clinical criticality, typical FDA class, ePHI and
// patient connection. The taxonomy, the rules and the IEEE registry are
// embedded data files (taxonomy.tsv, rules.tsv, oui.tsv.gz) that can be
// edited or regenerated without touching the code.
package classify

import (
	_ "embed"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/vigil-health/vigil"
)

//go:embed taxonomy.tsv
var taxonomyTSV string

//go:embed rules.tsv
var rulesTSV string

// Type is one kind of device in the taxonomy.
type Type struct {
	Name             string            `json:"name"` // stable slug, e.g. "infusion-pump"
	Label            string            `json:"label"`
	Category         string            `json:"category"` // therapy, monitoring, imaging, laboratory, it, network ...
	Criticality      vigil.Criticality `json:"criticality"`
	FDAClass         string            `json:"fda_class"` // "I", "II", "III" or "" when not a medical device
	StoresEPHI       bool              `json:"stores_ephi"`
	SendsEPHI        bool              `json:"sends_ephi"`
	PatientConnected bool              `json:"patient_connected"`
}

// Tiers of evidence, tried in this order.
const (
	TierModel        = "model"
	TierManufacturer = "manufacturer"
	TierHostname     = "hostname"
	TierVendor       = "vendor"
)

// rule is one line of rules.tsv.
type rule struct {
	re *regexp.Regexp
	// lits are lower-case strings one of which any match must contain; the
	// regexp runs only when the text holds one. nil: always run it.
	lits []string
	typ  string // "" stops the tier
	conf float64
}

// Classifier infers device types. It is safe for concurrent use.
type Classifier struct {
	types  []Type
	byName map[string]int
	rules  map[string][]rule
	oui    *OUI

	// memo remembers the answer of each tier for texts seen before: a
	// hospital has hundreds of models but thousands of devices of each.
	// Host names are unique and not remembered.
	mu   sync.Mutex
	memo map[memoKey]match
}

// maxMemo bounds the memo; past it answers are computed every time.
const maxMemo = 20000

type memoKey struct{ tier, text string }

// match is one tier's answer: the rule that matched (-1 for none) and the
// text it matched.
type match struct {
	rule int
	hit  string
}

// New loads the embedded taxonomy, rules and IEEE registry.
func New() (*Classifier, error) {
	types, err := parseTaxonomy(taxonomyTSV, "taxonomy.tsv")
	if err != nil {
		return nil, err
	}
	c := &Classifier{types: types, byName: make(map[string]int, len(types)), memo: make(map[memoKey]match)}
	for i, t := range types {
		c.byName[t.Name] = i
	}
	if c.rules, err = parseRules(rulesTSV, "rules.tsv", c.byName); err != nil {
		return nil, err
	}
	if c.oui, err = LoadOUI(); err != nil {
		return nil, err
	}
	return c, nil
}

// Types returns the taxonomy in file order.
func (c *Classifier) Types() []Type { return append([]Type(nil), c.types...) }

// Type returns the type with the given name.
func (c *Classifier) Type(name string) (Type, bool) {
	i, ok := c.byName[name]
	if !ok {
		return Type{}, false
	}
	return c.types[i], true
}

// Vendor returns the IEEE organisation of a MAC address; see OUI.Vendor.
func (c *Classifier) Vendor(mac string) string { return c.oui.Vendor(mac) }

// Classify infers a device's type from, in order of trust, its model name
// (matched together with the manufacturer, "GE MAC 5500"), its
// manufacturer, its host name (domain dropped) and the IEEE organisation of
// its MAC (macVendor, see Vendor). The first tier with a matching rule
// decides. It returns the type, a confidence between 0 and 1 and a reason
// naming the evidence, or the zero Type, 0 and "" when nothing matches.
func (c *Classifier) Classify(manufacturer, model, hostname, macVendor string) (Type, float64, string) {
	host := strings.ToLower(strings.TrimSpace(hostname))
	if i := strings.IndexByte(host, '.'); i > 0 {
		host = host[:i]
	}
	evidence := []struct{ tier, text string }{
		{TierModel, strings.TrimSpace(manufacturer + " " + model)},
		{TierManufacturer, manufacturer},
		{TierHostname, host},
		{TierVendor, macVendor},
	}
	for _, e := range evidence {
		if e.tier == TierModel && strings.TrimSpace(model) == "" {
			continue // a manufacturer alone is the next tier's business
		}
		text := strings.TrimSpace(e.text)
		if text == "" {
			continue
		}
		m := c.match(e.tier, text)
		if m.rule < 0 {
			continue
		}
		r := c.rules[e.tier][m.rule]
		if r.typ == "" {
			continue // an ambiguous maker: this tier says nothing
		}
		t := c.types[c.byName[r.typ]]
		return t, r.conf, fmt.Sprintf("%s %q contains %q: %s", e.tier, text, m.hit, t.Label)
	}
	return Type{}, 0, ""
}

// match returns the first rule of a tier that matches text, remembered
// for every tier but host names.
func (c *Classifier) match(tier, text string) match {
	key := memoKey{tier, text}
	if tier != TierHostname {
		c.mu.Lock()
		m, ok := c.memo[key]
		c.mu.Unlock()
		if ok {
			return m
		}
	}
	m := match{rule: -1}
	lower := strings.ToLower(text)
	for i := range c.rules[tier] {
		r := &c.rules[tier][i]
		if !r.mayMatch(lower) {
			continue
		}
		if loc := r.re.FindStringIndex(text); loc != nil {
			m = match{rule: i, hit: text[loc[0]:loc[1]]}
			break
		}
	}
	if tier != TierHostname {
		c.mu.Lock()
		if len(c.memo) < maxMemo {
			c.memo[key] = m
		}
		c.mu.Unlock()
	}
	return m
}

// parseTaxonomy reads taxonomy.tsv.
func parseTaxonomy(data, name string) ([]Type, error) {
	var out []Type
	seen := make(map[string]bool)
	for n, line := range strings.Split(data, "\n") {
		if line = strings.TrimRight(line, "\r"); line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 8 {
			return nil, vigil.Errorf(vigil.EINVALID, "%s:%d: %d fields, want 8", name, n+1, len(f))
		}
		t := Type{Name: f[0], Label: f[1], Category: f[2], Criticality: vigil.Criticality(f[3])}
		if t.Criticality.Rank() == 0 {
			return nil, vigil.Errorf(vigil.EINVALID, "%s:%d: unknown criticality %q", name, n+1, f[3])
		}
		switch f[4] {
		case "I", "II", "III":
			t.FDAClass = f[4]
		case "none":
		default:
			return nil, vigil.Errorf(vigil.EINVALID, "%s:%d: FDA class %q is not I, II, III or none", name, n+1, f[4])
		}
		for i, dst := range []*bool{&t.StoresEPHI, &t.SendsEPHI, &t.PatientConnected} {
			switch f[5+i] {
			case "yes":
				*dst = true
			case "no":
			default:
				return nil, vigil.Errorf(vigil.EINVALID, "%s:%d: field %d is %q, want yes or no", name, n+1, 6+i, f[5+i])
			}
		}
		if seen[t.Name] {
			return nil, vigil.Errorf(vigil.EINVALID, "%s:%d: type %q listed twice", name, n+1, t.Name)
		}
		seen[t.Name] = true
		out = append(out, t)
	}
	return out, nil
}

// parseRules reads rules.tsv; every type it names must be in the taxonomy.
func parseRules(data, name string, types map[string]int) (map[string][]rule, error) {
	out := make(map[string][]rule)
	for n, line := range strings.Split(data, "\n") {
		if line = strings.TrimRight(line, "\r"); line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			return nil, vigil.Errorf(vigil.EINVALID, "%s:%d: %d fields, want 4", name, n+1, len(f))
		}
		switch f[0] {
		case TierModel, TierManufacturer, TierHostname, TierVendor:
		default:
			return nil, vigil.Errorf(vigil.EINVALID, "%s:%d: unknown tier %q", name, n+1, f[0])
		}
		re, err := regexp.Compile("(?i)" + f[1])
		if err != nil {
			return nil, vigil.WrapError(vigil.EINVALID, fmt.Sprintf("%s:%d: bad pattern", name, n+1), err)
		}
		conf, err := strconv.ParseFloat(f[3], 64)
		if err != nil || conf < 0 || conf > 1 {
			return nil, vigil.Errorf(vigil.EINVALID, "%s:%d: confidence %q is not a number from 0 to 1", name, n+1, f[3])
		}
		r := rule{re: re, lits: literals(f[1]), conf: conf}
		if f[2] != "-" {
			if _, ok := types[f[2]]; !ok {
				return nil, vigil.Errorf(vigil.EINVALID, "%s:%d: type %q is not in the taxonomy", name, n+1, f[2])
			}
			r.typ = f[2]
		}
		out[f[0]] = append(out[f[0]], r)
	}
	return out, nil
}
