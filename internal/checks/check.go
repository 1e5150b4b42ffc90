// Package checks is Vigil's policy engine: device-level compliance checks
// written as YAML files holding CEL expressions, compiled once and evaluated
// against every device in parallel. It is pure: it reads plain data (a
// Subject per device, a Policy) and returns verdicts; the compliance service
// fills the subjects from the store and keeps the verdicts as evidence.
package checks

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	vigil "github.com/vigil-health/vigil"
)

// Severity is how bad a failing check is.
type Severity string

// The severities, least to most severe.
const (
	SeverityLow      Severity = "low"
	SeverityMedium   Severity = "medium"
	SeverityHigh     Severity = "high"
	SeverityCritical Severity = "critical"
)

// Valid reports whether s is a known severity.
func (s Severity) Valid() bool {
	switch s {
	case SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical:
		return true
	}
	return false
}

// controlPatterns returns the shape of each framework's control ids:
// hipaa a CFR cite (164.312(e)(1)), csf2 a subcategory (PR.DS-02), hicp a
// sub-practice (9.M.E), hph-cpg a goal (HPH-CPG-X17), fda-524b a duty of
// §524B (524B-b3).
func controlPatterns() map[string]*regexp.Regexp {
	return map[string]*regexp.Regexp{
		"hipaa":    regexp.MustCompile(`^164\.3(06|08|10|12|14|16)(\([a-zA-Z0-9]+\)){1,4}$`),
		"csf2":     regexp.MustCompile(`^(GV|ID|PR|DE|RS|RC)\.[A-Z]{2}-[0-9]{2}$`),
		"hicp":     regexp.MustCompile(`^[0-9]{1,2}\.[SML]\.[A-Z]$`),
		"hph-cpg":  regexp.MustCompile(`^HPH-CPG-(E0[1-9]|E10|X1[1-9]|X20)$`),
		"fda-524b": regexp.MustCompile(`^524B-(a|b[1-4]|b2[AB]|c|d)$`),
	}
}

// Check is one device-level compliance check as its file states it.
type Check struct {
	ID          string
	Title       string
	Description string
	Controls    []vigil.ControlRef // the controls the check evidences
	// AppliesTo is a CEL bool filter; empty applies the check to every device.
	AppliesTo string
	// Expr is a CEL bool: true when the device passes.
	Expr string
	// Reason is an optional CEL string explaining a failure.
	Reason string
	// Reads names the variables the expressions read (see Variables).
	Reads       []string
	Severity    Severity
	Remediation string
	// File is the name the check was parsed from.
	File string

	pos        map[string]scalarPos // where applies_to, expr and reason sit in File
	controlPos []filePos            // where each of Controls sits in File
}

// filePos is a line and column in a check's file.
type filePos struct{ line, column int }

// FileError is a check file Parse refused: the file, the line and column
// in it, the key whose value is wrong, and why.
type FileError struct {
	File   string
	Line   int
	Column int
	Field  string // "expr", "applies_to", ...; "" for a YAML syntax error
	Reason string
}

// Error returns file:line:column: field: reason.
func (e *FileError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// Parse reads one check file and type-checks its expressions. A YAML error,
// a missing or unknown key, a CEL syntax or type error, an expression of
// the wrong type or a variable missing from reads is refused with a
// *FileError naming the line and column in the file.
func Parse(name string, data []byte) (*Check, error) {
	env, err := newEnv()
	if err != nil {
		return nil, fmt.Errorf("checks: environment: %w", err)
	}
	c, err := parseYAML(name, data)
	if err != nil {
		return nil, err
	}
	if _, err := compileCheck(env, c); err != nil {
		return nil, err
	}
	return c, nil
}

// parseYAML decodes and validates the YAML part of a check file, keeping
// the position of every expression.
func parseYAML(name string, data []byte) (*Check, error) {
	fail := func(n *yaml.Node, field, format string, args ...any) error {
		e := &FileError{File: name, Field: field, Reason: fmt.Sprintf(format, args...)}
		if n != nil {
			e.Line, e.Column = n.Line, n.Column
		}
		return e
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line, reason := yamlErrorLine(err)
		return nil, &FileError{File: name, Line: line, Reason: reason}
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fail(&doc, "", "a check file is one YAML mapping")
	}
	root := doc.Content[0]
	c := &Check{File: name, pos: map[string]scalarPos{}}
	seen := map[string]*yaml.Node{}
	lines := strings.Split(string(data), "\n")
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		key := k.Value
		if seen[key] != nil {
			return nil, fail(k, key, "duplicate key (first on line %d)", seen[key].Line)
		}
		seen[key] = v
		str := func(dst *string) error {
			if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
				return fail(v, key, "must be a string")
			}
			*dst = v.Value
			return nil
		}
		var err error
		switch key {
		case "id":
			err = str(&c.ID)
		case "title":
			err = str(&c.Title)
		case "description":
			err = str(&c.Description)
		case "remediation":
			err = str(&c.Remediation)
		case "severity":
			var s string
			if err = str(&s); err == nil {
				c.Severity = Severity(s)
			}
		case "applies_to", "expr", "reason":
			var s string
			if err = str(&s); err == nil {
				c.pos[key] = newScalarPos(v, k.Column, lines)
				switch key {
				case "applies_to":
					c.AppliesTo = s
				case "expr":
					c.Expr = s
				default:
					c.Reason = s
				}
			}
		case "reads":
			if v.Kind != yaml.SequenceNode {
				return nil, fail(v, key, "must be a list of variable names")
			}
			for _, r := range v.Content {
				if r.Kind != yaml.ScalarNode || !slices.Contains(Variables(), r.Value) {
					return nil, fail(r, key, "unknown variable %q (known: %s)", r.Value, strings.Join(Variables(), ", "))
				}
				c.Reads = append(c.Reads, r.Value)
			}
		case "controls":
			err = parseControls(c, v, fail)
		default:
			return nil, fail(k, key, "unknown key")
		}
		if err != nil {
			return nil, err
		}
	}
	switch {
	case !regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,63}$`).MatchString(c.ID):
		return nil, fail(nodeOr(seen["id"], root), "id", "an id is 1 to 64 lower-case letters, digits and dashes")
	case strings.TrimSpace(c.Title) == "":
		return nil, fail(nodeOr(seen["title"], root), "title", "a check needs a title")
	case strings.TrimSpace(c.Expr) == "":
		return nil, fail(nodeOr(seen["expr"], root), "expr", "a check needs an expression")
	case !c.Severity.Valid():
		return nil, fail(nodeOr(seen["severity"], root), "severity", "must be low, medium, high or critical, not %q", c.Severity)
	case len(c.Controls) == 0:
		return nil, fail(nodeOr(seen["controls"], root), "controls", "a check names at least one control it evidences")
	case len(c.Reads) == 0:
		return nil, fail(nodeOr(seen["reads"], root), "reads", "a check lists the variables it reads")
	}
	return c, nil
}

func parseControls(c *Check, v *yaml.Node, fail func(*yaml.Node, string, string, ...any) error) error {
	if v.Kind != yaml.SequenceNode {
		return fail(v, "controls", "must be a list of {framework, control}")
	}
	pats := controlPatterns()
	for _, n := range v.Content {
		var ctl vigil.ControlRef
		if n.Kind != yaml.MappingNode {
			return fail(n, "controls", "must be a list of {framework, control}")
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			switch k.Value {
			case "framework":
				ctl.Framework = val.Value
			case "control":
				ctl.Control = val.Value
			default:
				return fail(k, "controls", "unknown key %q", k.Value)
			}
		}
		pat, ok := pats[ctl.Framework]
		switch {
		case !ok:
			return fail(n, "controls", "unknown framework %q (known: csf2, fda-524b, hicp, hipaa, hph-cpg)", ctl.Framework)
		case !pat.MatchString(ctl.Control):
			return fail(n, "controls", "%q is not a %s control id", ctl.Control, ctl.Framework)
		}
		c.Controls = append(c.Controls, ctl)
		c.controlPos = append(c.controlPos, filePos{n.Line, n.Column})
	}
	return nil
}

func nodeOr(n, def *yaml.Node) *yaml.Node {
	if n != nil {
		return n
	}
	return def
}

// yamlErrorLine takes the line number out of a go-yaml error message
// ("yaml: line 4: mapping values are not allowed in this context").
func yamlErrorLine(err error) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	var line int
	if _, scanErr := fmt.Sscanf(msg, "line %d:", &line); scanErr == nil {
		if i := strings.Index(msg, ": "); i >= 0 {
			msg = msg[i+2:]
		}
	}
	return line, "YAML: " + msg
}
