package checks_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-health/vigil/internal/checks"
)

const header = `id: sample
title: A sample check
controls:
  - {framework: csf2, control: ID.AM-01}
severity: low
`

// TestParseErrors asserts that bad files are refused with the line and
// column in the file where the fault is, and why.
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		want checks.FileError
	}{
		{"yaml syntax", "id: x\n  title: [\n", checks.FileError{Line: 2, Reason: "YAML: mapping values are not allowed in this context"}},
		{"cel syntax", header + "reads: [device]\nexpr: device.owner == \n",
			checks.FileError{Line: 7, Column: 22, Field: "expr", Reason: "Syntax error: mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}"}},
		{"type error in literal block", header + "reads: [device]\nexpr: |\n  device.owner != \"\" &&\n    device.locaton != \"\"\n",
			checks.FileError{Line: 9, Column: 11, Field: "expr", Reason: "undefined field 'locaton'"}},
		{"type error in operands", header + "reads: [vulns]\nexpr: vulns.exists(v, v.cvss > \"7\")\n",
			checks.FileError{Line: 7, Column: 30, Field: "expr", Reason: "found no matching overload for '_>_' applied to '(double, string)'"}},
		{"non-bool expr", header + "reads: [device]\nexpr: device.owner\n",
			checks.FileError{Line: 7, Column: 7, Field: "expr", Reason: "must be a bool expression, is string"}},
		{"non-string reason", header + "reads: [device]\nexpr: device.owner != \"\"\nreason: device.sbom\n",
			checks.FileError{Line: 8, Column: 9, Field: "reason", Reason: "must be a string expression, is bool"}},
		{"unknown variable", header + "reads: [device]\napplies_to: devices.stores_ephi\nexpr: true\n",
			checks.FileError{Line: 7, Column: 13, Field: "applies_to", Reason: "undeclared reference to 'devices' (did you mean 'device'?)"}},
		{"variable not in reads", header + "reads: [device]\nexpr: device.owner != \"\" && flows.size() == 0\n",
			checks.FileError{Line: 7, Column: 29, Field: "expr", Reason: "reads flows, which the check's reads does not list"}},
		{"unknown reads", header + "reads: [device, inventory]\nexpr: true\n",
			checks.FileError{Line: 6, Column: 17, Field: "reads", Reason: `unknown variable "inventory" (known: device, sources, findings, vulns, flows, remote, policy, now)`}},
		{"quoted folded", header + "reads: [device]\nexpr: >\n  device.owner != \"\" &&\n  device.sbom == 1\n",
			checks.FileError{Line: 9, Column: 15, Field: "expr", Reason: "found no matching overload for '_==_' applied to '(bool, int)'"}},
		{"single-quoted", header + "reads: [device]\nexpr: '!device.nope'\n",
			checks.FileError{Line: 7, Column: 15, Field: "expr", Reason: "undefined field 'nope'"}},
		{"unknown key", header + "reads: [device]\nexpr: true\nowner: me\n", checks.FileError{Line: 8, Column: 1, Field: "owner", Reason: "unknown key"}},
		{"bad control", "id: x\ntitle: t\ncontrols:\n  - {framework: csf2, control: PR.XX-1}\n",
			checks.FileError{Line: 4, Column: 5, Field: "controls", Reason: `"PR.XX-1" is not a csf2 control id`}},
		{"bad severity", header[:len(header)-len("severity: low\n")] + "severity: urgent\nreads: [device]\nexpr: true\n",
			checks.FileError{Line: 5, Column: 11, Field: "severity", Reason: `must be low, medium, high or critical, not "urgent"`}},
		{"no expr", header + "reads: [device]\n", checks.FileError{Line: 1, Column: 1, Field: "expr", Reason: "a check needs an expression"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := checks.Parse("sample.yaml", []byte(tc.src))
			var fe *checks.FileError
			if !errors.As(err, &fe) {
				t.Fatalf("got %v, want a *FileError", err)
			}
			tc.want.File = "sample.yaml"
			if diff := cmp.Diff(tc.want, *fe); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseErrorString(t *testing.T) {
	_, err := checks.Parse("tls.yaml", []byte(header+"reads: [flows]\nexpr: flows.all(f, f.tls > 1)\n"))
	if got, want := err.Error(), "tls.yaml:7:21: expr: undefined field 'tls'"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestCompileDuplicateID(t *testing.T) {
	a, err := checks.Parse("a.yaml", []byte(header+"reads: [device]\nexpr: true\n"))
	if err != nil {
		t.Fatal(err)
	}
	b := *a
	b.File = "b.yaml"
	if _, err := checks.Compile([]*checks.Check{a, &b}); err == nil || err.Error() != `b.yaml: id: check "sample" is also defined in a.yaml` {
		t.Errorf("got %v", err)
	}
}

func TestParseLibraryFiles(t *testing.T) {
	files, err := filepath.Glob("library/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatal(files, err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := checks.Parse(filepath.Base(f), data); err != nil {
			t.Error(err)
		}
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("library/*.yaml")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(header + "reads: [device]\nexpr: |\n  device.owner != \"\" &&\n    device.\n"))
	f.Add([]byte("expr: >\n\n  x\n\n"))
	f.Add([]byte("- a\n- b\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := checks.Parse("fuzz.yaml", data)
		if err != nil {
			var fe *checks.FileError
			if errors.As(err, &fe) && (fe.Line < 0 || fe.Column < 0) {
				t.Errorf("negative position in %v", err)
			}
			return
		}
		p, err := checks.Compile([]*checks.Check{c})
		if err != nil {
			t.Fatalf("parsed but does not compile: %v", err)
		}
		if rs := p.EvaluateOne(good(), checks.Inputs{Policy: policy(), Now: now}); len(rs) != 1 {
			t.Errorf("%d results for one check", len(rs))
		}
	})
}

func TestCompareVersions(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"1.2", "1.2", 0}, {"v1.2", "1.2", 0}, {"1.10", "1.9", 1}, {"1.2", "1.2.1", -1},
		{"2.1b", "2.1a", 1}, {"", "1.0", -1}, {"12.1.3", "12.1.3", 0}, {"4.0.0-rc1", "4.0.0", 1},
		{"1.2.rc", "1.2.1", -1}, {"R2023b", "R2023a", 1},
	} {
		if got := checks.CompareVersions(tc.a, tc.b); got != tc.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
		if got := checks.CompareVersions(tc.b, tc.a); got != -tc.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", tc.b, tc.a, got, -tc.want)
		}
	}
}

func TestAddressIn(t *testing.T) {
	allowed := []string{"updates.vendor.example", "203.0.113.10", "198.51.100.0/24", "2001:db8::/32", "not/a-prefix"}
	for _, tc := range []struct {
		addr string
		want bool
	}{
		{"203.0.113.10", true}, {"203.0.113.11", false}, {"updates.vendor.example", true},
		{"198.51.100.0", true}, {"198.51.100.255", true}, {"198.51.101.1", false},
		{"::ffff:198.51.100.7", true}, {"2001:db8:1::1", true}, {"2001:db9::1", false},
		{"evil.example", false}, {"", false}, {"not/a-prefix", true},
	} {
		if got := checks.AddressIn(tc.addr, allowed); got != tc.want {
			t.Errorf("AddressIn(%q) = %t, want %t", tc.addr, got, tc.want)
		}
	}
}
