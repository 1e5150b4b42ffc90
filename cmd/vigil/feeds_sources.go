package main

import "github.com/vigil-health/vigil/internal/feeds"

// feedsSources lists the public feeds 'feeds update' can fetch.
func feedsSources(m *Main, args []string) error {
	fs := m.flagSet("feeds sources")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("feeds sources takes no arguments")
	}
	t := &table{header: []string{"NAME", "FORMAT", "URL", "NOTE"}}
	for _, s := range feeds.Sources() {
		t.add(s.Name, string(s.Format), s.URL, s.Note)
	}
	return t.writeText(m.Stdout)
}
