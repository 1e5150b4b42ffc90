package vigil_test

import (
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
)

func TestParsePeriod(t *testing.T) {
	day := func(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }
	tests := []struct {
		in       string
		from, to time.Time
		bad      bool
	}{
		{in: "2026-01-01", from: day("2026-01-01")},
		{in: "2026-01-01..2026-03-31", from: day("2026-01-01"), to: day("2026-04-01").Add(-time.Nanosecond)},
		{in: "2026-01-01T08:00:00Z..2026-01-01T09:00:00Z", from: day("2026-01-01").Add(8 * time.Hour), to: day("2026-01-01").Add(9 * time.Hour)},
		{in: "2026-03-31..2026-01-01", bad: true},
		{in: "2026-01-01..", bad: true},
		{in: "..2026-01-01", bad: true},
		{in: "yesterday", bad: true},
	}
	for _, tt := range tests {
		from, to, err := vigil.ParsePeriod(tt.in)
		if tt.bad {
			if err == nil {
				t.Errorf("ParsePeriod(%q) = %v, %v; want an error", tt.in, from, to)
			}
			continue
		}
		if err != nil || !from.Equal(tt.from) || !to.Equal(tt.to) {
			t.Errorf("ParsePeriod(%q) = %v, %v, %v; want %v, %v", tt.in, from, to, err, tt.from, tt.to)
		}
	}
}

func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2026-01-01", "2026-01-01..2026-12-31", "2026-01-01T00:00:00Z..", "..", "2026-13-01", "2026-01-01..2025-01-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		from, to, err := vigil.ParsePeriod(s)
		if err != nil {
			if vigil.ErrorCode(err) != vigil.EINVALID {
				t.Fatalf("ParsePeriod(%q): error code %s", s, vigil.ErrorCode(err))
			}
			return
		}
		if !to.IsZero() && to.Before(from) {
			t.Fatalf("ParsePeriod(%q) = %v..%v: ends before it starts", s, from, to)
		}
	})
}

func TestEvidenceValidateAndDigest(t *testing.T) {
	e := &vigil.Evidence{Title: " Access review ", Key: "ab", Areas: []vigil.EvidenceArea{"training", "governance", "training"},
		Controls: []vigil.ControlRef{{Framework: "hipaa", Control: "164.308(a)(5)"}, {Framework: "csf2", Control: "PR.AT-01"}},
		Devices:  []int64{3, 1, 3}, EffectiveFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	if e.Title != "Access review" || len(e.Areas) != 2 || e.Areas[0] != "governance" || len(e.Devices) != 2 || e.Controls[0].Framework != "csf2" {
		t.Fatalf("not normalised: %+v", e)
	}
	d := e.Digest()
	c := *e
	c.Title = "Access reviews"
	if c.Digest() == d {
		t.Error("changing the title kept the digest")
	}
	c = *e
	c.EffectiveFrom = c.EffectiveFrom.In(time.FixedZone("x", 3600))
	if c.Digest() != d {
		t.Error("the same instant in another zone changed the digest")
	}
	for _, bad := range []vigil.Evidence{
		{Title: "", Areas: []vigil.EvidenceArea{"training"}},
		{Title: "x"},
		{Title: "x", Areas: []vigil.EvidenceArea{"finance"}},
		{Title: "x", Areas: []vigil.EvidenceArea{"training"}, Devices: []int64{0}},
	} {
		if err := bad.Validate(); err == nil {
			t.Errorf("Validate(%+v) passed", bad)
		}
	}
}
