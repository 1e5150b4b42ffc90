package main

import (
	"context"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/catalog"
)

func controlsCommand() *command {
	return &command{
		name:    "controls",
		summary: "control frameworks: controls list, controls show ID, controls import FILE",
		about: "The control frameworks Vigil evaluates (HIPAA, the proposed HIPAA 2025 rule, NIST " +
			"CSF 2.0, HHS 405(d) HICP, the HPH CPGs, FDA 524B, and imported OSCAL catalogs), their " +
			"controls and crosswalks.",
		examples: []string{
			"vigil controls list --framework csf2",
			"vigil controls show hipaa:164.312(e)(1)",
			"vigil controls import sp800-53.json --id nist-53",
		},
		subs: []*command{
			{
				name:    "list",
				summary: "the frameworks, or one framework's controls",
				usage:   []string{"[--framework ID] [--format table|json]"},
				about:   "Lists the frameworks, or with --framework that framework's controls and their latest verdicts.",
				examples: []string{
					"vigil controls list",
					"vigil controls list --framework csf2 --format json",
				},
				run: controlsList,
			},
			{
				name:    "show",
				summary: "one control: parent, children, crosswalks, checks, attestations, latest verdict",
				usage:   []string{"FRAMEWORK:CONTROL [--limit N] [--format table|json]", "--framework ID CONTROL [--limit N] [--format table|json]"},
				about: "Shows one control (framework:control, or a control id with --framework): its " +
					"parent and children, crosswalks, the checks and attestations that decide it, " +
					"and its latest verdict with the failing devices.",
				examples: []string{
					"vigil controls show hipaa:164.312(e)(1)",
					"vigil controls show --framework csf2 PR.PS-02 --format json",
				},
				run: controlsShow,
			},
			{
				name:    "import",
				summary: "an OSCAL 1.x catalog (JSON) becomes a framework",
				usage:   []string{"FILE [--id ID]"},
				about: "Imports an OSCAL 1.x catalog (JSON) as a framework, with the id --id or the file's base name. " +
					"The file is held to limits as it is read, each raised by its flag: 32 MiB (a sixteenth of --max-file-bytes), " +
					"JSON nested 64 deep (--max-depth), 64 KiB in a string (--max-field-bytes), " +
					"62,500 controls and groups (a sixteenth of --max-rows).",
				examples: []string{
					"vigil controls import sp800-53.json --id nist-53",
				},
				run:     controlsImport,
				creates: true,
			},
		},
	}
}

// catalog returns the built-in frameworks with the imported ones, as the
// compliance service sees them.
func (c *invCmd) catalog(ctx context.Context) (*catalog.Catalog, error) {
	comp, err := c.m.compliance(c.db)
	if err != nil {
		return nil, err
	}
	return comp.Catalog(ctx)
}

// frameworkErr turns an unknown framework into an error that says where
// the ids are listed.
func frameworkErr(id string) error {
	return vigil.Errorf(vigil.ENOTFOUND, "no framework %q (see 'vigil controls list')", id)
}
