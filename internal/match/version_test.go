package match

import (
	"testing"
)

func TestCompareVersions(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		// plain dotted numbers
		{"1.0", "1.0", 0},
		{"1.0", "1.0.0", 0},
		{"1.0.0.0", "1", 0},
		{"1.0", "1.0.1", -1},
		{"1.2", "1.10", -1},
		{"8.00.01", "8.0.1", 0},
		{"8.00.01", "8.00.02", -1},
		{"12.3.0.1234", "12.3.0.999", 1},
		{"12.3.0.1234", "12.3.1", -1},
		{"3.6.6", "3.6.7", -1},
		{"3.6.7", "3.6.7", 0},
		{"4.2", "4.3", -1},
		{"9.33.1", "9.33", 1},
		{"99999999999999999999", "99999999999999999998", 1},
		// letter suffixes and prefixes
		{"V2.10a", "2.10a", 0},
		{"V2.10a", "V2.10", 1},
		{"V2.10a", "V2.10b", -1},
		{"V2.10a", "V2.11", -1},
		{"2.10a", "2.10.1", -1},
		{"v1.2", "1.2", 0},
		{"R2.3", "2.3", 0},
		{"R2.3", "R2.4", -1},
		{"R4.1L1", "R4.1", 1},
		// Siemens syngo style
		{"VA40A", "VA40B", -1},
		{"VA40B", "VB10A", -1},
		{"VB10A", "VA40A", 1},
		{"VA40A", "va40a", 0},
		{"VE11C", "VE11B", 1},
		// Philips style
		{"B.06.18", "B.12", -1},
		{"C.00.04", "B.12", 1},
		// builds, hotfixes, pre-releases
		{"3.1 build 5", "3.1", 1},
		{"3.1 build 5", "3.1 build 6", -1},
		{"3.1 build 5", "3.1.1", -1},
		{"3.1 Build 5", "3.1 build 5", 0},
		{"2.0.4-hotfix2", "2.0.4", 1},
		{"2.0.4-hotfix2", "2.0.4-hotfix10", -1},
		{"2.0.4-hotfix2", "2.0.5", -1},
		{"2.0-rc1", "2.0", -1},
		{"2.0-rc1", "2.0-rc2", -1},
		{"2.0-beta", "2.0-rc1", -1},
		{"2.0-alpha", "2.0-beta", -1},
		{"1.8.4 Service Pack 01", "1.8.4", 1},
		{"2023.3_Build_9342", "2023.3_Build_9343", -1},
		{"5.17.1-754993421", "5.17.1", 1},
		// dates
		{"2024-05-01", "2024-04-30", 1},
		{"2024-05-01", "2024-05-01", 0},
		{"20240501", "20240430", 1},
		{"8/30/2024", "2024.8.30", 0},
		{"8/30/2024", "9/1/2024", -1},
		{"12/31/2023", "1/1/2024", -1},
		// empties and oddities
		{"", "", 0},
		{"", "1", -1},
		{"0", "", 0},
		{"...", "", 0},
		{"abc", "abd", -1},
		{"1.0-ß", "1.0", 0},
	}
	for _, tt := range tests {
		if got := CompareVersions(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := CompareVersions(tt.b, tt.a); got != -tt.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d (antisymmetry)", tt.b, tt.a, got, -tt.want)
		}
	}
}

func TestCompareTransitive(t *testing.T) {
	ordered := []string{"1.0-alpha", "1.0-beta", "1.0-rc1", "1.0", "1.0a", "1.0 build 3", "1.0.1", "1.2", "1.10", "2.0.4", "2.0.4-hotfix2", "2.0.5"}
	for i := range ordered {
		for j := range ordered {
			want := cmpInt(i, j)
			if got := CompareVersions(ordered[i], ordered[j]); got != want {
				t.Errorf("CompareVersions(%q, %q) = %d, want %d", ordered[i], ordered[j], got, want)
			}
		}
	}
}

func TestPatternMatches(t *testing.T) {
	tests := []struct {
		p, v string
		want bool
	}{
		{"2.X", "2.0.4", true},
		{"2.X", "2", true},
		{"2.x", "3.0", false},
		{"12.2.x.x", "12.2.1.5", true},
		{"12.2.x.x", "12.3.1.5", false},
		{"4.3", "4.3", true},
		{"4.3", "4.3.0", true},
		{"4.3.0", "4.3", true},
		{"4.3", "4.3.1", false},
		{"4.3.1", "4.3", false},
	}
	for _, tt := range tests {
		if got := PatternMatches(ParseVersion(tt.p), ParseVersion(tt.v)); got != tt.want {
			t.Errorf("PatternMatches(%q, %q) = %v, want %v", tt.p, tt.v, got, tt.want)
		}
	}
}

func TestParseRange(t *testing.T) {
	tests := []struct {
		r       string
		in, out []string
		fixedIn string
	}{
		{"<= 4.2", []string{"4.2", "4.1.9", "1"}, []string{"4.3", "4.2.1"}, ""},
		{"< 3.6.7", []string{"3.6.6", "3.0"}, []string{"3.6.7", "3.6.8"}, "3.6.7"},
		{"vers:generic/<3.6.7", []string{"3.6.6"}, []string{"3.6.7"}, "3.6.7"},
		{"vers:generic/>=1.0.0|<1.5.3", []string{"1.0.0", "1.5.2"}, []string{"0.9", "1.5.3"}, "1.5.3"},
		{">= 1.0.0  | <= 1.3.1", []string{"1.0.0", "1.3.1"}, []string{"0.9", "1.3.2"}, ""},
		{">= 1.3.3", []string{"1.3.3", "9"}, []string{"1.3.2"}, ""},
		{"< 3.x", []string{"2.9.9"}, []string{"3.0", "3.1"}, ""},
		{"<= 12.2.x.x", []string{"12.2.9.9", "12.1"}, []string{"12.3"}, ""},
		{"2.X", []string{"2.0", "2.5.1"}, []string{"1.9", "3.0"}, ""},
		{"vers:all/*", []string{"0", "99"}, nil, ""},
		{"<= 9.33.1", []string{"9.33.1", "9.33"}, []string{"9.33.2"}, ""},
		{"<= B.12", []string{"B.06.18"}, []string{"C.00.04"}, ""},
		{"<8/30/2024", []string{"8/29/2024", "1/1/2020"}, []string{"8/30/2024"}, "8/30/2024"},
		{"3.0|3.1", []string{"3.0", "3.1"}, []string{"3.2"}, ""},
	}
	for _, tt := range tests {
		r, err := ParseRange(tt.r)
		if err != nil {
			t.Errorf("ParseRange(%q): %v", tt.r, err)
			continue
		}
		for _, v := range tt.in {
			if !r.Contains(ParseVersion(v)) {
				t.Errorf("ParseRange(%q).Contains(%q) = false, want true", tt.r, v)
			}
		}
		for _, v := range tt.out {
			if r.Contains(ParseVersion(v)) {
				t.Errorf("ParseRange(%q).Contains(%q) = true, want false", tt.r, v)
			}
		}
		if got := r.FixedIn(); got != tt.fixedIn {
			t.Errorf("ParseRange(%q).FixedIn() = %q, want %q", tt.r, got, tt.fixedIn)
		}
	}
}

func TestParseRangeProse(t *testing.T) {
	for _, s := range []string{
		"<  july 1 2017",
		"9.x (with Wireless Battery Modules >= 22D19 | <= v22D28)",
		"<=11.2 on Windows 8.1 with IIS 7.5",
		"A10 < A11",
		"distributed  < april 1, 2018",
		"",
		"vers:nothing",
	} {
		if _, err := ParseRange(s); err == nil {
			t.Errorf("ParseRange(%q) succeeded, want an error", s)
		}
	}
}

func FuzzCompareVersions(f *testing.F) {
	for _, s := range []string{"8.00.01", "V2.10a", "VA40A", "3.1 build 5", "2.0.4-hotfix2", "12.3.0.1234", "R2.3", "8/30/2024", "", "x"} {
		f.Add(s, "1.0")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		x, y := ParseVersion(a), ParseVersion(b)
		if Compare(x, y) != -Compare(y, x) {
			t.Fatalf("Compare(%q, %q) is not antisymmetric", a, b)
		}
		if Compare(x, x) != 0 {
			t.Fatalf("Compare(%q, itself) != 0", a)
		}
		_, _ = ParseRange(a)
	})
}
