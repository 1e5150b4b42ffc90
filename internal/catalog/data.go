package catalog

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"

	"go.yaml.in/yaml/v3"

	"github.com/vigil-health/vigil"
)

//go:embed data
var dataFS embed.FS

// builtinFrameworks lists the embedded framework files in the order Load
// returns them.
func builtinFrameworks() []string {
	return []string{"hipaa", "hipaa-2025-proposed", "csf2", "hicp", "hph-cpg", "fda-524b"}
}

// frameworkFile is the YAML form of a framework.
type frameworkFile struct {
	ID       string        `yaml:"id"`
	Title    string        `yaml:"title"`
	Version  string        `yaml:"version"`
	Source   string        `yaml:"source"`
	Proposed bool          `yaml:"proposed"`
	Note     string        `yaml:"note"`
	Controls []controlFile `yaml:"controls"`
}

// controlFile is the YAML form of a control.
type controlFile struct {
	ID          string   `yaml:"id"`
	Parent      string   `yaml:"parent"`
	Kind        string   `yaml:"kind"`
	Title       string   `yaml:"title"`
	Text        string   `yaml:"text"`
	Requirement string   `yaml:"requirement"`
	Tier        string   `yaml:"tier"`
	Withdrawn   bool     `yaml:"withdrawn"`
	Aliases     []string `yaml:"aliases"`
	Note        string   `yaml:"note"`
}

// crosswalkFile is the YAML form of a crosswalk.
type crosswalkFile struct {
	From       string     `yaml:"from"`
	To         string     `yaml:"to"`
	Version    string     `yaml:"version"`
	Basis      string     `yaml:"basis"`
	Source     string     `yaml:"source"`
	Derivation string     `yaml:"derivation"`
	Links      []linkFile `yaml:"links"`
}

// linkFile is the YAML form of one crosswalk link.
type linkFile struct {
	From  string   `yaml:"from"`
	Basis string   `yaml:"basis"`
	Via   []string `yaml:"via"`
	To    []string `yaml:"to"`
}

// decodeYAML decodes one embedded file strictly: an unknown key is an error,
// so a misspelt field cannot silently drop data.
func decodeYAML(name string, v any) error {
	b, err := dataFS.ReadFile(name)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("decode %s: %w", name, err)
	}
	return nil
}

// readFramework reads data/<id>.yaml.
func readFramework(id string) (*vigil.Framework, error) {
	name := path.Join("data", id+".yaml")
	var f frameworkFile
	if err := decodeYAML(name, &f); err != nil {
		return nil, err
	} else if f.ID != id {
		return nil, fmt.Errorf("%s: id %q, want %q", name, f.ID, id)
	}
	fw := &vigil.Framework{
		ID: f.ID, Title: f.Title, Version: f.Version, Source: f.Source,
		Proposed: f.Proposed, Note: f.Note,
		Controls: make([]vigil.Control, 0, len(f.Controls)),
	}
	for _, c := range f.Controls {
		fw.Controls = append(fw.Controls, vigil.Control{
			Framework: f.ID, ID: c.ID, Title: c.Title, Text: c.Text, Parent: c.Parent,
			Kind: vigil.ControlKind(c.Kind), Requirement: vigil.Requirement(c.Requirement),
			Tier: c.Tier, Withdrawn: c.Withdrawn, Aliases: c.Aliases, Note: c.Note,
		})
	}
	if err := fw.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return fw, nil
}

// readCrosswalks reads every data/crosswalks/*.yaml, sorted by name.
func readCrosswalks() ([]*Crosswalk, error) {
	names, err := fs.Glob(dataFS, "data/crosswalks/*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []*Crosswalk
	for _, name := range names {
		var f crosswalkFile
		if err := decodeYAML(name, &f); err != nil {
			return nil, err
		}
		cw := &Crosswalk{
			Name: path.Base(name), From: f.From, To: f.To, Version: f.Version,
			Basis: f.Basis, Source: f.Source, Derivation: f.Derivation,
		}
		for _, l := range f.Links {
			basis := l.Basis
			if basis == "" {
				basis = f.Basis
			}
			cw.Links = append(cw.Links, Link{From: l.From, To: l.To, Via: l.Via, Basis: basis})
		}
		out = append(out, cw)
	}
	return out, nil
}
