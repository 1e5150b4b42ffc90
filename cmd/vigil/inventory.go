package main

func inventoryCommand() *command {
	return &command{
		name:    "inventory",
		summary: "list, show, export the inventory; discrepancies, conflicts, precedence",
		about: "The device inventory Vigil builds from every source: list and show devices, export " +
			"them, review where the sources disagree and the identity conflicts, and set what a " +
			"person decides (a field by hand, a source's role, the per-field precedence).",
		examples: []string{
			"vigil inventory list --type infusion-pump --format csv",
			"vigil inventory show CE100002",
			"vigil inventory discrepancies --kind field-conflict",
		},
		subs: []*command{
			{
				name:    "list",
				summary: "list devices (filters: --q --type --site --criticality --source --discrepancy --ephi --at)",
				usage:   []string{"[--q TEXT] [--type T] [--site ID] [--criticality C] [--source S] [--discrepancy KIND] [--ephi true|false] [--at DATE] [--limit N] [--format table|json|csv]"},
				about: "Lists the devices of the inventory, filtered, with their identifiers, type, " +
					"location, criticality and whether they hold ePHI. --at rebuilds the inventory " +
					"as it stood at a date.",
				examples: []string{
					"vigil inventory list --type infusion-pump --source cmdb --format csv",
					"vigil inventory list --q 'Alaris' --site 1",
					"vigil inventory list --at 2026-06-30    # each device as it stood then",
				},
				run: invList,
			},
			{
				name:    "show",
				summary: "one device with what every source says about it",
				usage:   []string{"ID|ASSET_TAG [--format table|json]"},
				about: "Shows one device (by id, asset tag, serial, MAC or host name): every field's " +
					"chosen value, the source it came from and why, every source's value beside " +
					"it, and the device's open discrepancies.",
				examples: []string{
					"vigil inventory show CE100002",
					"vigil inventory show 42 --format json",
				},
				run: invShow,
			},
			{
				name:    "export",
				summary: "every device as CSV or JSON (--format, --out)",
				usage:   []string{"[--format csv|json|table] [--out FILE]"},
				about: "Writes every device, with its FDA class, as CSV (cells neutralised for " +
					"spreadsheets), JSON or a table, to standard output or a file, as the devices " +
					"are read.",
				examples: []string{
					"vigil inventory export --format csv --out inventory.csv",
					"vigil inventory export --format json > inventory.json",
				},
				run: invExport,
			},
			{
				name:    "discrepancies",
				summary: "where the sources disagree (--kind, --site, --all)",
				usage:   []string{"[--kind KIND] [--site ID] [--all] [--format table|json|csv]"},
				about: "Lists where the sources disagree: devices missing from a source, unmanaged, " +
					"stale, field conflicts, duplicates and identity conflicts. Acknowledged ones " +
					"are left out unless --all; each has a KEY for 'vigil inventory ack'.",
				examples: []string{
					"vigil inventory discrepancies --kind field-conflict --site 1",
					"vigil inventory discrepancies --format json",
				},
				run: invDiscrepancies,
			},
			{
				name:    "conflicts",
				summary: "the identity-conflict queue: records kept apart for a person to decide",
				usage:   []string{"[--format table|json]"},
				about: "Lists the pairs of records whose strong identifiers contradict, which Vigil " +
					"keeps apart until a person decides with 'vigil inventory decide'.",
				examples: []string{
					"vigil inventory conflicts",
					"vigil inventory conflicts --format json",
				},
				run: invConflicts,
			},
			{
				name:    "decide",
				summary: "settle an identity conflict: --same or --different, with --note",
				usage:   []string{"RECORD_A RECORD_B --same|--different [--note TEXT]"},
				about: "Settles an identity conflict between two records (as 'vigil inventory " +
					"conflicts' names them): the same device or different devices. The decision " +
					"is remembered, audited and the inventory re-resolved.",
				examples: []string{
					"vigil inventory decide 'cmms:CE100002' 'cmdb:CI004211' --same --note 'serial retyped in the CMDB'",
				},
				run: invDecide,
			},
			{
				name:    "ack",
				summary: "acknowledge a discrepancy with --note",
				usage:   []string{"KEY... --note TEXT"},
				about: "Acknowledges a discrepancy (KEY from 'vigil inventory discrepancies'), with " +
					"the reason it is acceptable; it is then left out of the list unless --all.",
				examples: []string{
					"vigil inventory ack KEY --note 'CMDB does not track standalone meters'",
				},
				run: invAck,
			},
			{
				name:    "set",
				summary: "set a device field by hand (e.g. device_type)",
				usage:   []string{"ID|ASSET_TAG FIELD VALUE"},
				about: "Sets a device field by hand, which takes precedence over every source; an " +
					"empty VALUE clears the hand-set value.",
				examples: []string{
					"vigil inventory set 42 device_type 'syringe pump'",
					"vigil inventory set CE100002 location ''    # clear the hand-set value",
				},
				run: invSet,
			},
			{
				name:    "precedence",
				summary: "show the per-field source precedence; --set FIELD=a,b,c changes one field",
				usage:   []string{"[--set FIELD=ENTRY,ENTRY,...] [--format table|json]"},
				about: "Shows which source wins each field, best first; --set changes one field's " +
					"order (source names, roles, kinds or 'newest') and re-resolves the inventory.",
				examples: []string{
					"vigil inventory precedence",
					"vigil inventory precedence --set firmware=manual,newest",
				},
				run: invPrecedence,
			},
			{
				name:    "role",
				summary: "set a source's role: clinical-engineering, it, scanner, network or other",
				usage:   []string{"SOURCE ROLE"},
				about: "Sets what a source is to the hospital (clinical-engineering, it, scanner, " +
					"network or other), which the precedence rules name, and re-resolves the " +
					"inventory.",
				examples: []string{
					"vigil inventory role cmms clinical-engineering",
				},
				run: invRole,
			},
		},
	}
}
