package main

func binderCommand() *command {
	return &command{
		name:    "binder",
		summary: "the auditor's binder: binder --framework ID --out FILE.zip [--at DATE], binder verify FILE.zip",
		usage: []string{
			"--framework ID --out FILE.zip [--at DATE] [--key FILE]",
			"verify FILE.zip [--key signing-key.pub]",
		},
		about: "Writes the auditor's binder of a framework: an offline HTML report, a PDF " +
			"summary, the evidence, the inventory (XLSX), OSCAL assessment results and POA&M, " +
			"and a manifest signed with the installation's key (see docs/binder.md). " +
			"'vigil binder verify' checks a binder's signature and every file's SHA-256.",
		examples: []string{
			"vigil binder --framework hipaa --out hipaa-2026-12.zip",
			"vigil binder --framework csf2 --out csf2-mid-year.zip --at 2026-06-30",
			"vigil binder verify hipaa-2026-12.zip",
		},
		run: binderExport,
		subs: []*command{
			{
				name:    "verify",
				summary: "check a binder's signature and every file's SHA-256, naming what changed",
				usage:   []string{"FILE.zip [--key signing-key.pub]"},
				about: "Checks a binder without the database: the manifest's signature, with the " +
					"public key given by --key (known out of band) or else the one inside the " +
					"binder, and every file's SHA-256. Exits 1 naming every changed, missing or " +
					"extra file.",
				examples: []string{
					"vigil binder verify hipaa-2026-12.zip",
					"vigil binder verify hipaa-2026-12.zip --key signing-key.pub",
				},
				run: binderVerify,
			},
		},
	}
}
