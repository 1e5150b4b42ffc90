package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/checks"
)

func policyCommand() *command {
	return &command{
		name:    "policy",
		summary: "the checks' policy parameters: policy show, policy set FILE",
		about: "The parameters the checks read: patch windows, CVSS and SSVC thresholds, allowed " +
			"internet peers, clinical segments and the like.",
		examples: []string{
			"vigil policy show --format yaml",
			"vigil policy set policy.yaml",
		},
		subs: []*command{
			{
				name:    "show",
				summary: "the policy the checks read",
				usage:   []string{"[--format json|yaml]"},
				about:   "Prints the policy the checks read; clinical_segments includes the segments designated clinical.",
				examples: []string{
					"vigil policy show",
					"vigil policy show --format yaml > policy.yaml",
				},
				run: policyShow,
			},
			{
				name:    "set",
				summary: "replace it from a YAML or JSON file",
				usage:   []string{"FILE"},
				about: "Replaces the policy from a YAML or JSON file; keys left out take their defaults. The controls are evaluated again. " +
					"The file is read whole: no more than --max-record-bytes of it (default 16MiB).",
				examples: []string{
					"vigil policy set policy.yaml",
				},
				run:     policySet,
				creates: true,
			},
		},
	}
}

func policyShow(ctx context.Context, m *Main, args []string) error {
	c, pos, err := openInv(ctx, m, "policy show", args, []string{"json", "yaml"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) > 0 {
		return usagef("usage: vigil policy show [--format json|yaml]")
	}
	comp, err := m.compliance(c.db)
	if err != nil {
		return err
	}
	p, err := comp.StoredPolicy(ctx)
	if err != nil {
		return err
	}
	if c.format == "json" {
		return writeJSONOut(m.Stdout, p)
	}
	return writeYAML(m, p)
}

// writeYAML writes v as block-style YAML under its JSON names.
func writeYAML(m *Main, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var n yaml.Node
	if err := yaml.Unmarshal(b, &n); err != nil {
		return err
	}
	var block func(*yaml.Node)
	block = func(n *yaml.Node) {
		n.Style &^= yaml.FlowStyle | yaml.DoubleQuotedStyle
		for _, c := range n.Content {
			block(c)
		}
	}
	block(&n)
	enc := yaml.NewEncoder(m.Stdout)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return err
	}
	return enc.Close()
}

func policySet(ctx context.Context, m *Main, args []string) error {
	var lim *bound.Limits
	c, pos, err := openInv(ctx, m, "policy set", args, []string{"table"}, func(fs *flag.FlagSet) { lim = wholeFileFlags(fs) })
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 {
		return usagef("usage: vigil policy set FILE")
	}
	p, err := readPolicy(pos[0], lim)
	if err != nil {
		return err
	}
	comp, err := m.compliance(c.db)
	if err != nil {
		return err
	}
	if err := comp.SetPolicy(ctx, m.actor(), p); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "policy set from %s; every framework evaluated again\n", pos[0])
	return nil
}

// policyKeys are the keys of a policy file.
const policyKeys = "max_open_days, cvss_threshold, ssvc_threshold, allowed_internet, clinical_segments, max_unseen_days"

// readPolicy reads a policy file, YAML or JSON, under the JSON names of
// checks.Policy; keys it leaves out keep the defaults, unknown keys are
// refused. It reads no more of the file than l.RecordBytes (readWhole).
func readPolicy(path string, l *bound.Limits) (checks.Policy, error) {
	p := checks.DefaultPolicy()
	data, err := readWhole(path, l)
	if err != nil {
		return p, err
	}
	var doc any
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return p, vigil.Errorf(vigil.EINVALID, "%s: %s", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	b, err := json.Marshal(doc)
	if _, ok := doc.(map[string]any); !ok || err != nil {
		return p, vigil.Errorf(vigil.EINVALID, "%s: not a policy: want a mapping of its keys (%s)", path, policyKeys)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te) && te.Field != "":
			// The policy key: go1.27 names the map key too
			// (max_open_days.critical), go1.26 only the field.
			key, _, _ := strings.Cut(te.Field, ".")
			return p, vigil.Errorf(vigil.EINVALID, "%s: %s: want %s, not %s", path, key, te.Type, te.Value)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return p, vigil.Errorf(vigil.EINVALID, "%s: unknown key %s (the keys: %s)", path, strings.TrimPrefix(err.Error(), "json: unknown field "), policyKeys)
		}
		return p, vigil.Errorf(vigil.EINVALID, "%s: not a policy: %s", path, strings.TrimPrefix(err.Error(), "json: "))
	}
	return p, nil
}
