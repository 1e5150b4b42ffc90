package catalog_test

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/realdata"
)

// TestCSFAgreesWithNIST checks the csf2 file against NIST's own OSCAL catalog
// of CSF 2.0: the same ids in force, the same kinds and parents, the same
// function and category titles and subcategory statements, and no withdrawn
// id listed as in force.
func TestCSFAgreesWithNIST(t *testing.T) {
	nist := parseFile(t, realdata.Path(t, "oscal-catalogs/NIST_CSF_v2.0_catalog.json"))
	c := MustLoad(t)
	ours, err := c.Framework("csf2")
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		ID, Parent, Title string
		Kind              vigil.ControlKind
	}
	rows := func(fw *vigil.Framework) []row {
		var out []row
		for _, ctl := range fw.Controls {
			if !ctl.Withdrawn {
				out = append(out, row{ctl.ID, ctl.Parent, ctl.Title, ctl.Kind})
			}
		}
		// NIST's OSCAL catalog lists categories alphabetically; csf2 keeps
		// the order of CSWP 29 (GV.OC, GV.RM, GV.RR, GV.PO, ...).
		slices.SortFunc(out, func(a, b row) int { return strings.Compare(a.ID, b.ID) })
		return out
	}
	// ParseOSCAL takes a subcategory's statement as its title, since NIST's
	// title is the id; so titles compare like for like.
	if diff := cmp.Diff(rows(nist), rows(ours)); diff != "" {
		t.Errorf("csf2 against NIST's OSCAL catalog (-nist +ours):\n%s", diff)
	}
	for _, ctl := range nist.Controls {
		if ctl.Withdrawn {
			if _, err := c.Control(vigil.ControlRef{Framework: "csf2", Control: ctl.ID}); err == nil {
				t.Errorf("%s is withdrawn in NIST's catalog but listed in csf2", ctl.ID)
			}
		}
	}
}

// oscalLinks reads the withdrawal links of NIST's CSF 2.0 catalog: for each
// withdrawn id, the ids it was incorporated into or moved to; and the set of
// ids in force.
func oscalLinks(t *testing.T) (links map[string][]string, active map[string]bool) {
	t.Helper()
	b, err := os.ReadFile(realdata.Path(t, "oscal-catalogs/NIST_CSF_v2.0_catalog.json"))
	if err != nil {
		t.Fatal(err)
	}
	type node struct {
		ID    string `json:"id"`
		Props []struct {
			Name, Value string
		} `json:"props"`
		Links []struct {
			Href, Rel string
		} `json:"links"`
		Controls []node `json:"controls"`
	}
	var doc struct {
		Catalog struct {
			Groups []node `json:"groups"`
		} `json:"catalog"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	links, active = map[string][]string{}, map[string]bool{}
	var walk func([]node)
	walk = func(ns []node) {
		for _, n := range ns {
			gone := slices.ContainsFunc(n.Props, func(p struct{ Name, Value string }) bool {
				return p.Name == "status" && p.Value == "withdrawn"
			})
			if !gone {
				active[n.ID] = true
			}
			for _, l := range n.Links {
				if gone && (l.Rel == "incorporated_into" || l.Rel == "moved_to") {
					links[n.ID] = append(links[n.ID], l.Href)
				}
			}
			walk(n.Controls)
		}
	}
	walk(doc.Catalog.Groups)
	return links, active
}

// csf11 matches a CSF 1.1 subcategory id as NIST spelt it ("DE.AE-1").
var csf11 = regexp.MustCompile(`^([A-Z]{2}\.[A-Z]{2})-(\d+)$`)

// TestDerivedLinks recomputes every derived crosswalk link from its "via"
// ids: a CSF 1.1 id in force in CSF 2.0 maps to itself (zero-padded), a
// withdrawn one to the targets of its withdrawal links, followed until ids in
// force are reached.
func TestDerivedLinks(t *testing.T) {
	links, active := oscalLinks(t)
	var to2 func(id string, depth int) ([]string, error)
	to2 = func(id string, depth int) ([]string, error) {
		if m := csf11.FindStringSubmatch(id); m != nil {
			n, _ := strconv.Atoi(m[2])
			id = fmt.Sprintf("%s-%02d", m[1], n)
		}
		if active[id] {
			return []string{id}, nil
		} else if len(links[id]) == 0 || depth > 5 {
			return nil, fmt.Errorf("%s: withdrawn without a link in force", id)
		}
		var out []string
		for _, l := range links[id] {
			ids, err := to2(l, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, ids...)
		}
		return out, nil
	}
	c := MustLoad(t)
	n := 0
	for _, cw := range c.Crosswalks() {
		for _, l := range cw.Links {
			if l.Basis != "derived" {
				continue
			}
			n++
			want := map[string]bool{}
			for _, v := range l.Via {
				ids, err := to2(v, 0)
				if err != nil {
					t.Errorf("%s: %s: %v", cw.Name, l.From, err)
				}
				for _, id := range ids {
					want[id] = true
				}
			}
			got := map[string]bool{}
			for _, id := range l.To {
				got[id] = true
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: %s (-recomputed +file):\n%s", cw.Name, l.From, diff)
			}
		}
	}
	if n != 22+9 {
		t.Errorf("%d derived links, want 31 (22 HIPAA standards, 9 HICP practice 9 sub-practices)", n)
	}
}
