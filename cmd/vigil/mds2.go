package main

import (
	vigil "github.com/vigil-health/vigil"
)

func mds2Command() *command {
	return &command{
		name:    "mds2",
		summary: "MDS2 disclosures: mds2 import FILE [--manufacturer M --model X], mds2 list, mds2 show ID",
		about: "Manufacturer Disclosure Statements for Medical Device Security (MDS2, ANSI/NEMA HN " +
			"1-2019): every question of a model's form kept, versions per model, and the facts " +
			"the checks read (see docs/mds2.md).",
		examples: []string{
			"vigil mds2 import infusion-pump-mds2.xlsx",
			"vigil mds2 list",
			"vigil mds2 show --device BME-00042",
		},
		subs: []*command{
			{
				name:    "import",
				summary: "import a manufacturer's MDS2 form (XLSX or CSV)",
				usage:   []string{"FILE [--manufacturer M] [--model X]"},
				about: "Imports a manufacturer's MDS2 form (XLSX or CSV); the flags replace the " +
					"form's DOC-1 (manufacturer) and DOC-3 (model) when they do not match the " +
					"inventory's names. A new form of a model is its next version.",
				examples: []string{
					"vigil mds2 import infusion-pump-mds2.xlsx",
					"vigil mds2 import mds2.csv --manufacturer 'Baxter' --model 'Sigma Spectrum'",
				},
				run:     mds2Import,
				creates: true,
			},
			{
				name:    "list",
				summary: "the forms on file, newest version of each model",
				usage:   []string{"[--all-versions] [--format table|json|csv]"},
				about:   "Lists the MDS2 forms on file, the newest version of each model unless --all-versions.",
				examples: []string{
					"vigil mds2 list",
					"vigil mds2 list --all-versions --format csv",
				},
				run: mds2List,
			},
			{
				name:    "show",
				summary: "one form: header, facts, answers",
				usage:   []string{"ID [--format table|json]", "--manufacturer M --model X [--format table|json]", "--device D [--format table|json]"},
				about:   "Shows one MDS2 form (by id, by model, or the form of a device's model): its header, the facts the checks read, and every answer.",
				examples: []string{
					"vigil mds2 show 3",
					"vigil mds2 show --manufacturer Baxter --model 'Sigma Spectrum' --format json",
					"vigil mds2 show --device BME-00042",
				},
				run: mds2Show,
			},
		},
	}
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
