package main

func vulnsCommand() *command {
	return &command{
		name:    "vulns",
		summary: "vulnerabilities matched to devices: vulns list, vulns show ID, vulns match",
		about: "The vulnerabilities Vigil knows from its feeds and SBOMs and the devices each is " +
			"matched to, with the basis and confidence of each match.",
		examples: []string{
			"vigil vulns list --affecting",
			"vigil vulns show CVE-2022-2119",
			"vigil vulns match",
		},
		subs: []*command{
			{
				name:    "list",
				summary: "vulnerabilities, those affecting most devices first",
				usage:   []string{"[--kev] [--affecting] [--q TEXT] [--at DATE] [--limit N] [--format table|json|csv]"},
				about: "Lists the vulnerabilities, those affecting most devices first, with CVSS, " +
					"KEV and EPSS; --at lists those matched to devices at a date.",
				examples: []string{
					"vigil vulns list --affecting --format table",
					"vigil vulns list --kev --q openssl --format csv",
					"vigil vulns list --at 2026-06-30",
				},
				run: vulnsList,
			},
			{
				name:    "show",
				summary: "scores by source, KEV, EPSS, affected devices and why",
				usage:   []string{"ID [--format table|json]"},
				about: "Shows one vulnerability (a CVE or another id or alias): every source's CVSS, " +
					"KEV, EPSS, and the devices it affects with the basis of each match.",
				examples: []string{
					"vigil vulns show CVE-2022-2119",
					"vigil vulns show CVE-2022-2119 --format json",
				},
				run: vulnsShow,
			},
			{
				name:    "match",
				summary: "match every device again",
				about: "Matches every device against every vulnerability again (imports and feed " +
					"updates do it by themselves) and reports the matches.",
				examples: []string{"vigil vulns match"},
				run:      vulnsMatch,
			},
		},
	}
}
