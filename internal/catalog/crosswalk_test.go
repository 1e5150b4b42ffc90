package catalog_test

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/catalog"
)

// TestCrosswalkTargetsExist checks that every crosswalk link names controls
// that exist, by their own ids (not aliases), and that each file says how it
// was made.
func TestCrosswalkTargetsExist(t *testing.T) {
	c := MustLoad(t)
	files := map[string]bool{}
	for _, cw := range c.Crosswalks() {
		files[cw.Name] = true
		if cw.Source == "" || cw.Derivation == "" || cw.Version == "" {
			t.Errorf("%s: source, derivation and version required", cw.Name)
		}
		check := func(fw, id string) {
			ref := vigil.ControlRef{Framework: fw, Control: id}
			if got, ok := c.Resolve(ref); !ok {
				t.Errorf("%s: %s does not exist", cw.Name, ref)
			} else if got != ref {
				t.Errorf("%s: %s is an alias of %s; use the id", cw.Name, ref, got)
			}
		}
		for _, l := range cw.Links {
			check(cw.From, l.From)
			if len(l.To) == 0 {
				t.Errorf("%s: %s links to nothing", cw.Name, l.From)
			}
			for _, id := range l.To {
				check(cw.To, id)
			}
		}
	}
	want := map[string]bool{
		"hipaa-csf2.yaml": true, "hicp-csf2.yaml": true, "hph-cpg-csf2.yaml": true,
		"fda-524b-csf2.yaml": true, "fda-524b-hipaa.yaml": true, "hipaa-2025-proposed-hipaa.yaml": true,
	}
	if diff := cmp.Diff(want, files); diff != "" {
		t.Errorf("crosswalk files (-want +got):\n%s", diff)
	}
}

// TestCrosswalkCoverage checks that every HIPAA standard, every HPH goal,
// every HICP practice and every proposed requirement is crosswalked.
func TestCrosswalkCoverage(t *testing.T) {
	c := MustLoad(t)
	for _, tt := range []struct {
		fw   string
		kind vigil.ControlKind
	}{
		{"hipaa", vigil.KindStandard}, {"hph-cpg", vigil.KindGoal}, {"hicp", vigil.KindPractice},
		{"hipaa-2025-proposed", vigil.KindRequirement},
	} {
		fw, err := c.Framework(tt.fw)
		if err != nil {
			t.Fatal(err)
		}
		for _, ctl := range fw.Controls {
			if ctl.Kind == tt.kind && len(c.Crosswalk(ctl.Ref())) == 0 {
				t.Errorf("%s: no crosswalk", ctl.Ref())
			}
		}
	}
}

func refs(ss ...string) []vigil.ControlRef {
	var out []vigil.ControlRef
	for _, s := range ss {
		r, err := vigil.ParseControlRef(s)
		if err != nil {
			panic(err)
		}
		out = append(out, r)
	}
	return out
}

// TestCrosswalk checks both directions and inheritance from the parent.
func TestCrosswalk(t *testing.T) {
	c := MustLoad(t)
	tests := []struct {
		ref      string
		contains []string
		excludes []string
	}{
		// Forward: a HIPAA standard to its derived CSF subcategories.
		{"hipaa:164.312(d)", []string{"csf2:PR.AA-01", "csf2:PR.AA-03", "fda-524b:FDA-ARC-1.1", "hipaa-2025-proposed:N13"}, []string{"csf2:RS.MA-01"}},
		// Inherited: a specification carries its standard's links.
		{"hipaa:164.308(a)(1)(ii)(A)", []string{"csf2:ID.RA-01", "hipaa-2025-proposed:N4", "fda-524b:524B-b3"}, nil},
		// By alias.
		{"hipaa:164.312(a)", []string{"csf2:PR.AA-05"}, nil},
		// Reverse: a CSF subcategory to the controls of every framework that map to it.
		{"csf2:PR.AA-03", []string{"hipaa:164.312(d)", "hicp:3", "hph-cpg:HPH-CPG-E03", "fda-524b:FDA-ARC-1.1"}, []string{"csf2:PR.AA-03"}},
		// HICP practice 9's derived links, and the practice's editorial ones.
		{"hicp:9.L.C", []string{"csf2:GV.SC", "csf2:GV.SC-05"}, nil},
		{"hicp:9.L.D", []string{"csf2:ID.RA-08"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			ref, _ := vigil.ParseControlRef(tt.ref)
			got := c.Crosswalk(ref)
			for _, r := range refs(tt.contains...) {
				if !slices.Contains(got, r) {
					t.Errorf("missing %s in %v", r, got)
				}
			}
			for _, r := range refs(tt.excludes...) {
				if slices.Contains(got, r) {
					t.Errorf("unexpected %s in %v", r, got)
				}
			}
		})
	}
	if got := c.Crosswalk(vigil.ControlRef{Framework: "csf2", Control: "XX.YY-99"}); got != nil {
		t.Errorf("unknown control: %v", got)
	}
	// The order is by framework, then by place in the framework.
	got := c.Crosswalk(vigil.ControlRef{Framework: "hph-cpg", Control: "HPH-CPG-E05"})
	if diff := cmp.Diff(refs("csf2:PR.DS-01", "csf2:PR.DS-02"), got); diff != "" {
		t.Errorf("HPH-CPG-E05 (-want +got):\n%s", diff)
	}
}

// TestAddCrosswalkRejectsUnknown checks that a crosswalk naming a missing
// control is refused whole.
func TestAddCrosswalkRejectsUnknown(t *testing.T) {
	c := MustLoad(t)
	cw := &catalog.Crosswalk{Name: "bad.yaml", From: "hicp", To: "csf2", Links: []catalog.Link{
		{From: "1", To: []string{"PR.AA-03"}, Basis: catalog.BasisEditorial},
		{From: "1", To: []string{"PR.AA-99"}, Basis: catalog.BasisEditorial},
	}}
	if err := c.AddCrosswalk(cw); vigil.ErrorCode(err) != vigil.EINVALID {
		t.Fatalf("got %v, want invalid", err)
	}
	if n := len(c.Crosswalks()); n != 6 {
		t.Errorf("%d crosswalks after a refused one, want 6", n)
	}
}
