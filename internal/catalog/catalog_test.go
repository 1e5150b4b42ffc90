package catalog_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/catalog"
)

// MustLoad loads the built-in catalog or fails the test.
func MustLoad(tb testing.TB) *catalog.Catalog {
	tb.Helper()
	c, err := catalog.Load()
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// count tallies a framework's controls by kind, and by kind and mark (the
// requirement or the tier).
func count(fw *vigil.Framework) map[string]int {
	n := map[string]int{}
	for _, c := range fw.Controls {
		n[string(c.Kind)]++
		if c.Requirement != "" {
			n[string(c.Kind)+"/"+string(c.Requirement)]++
		}
		if c.Tier != "" {
			n[string(c.Kind)+"/"+c.Tier]++
		}
	}
	return n
}

// TestCounts checks every built-in catalog's counts against the reference
// (shared/reference/frameworks.md).
func TestCounts(t *testing.T) {
	c := MustLoad(t)
	tests := []struct {
		id   string
		want map[string]int
	}{
		// 22 standards (7 without specifications, marked required);
		// 43 specifications, 21 required and 22 addressable.
		{"hipaa", map[string]int{
			"section": 5, "standard": 22, "standard/required": 7,
			"implementation-spec": 43, "implementation-spec/required": 21, "implementation-spec/addressable": 22,
		}},
		{"hipaa-2025-proposed", map[string]int{"requirement": 20}},
		{"csf2", map[string]int{"function": 6, "category": 22, "subcategory": 106}},
		// 10 practices; 36 medium and 34 large sub-practices (2018 TV2).
		{"hicp", map[string]int{"practice": 10, "sub-practice": 70, "sub-practice/medium": 36, "sub-practice/large": 34}},
		{"hph-cpg", map[string]int{"group": 2, "goal": 20, "goal/essential": 10, "goal/enhanced": 10}},
		// 10 statute items; 14 guidance elements and the 8 control categories of Appendix 1.
		{"fda-524b", map[string]int{"section": 2, "requirement": 10, "element": 22}},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			fw, err := c.Framework(tt.id)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, count(fw)); diff != "" {
				t.Errorf("counts (-want +got):\n%s", diff)
			}
			if fw.Version == "" || fw.Source == "" {
				t.Errorf("version %q, source %q: both required", fw.Version, fw.Source)
			}
		})
	}
	var ids []string
	for _, fw := range c.Frameworks() {
		ids = append(ids, fw.ID)
	}
	if diff := cmp.Diff([]string{"hipaa", "hipaa-2025-proposed", "csf2", "hicp", "hph-cpg", "fda-524b"}, ids); diff != "" {
		t.Errorf("frameworks (-want +got):\n%s", diff)
	}
}

// TestHIPAA checks the HIPAA Security Rule's structure: every specification
// is marked and sits under a standard, the 164.308-164.312 matrix counts, and
// the ids of the reference.
func TestHIPAA(t *testing.T) {
	c := MustLoad(t)
	fw, err := c.Framework("hipaa")
	if err != nil {
		t.Fatal(err)
	}
	kind := map[string]vigil.ControlKind{}
	matrix := map[vigil.Requirement]int{}
	for _, ctl := range fw.Controls {
		kind[ctl.ID] = ctl.Kind
		switch ctl.Kind {
		case vigil.KindImplementation:
			if ctl.Requirement == "" {
				t.Errorf("%s: no required/addressable mark", ctl.ID)
			} else if kind[ctl.Parent] != vigil.KindStandard {
				t.Errorf("%s: parent %s is a %s, want a standard", ctl.ID, ctl.Parent, kind[ctl.Parent])
			}
			if ctl.ID < "164.313" {
				matrix[ctl.Requirement]++
			}
		case vigil.KindStandard:
			if kind[ctl.Parent] != vigil.KindSection {
				t.Errorf("%s: parent %s is a %s, want a section", ctl.ID, ctl.Parent, kind[ctl.Parent])
			}
		}
	}
	if diff := cmp.Diff(map[vigil.Requirement]int{vigil.Required: 14, vigil.Addressable: 22}, matrix); diff != "" {
		t.Errorf("164.308-164.312 specifications (-want +got):\n%s", diff)
	}
	for _, tt := range []struct {
		ref   string
		title string
		req   vigil.Requirement
	}{
		{"hipaa:164.308(a)(1)(ii)(A)", "Risk analysis", vigil.Required},
		{"hipaa:164.308(a)(5)(ii)(B)", "Protection from malicious software", vigil.Addressable},
		{"hipaa:164.308(b)(3)", "Written contract or other arrangement", vigil.Required},
		{"hipaa:164.308(b)(4)", "Written contract or other arrangement", vigil.Required}, // NIST's pre-2013 number
		{"hipaa:164.310(a)", "Facility access controls", ""},                             // NIST's standard cite
		{"hipaa:164.312(e)(2)(ii)", "Encryption", vigil.Addressable},
		{"hipaa:164.316(b)(2)(i)", "Time limit", vigil.Required},
	} {
		ref, err := vigil.ParseControlRef(tt.ref)
		if err != nil {
			t.Fatal(err)
		}
		ctl, err := c.Control(ref)
		if err != nil {
			t.Errorf("%s: %v", tt.ref, err)
			continue
		}
		if ctl.Title != tt.title || ctl.Requirement != tt.req {
			t.Errorf("%s: %q %q, want %q %q", tt.ref, ctl.Title, ctl.Requirement, tt.title, tt.req)
		}
	}
}

// TestMarks checks the marks that matter to scoring: the proposed rule is
// marked proposed and nothing else is, HPH ids and tiers, HICP practice 9.
func TestMarks(t *testing.T) {
	c := MustLoad(t)
	for _, fw := range c.Frameworks() {
		if want := fw.ID == "hipaa-2025-proposed"; fw.Proposed != want {
			t.Errorf("%s: proposed %v, want %v", fw.ID, fw.Proposed, want)
		}
	}
	for _, tt := range []struct {
		ref, title, tier string
	}{
		{"hph-cpg:HPH-CPG-E01", "Mitigate Known Vulnerabilities", vigil.TierEssential},
		{"hph-cpg:HPH-CPG-E10", "Vendor/Supplier Cybersecurity Requirements", vigil.TierEssential},
		{"hph-cpg:HPH-CPG-X11", "Asset Inventory", vigil.TierEnhanced},
		{"hph-cpg:HPH-CPG-X20", "Configuration Management", vigil.TierEnhanced},
		{"hicp:9", "Medical Device Security", ""},
		{"hicp:9.M.A", "Medical Device Management", vigil.TierMedium},
		{"hicp:9.L.D", "Contacting the FDA", vigil.TierLarge},
		{"fda-524b:524B-b1", "Postmarket vulnerability monitoring and coordinated disclosure plan", ""},
		{"fda-524b:FDA-SRM-5", "Third-party software components and SBOM", ""},
		{"csf2:PR.DS-01", "The confidentiality, integrity, and availability of data-at-rest are protected", ""},
	} {
		ref, _ := vigil.ParseControlRef(tt.ref)
		ctl, err := c.Control(ref)
		if err != nil {
			t.Errorf("%s: %v", tt.ref, err)
		} else if ctl.Title != tt.title || ctl.Tier != tt.tier {
			t.Errorf("%s: %q %q, want %q %q", tt.ref, ctl.Title, ctl.Tier, tt.title, tt.tier)
		}
	}
	var sub []string
	for _, ctl := range c.Children(vigil.ControlRef{Framework: "hicp", Control: "9"}) {
		sub = append(sub, ctl.ID)
	}
	want := []string{"9.M.A", "9.M.B", "9.M.C", "9.M.D", "9.M.E", "9.L.A", "9.L.B", "9.L.C", "9.L.D"}
	if diff := cmp.Diff(want, sub); diff != "" {
		t.Errorf("HICP practice 9 (-want +got):\n%s", diff)
	}
}

// TestLoadIsFresh checks that each Load builds its own catalog and that
// returned frameworks are copies.
func TestLoadIsFresh(t *testing.T) {
	a, b := MustLoad(t), MustLoad(t)
	fw, _ := a.Framework("csf2")
	fw.Controls[0].Title = "changed"
	if got, _ := a.Control(vigil.ControlRef{Framework: "csf2", Control: "GV"}); got.Title != "GOVERN" {
		t.Errorf("a's GV title %q after editing a copy", got.Title)
	}
	if err := a.Add(&vigil.Framework{ID: "local", Title: "Local"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Framework("local"); vigil.ErrorCode(err) != vigil.ENOTFOUND {
		t.Errorf("b sees a's added framework: %v", err)
	}
	if err := a.Add(&vigil.Framework{ID: "local", Title: "Again"}); vigil.ErrorCode(err) != vigil.ECONFLICT {
		t.Errorf("adding a duplicate: %v, want conflict", err)
	}
}

// TestCloneIsIndependent adds a framework to a clone and checks that the
// original does not see it.
func TestCloneIsIndependent(t *testing.T) {
	c, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	n := len(c.Frameworks())
	cl := c.Clone()
	fw := &vigil.Framework{ID: "local", Title: "Local policy", Controls: []vigil.Control{{Framework: "local", ID: "L-1", Title: "One", Kind: "control"}}}
	if err := cl.Add(fw); err != nil {
		t.Fatal(err)
	}
	if len(cl.Frameworks()) != n+1 || len(c.Frameworks()) != n {
		t.Fatalf("clone has %d frameworks, original %d; want %d and %d", len(cl.Frameworks()), len(c.Frameworks()), n+1, n)
	}
	if _, err := c.Framework("local"); err == nil {
		t.Fatal("the original sees the clone's framework")
	}
	ref := vigil.ControlRef{Framework: "csf2", Control: "PR.DS-02"}
	if len(cl.Crosswalk(ref)) != len(c.Crosswalk(ref)) {
		t.Fatal("the clone's crosswalks differ")
	}
}
