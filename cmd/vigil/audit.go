package main

func auditCommand() *command {
	return &command{
		name:    "audit",
		summary: "mock audits: audit mock --framework ID [--sample N] [--seed S], audit compare A B, audit list",
		about: "Mock audits: sample controls and devices as an auditor would, store the result, " +
			"and compare two audits of a framework. The tamper-evident audit trail is " +
			"'vigil audit-log'.",
		examples: []string{
			"vigil audit mock --framework hipaa --seed 7",
			"vigil audit compare 1 2",
			"vigil audit list --framework hipaa",
		},
		subs: []*command{
			{
				name:    "mock",
				summary: "sample controls and devices as an auditor would, and store the audit",
				usage:   []string{"--framework ID [--sample N] [--seed S] [--format table|json]"},
				about: "Runs a mock audit of an evaluated framework: samples controls and devices " +
					"(weighted towards high clinical risk) as an auditor would, asks for the " +
					"evidence of each, and stores the findings. The same seed over the same data " +
					"draws the same audit.",
				examples: []string{
					"vigil audit mock --framework hipaa --seed 7",
					"vigil audit mock --framework csf2 --sample 25 --format json",
				},
				run: runAuditMock,
			},
			{
				name:    "compare",
				summary: "what improved and what regressed between two mock audits",
				usage:   []string{"A B [--format table|json]"},
				about:   "Compares two mock audits of one framework (ids from 'vigil audit list'): what improved, what regressed.",
				examples: []string{
					"vigil audit compare 1 2",
				},
				run: runAuditCompare,
			},
			{
				name:    "list",
				summary: "the mock audits stored, newest first",
				usage:   []string{"[--framework ID] [--format table|json]"},
				about:   "Lists the mock audits stored, with their framework, seed, sample and result.",
				examples: []string{
					"vigil audit list",
					"vigil audit list --framework hipaa --format json",
				},
				run: runAuditList,
			},
		},
	}
}
