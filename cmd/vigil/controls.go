package main

import (
	"context"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/catalog"
)

const controlsUsage = `usage: vigil controls COMMAND
  list [--framework ID] [--format table|json]   the frameworks, or one framework's controls
  show ID [--framework ID] [--format table|json] one control (framework:control, or a control id
                                                 with --framework): parent, children, crosswalks,
                                                 checks, attestations, latest verdict
  import FILE [--id ID]                          an OSCAL 1.x catalog (JSON) becomes a framework`

func runControls(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 {
		return usagef("%s", controlsUsage)
	}
	sub := map[string]func(context.Context, *Main, []string) error{
		"list": controlsList, "show": controlsShow, "import": controlsImport,
	}[args[0]]
	if sub == nil {
		return usagef("unknown controls command %q\n%s", args[0], controlsUsage)
	}
	return sub(ctx, m, args[1:])
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
