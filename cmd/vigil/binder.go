package main

import "context"

const binderUsage = `usage: vigil binder --framework ID --out FILE.zip [--at DATE] [--key FILE]
       vigil binder verify FILE.zip [--key signing-key.pub]
  the first writes the auditor's binder of a framework: an offline HTML report, a PDF
  summary, the evidence, the inventory (XLSX), OSCAL assessment results and POA&M, and
  a manifest signed with the installation's key (see docs/binder.md);
  verify checks a binder's signature and every file's SHA-256, naming what changed.`

// runBinder dispatches "binder verify" and the export, which is the
// command without a subcommand.
func runBinder(ctx context.Context, m *Main, args []string) error {
	if len(args) > 0 && args[0] == "verify" {
		return binderVerify(ctx, m, args[1:])
	}
	return binderExport(ctx, m, args)
}
