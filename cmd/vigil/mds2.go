package main

import (
	"context"

	vigil "github.com/vigil-health/vigil"
)

const mds2Usage = `usage: vigil mds2 COMMAND
  import FILE [--manufacturer M] [--model X]   a manufacturer's MDS2 form (ANSI/NEMA HN 1-2019, XLSX or
                                               CSV); the flags replace the form's DOC-1 and DOC-3
  list [--all-versions] [--format table|json|csv]   the forms on file, newest version of each model
  show ID | show --manufacturer M --model X | show --device D [--format table|json]
                                               one form: header, facts, answers`

func runMDS2(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 {
		return usagef("%s", mds2Usage)
	}
	sub := map[string]func(context.Context, *Main, []string) error{
		"import": mds2Import, "list": mds2List, "show": mds2Show,
	}[args[0]]
	if sub == nil {
		return usagef("unknown mds2 command %q\n%s", args[0], mds2Usage)
	}
	return sub(ctx, m, args[1:])
}

// mds2FactRows are the facts of a form as table rows: fact, answer and
// the question that decides it.
func mds2FactRows(f vigil.MDS2Facts) [][]string {
	return [][]string{
		{"encrypts at rest", string(f.EncryptsAtRest), vigil.MDS2QEncryptsAtRest},
		{"encrypts in transit", string(f.EncryptsInTransit), vigil.MDS2QEncryptsInTransit},
		{"unique user authentication", string(f.UniqueUserAuth), vigil.MDS2QUniqueUserAuth},
		{"audit logging", string(f.AuditLogging), vigil.MDS2QAuditLogging},
		{"remote service", string(f.RemoteService), vigil.MDS2QRemoteService},
		{"malware protection", string(f.MalwareProtection), vigil.MDS2QMalwareProtection},
		{"SBOM available", string(f.SBOMAvailable), vigil.MDS2QSBOMAvailable},
		{"patch support", string(f.PatchSupport), vigil.MDS2QPatchSupport},
	}
}
