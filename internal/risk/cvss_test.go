package risk

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/feeds"
)

func TestBaseScore(t *testing.T) {
	tests := []struct {
		vector string
		want   float64
	}{
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8},
		{"CVSS:3.1/AV:A/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 7.5},
		{"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N", 7.5},
		{"CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N", 5.5},
		{"CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N", 5.4},
		{"CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:N", 0},
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O", 9.8},
		{"(AV:N/AC:L/Au:N/C:P/I:P/A:P)", 7.5}, // CISA prose wraps vectors in parentheses
		{"AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5},
		{"AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0},
		{"AV:L/AC:H/Au:S/C:N/I:P/A:N", 1.0},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10.0},
	}
	for _, tt := range tests {
		got, err := BaseScore(tt.vector)
		if err != nil {
			t.Errorf("BaseScore(%q): %v", tt.vector, err)
			continue
		}
		if got != tt.want {
			t.Errorf("BaseScore(%q) = %v, want %v", tt.vector, got, tt.want)
		}
	}
	for _, bad := range []string{"", "CVSS:3.1/AV:N", "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:9.9/AV:N", "CVSS:4.0/AV:N"} {
		if _, err := BaseScore(bad); err == nil {
			t.Errorf("BaseScore(%q) succeeded, want an error", bad)
		}
	}
}

// TestBaseScoreRealData recomputes every CVSS v2/v3 score in the real NVD and
// CSAF files from its vector and compares with the base the source states.
func TestBaseScoreRealData(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "realdata", "vuln")
	files, _ := filepath.Glob(filepath.Join(dir, "csaf-icsma", "*.json"))
	nvd, _ := filepath.Glob(filepath.Join(dir, "nvd-2.0", "*.json"))
	files = append(files, nvd...)
	if len(files) == 0 {
		t.Skip("real data not present")
	}
	checked := 0
	for _, f := range files {
		r, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		b, err := feeds.Parse(context.Background(), f, r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range b.Vulnerabilities {
			for _, s := range v.Scores {
				got, err := BaseScore(s.Vector)
				if err != nil {
					t.Errorf("%s %s: %v", filepath.Base(f), v.ID, err)
					continue
				}
				checked++
				if got != s.Base {
					t.Errorf("%s %s: %s gives %v, source says %v", filepath.Base(f), v.ID, s.Vector, got, s.Base)
				}
			}
		}
	}
	if checked < 400 {
		t.Errorf("checked only %d scores", checked)
	}
}

func TestBestScore(t *testing.T) {
	v := &vigil.Vulnerability{Scores: []vigil.Score{
		{Source: "nvd@nist.gov", Version: "2.0", Base: 10},
		{Source: "ics-cert@hq.dhs.gov", Version: "3.1", Base: 7.5},
		{Source: "nvd@nist.gov", Version: "3.1", Base: 9.8},
		{Source: "osv", Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N"},
	}}
	s, ok := BestScore(v)
	if !ok || s.Source != "nvd@nist.gov" || s.Base != 9.8 {
		t.Errorf("BestScore = %+v", s)
	}
	if _, ok := BestScore(&vigil.Vulnerability{}); ok {
		t.Error("BestScore of nothing succeeded")
	}
}

func FuzzBaseScore(f *testing.F) {
	for _, s := range []string{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "AV:N/AC:L/Au:N/C:P/I:P/A:P", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := BaseScore(s)
		if err == nil && (got < 0 || got > 10) {
			t.Fatalf("BaseScore(%q) = %v out of range", s, got)
		}
	})
}
