package main

// modelsCommand is the model register: end of sale, support and security
// patches per model, and the devices past them.
func modelsCommand() *command {
	return &command{
		name:    "models",
		summary: "models and their end of life: models list, models set, models import FILE, models unsupported [--at DATE]",
		about: "The model register: each model's end of sale, end of support and end of security " +
			"patches, and the devices past them, which the checks read.",
		examples: []string{
			"vigil models import end_of_life.csv",
			"vigil models unsupported",
			"vigil models set 'GE Healthcare' 'Centricity PACS' --end-of-support 2026-12-31",
		},
		subs: []*command{
			{
				name:    "list",
				summary: "the models with their end-of-life dates",
				usage:   []string{"[--format table|json]"},
				about:   "Lists the models in the register with their end of sale, support and patches and where the dates come from.",
				examples: []string{
					"vigil models list",
					"vigil models list --format json",
				},
				run: runModelsList,
			},
			{
				name:    "set",
				summary: "set a model's end-of-life dates by hand",
				usage:   []string{"MANUFACTURER MODEL [--end-of-sale DATE] [--end-of-support DATE] [--end-of-patches DATE] [--source TEXT]"},
				about:   "Sets a model's end of sale, end of support and end of security patches, and where the dates come from.",
				examples: []string{
					"vigil models set 'GE Healthcare' 'Centricity PACS' --end-of-support 2026-12-31 --source 'GE letter 2025-03'",
				},
				run:     runModelsSet,
				creates: true,
			},
			{
				name:    "import",
				summary: "import end-of-life dates from a CSV or XLSX file",
				usage:   []string{"FILE"},
				about:   "Imports the end of sale, support and security patches of many models from a CSV or XLSX file, columns by their usual names.",
				examples: []string{
					"vigil models import end_of_life.csv",
				},
				run:     runModelsImport,
				creates: true,
			},
			{
				name:    "unsupported",
				summary: "the devices past end of support or of security patches",
				usage:   []string{"[--at DATE] [--format table|json]"},
				about:   "Lists the devices whose model is past end of support or of security patches, now or at a date.",
				examples: []string{
					"vigil models unsupported",
					"vigil models unsupported --at 2027-06-30 --format json",
				},
				run: runModelsUnsupported,
			},
		},
	}
}
