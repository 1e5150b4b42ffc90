package main

import "github.com/vigil-health/vigil/internal/feeds"

// feedsSources lists the public feeds 'feeds update' can fetch.
func feedsSources(m *Main) error {
	t := &table{header: []string{"NAME", "FORMAT", "URL", "NOTE"}}
	for _, s := range feeds.Sources() {
		t.add(s.Name, string(s.Format), s.URL, s.Note)
	}
	return t.writeText(m.Stdout)
}
