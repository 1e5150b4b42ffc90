package store

import (
	"testing"

	vigil "github.com/vigil-health/vigil"
)

func TestOriginParse(t *testing.T) {
	p := originParser{}
	for text, want := range map[string]vigil.Origin{
		"cmms.csv:12":                   {File: "cmms.csv", Line: 12},
		"/data/it.xlsx[cmdb_ci]:10":     {File: "/data/it.xlsx", Sheet: "cmdb_ci", Row: 10},
		`C:\exports\cmms.csv:3`:         {File: `C:\exports\cmms.csv`, Line: 3},
		"capture mac:00:11:22:33:44:55": {File: "capture mac:00:11:22:33:44", Line: 55}, // prints the same
		"set by alice":                  {File: "set by alice"},
		"x.csv:0":                       {File: "x.csv:0"},
		"x.csv:+3":                      {File: "x.csv:+3"},
		"x.csv:03":                      {File: "x.csv:03"},
		"[s]:4":                         {File: "[s]", Line: 4},
		"":                              {},
	} {
		got := p.parse([]byte(text))
		if got != want || got.String() != text {
			t.Errorf("parse(%q) = %+v (%q), want %+v", text, got, got.String(), want)
		}
	}
	p = originParser{}
	a, b := p.parse([]byte("cmms.csv:1")), p.parse([]byte("cmms.csv:2"))
	if a.File != b.File || len(p) != 1 {
		t.Errorf("file names not shared: %d names", len(p))
	}
}

// FuzzOriginParse: whatever the stored text, the origin read back prints
// as that text.
func FuzzOriginParse(f *testing.F) {
	for _, s := range []string{"cmms.csv:12", "it.xlsx[cmdb_ci]:10", "a[b]c]:1", "::1", "x:9999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if got := (originParser{}).parse([]byte(text)); got.String() != text {
			t.Fatalf("parse(%q) prints as %q", text, got.String())
		}
	})
}
