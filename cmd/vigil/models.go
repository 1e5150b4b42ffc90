package main

import "context"

const modelsUsage = `usage: vigil models list [--format table|json]
       vigil models set MANUFACTURER MODEL [--end-of-sale DATE] [--end-of-support DATE] [--end-of-patches DATE] [--source TEXT]
       vigil models import FILE
       vigil models unsupported [--at DATE] [--format table|json]`

// runModels runs the model register commands: end of sale, support and
// security patches per model, and the devices past them.
func runModels(ctx context.Context, m *Main, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "list":
			return runModelsList(ctx, m, args[1:])
		case "set":
			return runModelsSet(ctx, m, args[1:])
		case "import":
			return runModelsImport(ctx, m, args[1:])
		case "unsupported":
			return runModelsUnsupported(ctx, m, args[1:])
		}
	}
	return usagef("%s", modelsUsage)
}
