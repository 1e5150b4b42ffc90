package main

// gudidCommand is the FDA GUDID as reference data: import a release, look
// up a device identifier.
func gudidCommand() *command {
	return &command{
		name:    "gudid",
		summary: "FDA GUDID reference data: gudid import FILE, gudid show DI",
		about: "The FDA's Global Unique Device Identification Database names the company, brand and " +
			"model behind a UDI's device identifier. Imported, it shows beside every device whose UDI " +
			"it knows, as reference data that never overrides what the sources say.",
		examples: []string{
			"vigil gudid import gudid_device_full_release.xml",
			"vigil gudid show 00844588018923",
		},
		subs: []*command{
			{
				name:    "import",
				summary: "import GUDID device records from the FDA's device XML",
				usage:   []string{"FILE [--format table|json]"},
				about: "Reads a GUDID device XML release (AccessGUDID full or delta, openFDA's sample) as a stream, " +
					"one record at a time, and stores each record by its primary DI and package DIs, " +
					"in one transaction. Importing a release again changes only the records that changed. " +
					"A malformed file stops at the byte offset it names and stores nothing. " +
					"The file is held to limits as it streams, each raised by its flag: 512 MiB (--max-file-bytes), " +
					"1,000,000 records (--max-rows), 64 KiB in a text or attribute (--max-field-bytes), " +
					"16 MiB in a <device> record (--max-record-bytes), elements 64 deep (--max-depth).",
				examples: []string{
					"vigil gudid import gudid_device_test.xml",
				},
				run:     runGUDIDImport,
				creates: true,
			},
			{
				name:    "show",
				summary: "the GUDID record of a device identifier",
				usage:   []string{"DI [--format table|json]"},
				about:   "Shows the GUDID record a device identifier names, primary or package DI, in any form a label prints it (a GTIN, a UDI carrier).",
				examples: []string{
					"vigil gudid show 00844588018923",
					"vigil gudid show '(01)00844588018923(21)SN1' --format json",
				},
				run: runGUDIDShow,
			},
		},
	}
}
