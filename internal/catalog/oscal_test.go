package catalog_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/catalog"
	"github.com/vigil-health/vigil/internal/realdata"
)

func parseFile(t *testing.T, path string) *vigil.Framework {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fw, err := catalog.ParseOSCAL(path, f, bound.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	return fw
}

// TestParseOSCALNested reads a hand-written catalog with nested groups,
// nested controls, a group without an id, parameters and a withdrawn control.
func TestParseOSCALNested(t *testing.T) {
	fw := parseFile(t, "testdata/oscal/nested.json")
	want := &vigil.Framework{
		ID:      "nested",
		Title:   "St Example Hospital Device Security Policy",
		Version: "3.1",
		Source:  "OSCAL catalog nested.json, uuid 6c1e2d0a-4c1b-4f43-9a6e-1b2c3d4e5f60, oscal-version 1.1.2, last modified 2026-11-01T00:00:00Z",
		Controls: []vigil.Control{
			{Framework: "nested", ID: "dev", Title: "Medical devices", Text: "Policies for networked medical devices.", Kind: "domain"},
			{Framework: "nested", ID: "dev.net", Title: "Network", Parent: "dev", Kind: vigil.KindGroup},
			{Framework: "nested", ID: "dev-1", Title: "Segmentation", Parent: "dev.net", Kind: vigil.KindControl,
				Text: "Place every networked medical device on [Assignment: clinical VLANs]:\na. deny by default;\nb. log every flow to the SIEM."},
			{Framework: "nested", ID: "dev-1.1", Title: "Vendor remote access", Parent: "dev-1", Kind: "enhancement",
				Text: "Allow vendor remote access only through the jump host."},
			{Framework: "nested", ID: "dev-1.2", Title: "Flat network exception", Parent: "dev-1", Kind: vigil.KindControl,
				Withdrawn: true, Note: "Withdrawn; incorporated into dev-1."},
			{Framework: "nested", ID: "group-1", Title: "Untitled group without id", Kind: vigil.KindGroup},
			{Framework: "nested", ID: "gen-1", Title: "Keep an inventory of every device.", Parent: "group-1", Kind: vigil.KindControl},
			{Framework: "nested", ID: "top-1", Title: "A control outside any group", Kind: vigil.KindControl},
		},
	}
	if diff := cmp.Diff(want, fw); diff != "" {
		t.Errorf("framework (-want +got):\n%s", diff)
	}
	c := MustLoad(t)
	if err := c.Add(fw); err != nil {
		t.Fatal(err)
	}
	got, err := c.Control(vigil.ControlRef{Framework: "nested", Control: "dev-1.1"})
	if err != nil || got.Parent != "dev-1" {
		t.Errorf("added control: %+v, %v", got, err)
	}
}

// TestParseOSCALErrors checks that bad input gives an invalid-input error
// naming the file and the byte offset or JSON path.
func TestParseOSCALErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"syntax", `{"catalog": {"metadata": {"title": "x",}}}`, `bad.json: invalid JSON at byte 40 (line 1)`},
		{"type", "{\"catalog\": {\"metadata\": {\"title\": 7}}}", `bad.json: at byte 36 (line 1): catalog.metadata.title holds a JSON number, want a string`},
		{"truncated", `{"catalog": {"metadata": `, `bad.json: invalid JSON at byte 25 (line 1): unexpected end of JSON input`},
		{"no catalog", `{"profile": {}}`, `bad.json: not an OSCAL catalog: no top-level "catalog" object`},
		{"null catalog", `{"catalog": null}`, `bad.json: not an OSCAL catalog`},
		{"no title", `{"catalog": {"metadata": {}}}`, `bad.json: catalog.metadata.title required`},
		{"control id", `{"catalog": {"metadata": {"title": "t"}, "groups": [{"id": "g", "title": "G"}, {"id": "h", "title": "H", "controls": [{"title": "no id"}]}]}}`,
			`bad.json: catalog.groups[1].controls[0]: id required`},
		{"duplicate", `{"catalog": {"metadata": {"title": "t"}, "controls": [{"id": "a", "title": "A", "controls": [{"id": "a", "title": "again"}]}]}}`,
			`bad.json: catalog.controls[0].controls[0]: id "a" already used at catalog.controls[0]`},
		{"group title", `{"catalog": {"metadata": {"title": "t"}, "groups": [{"id": "g"}]}}`, `bad.json: catalog.groups[0]: title required`},
		{"empty", ``, `bad.json: invalid JSON at byte 0 (line 1): unexpected end of JSON input`},
		{"array", `[]`, `bad.json: at byte 1 (line 1): the document holds a JSON array, want an object`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fw, err := catalog.ParseOSCAL("bad.json", strings.NewReader(tt.in), bound.Limits{})
			if err == nil {
				t.Fatalf("no error; framework %+v", fw)
			}
			if vigil.ErrorCode(err) != vigil.EINVALID {
				t.Errorf("code %q, want %q", vigil.ErrorCode(err), vigil.EINVALID)
			}
			if msg := vigil.ErrorMessage(err); !strings.HasPrefix(msg, tt.want) {
				t.Errorf("message\n%s\nwant prefix\n%s", msg, tt.want)
			}
		})
	}
}

// TestParseOSCALCSF reads NIST's own OSCAL catalog of CSF 2.0.
func TestParseOSCALCSF(t *testing.T) {
	fw := parseFile(t, realdata.Path(t, "oscal-catalogs/NIST_CSF_v2.0_catalog.json"))
	n := map[string]int{}
	for _, c := range fw.Controls {
		k := string(c.Kind)
		if c.Withdrawn {
			k += "/withdrawn"
		}
		n[k]++
	}
	want := map[string]int{
		"function": 6, "category": 22, "subcategory": 106,
		"category/withdrawn": 12, "subcategory/withdrawn": 79,
	}
	if diff := cmp.Diff(want, n); diff != "" {
		t.Errorf("controls (-want +got):\n%s", diff)
	}
	if fw.ID != "nist_csf_v2.0_catalog" || fw.Version != "1.2.0" {
		t.Errorf("id %q version %q", fw.ID, fw.Version)
	}
}

// TestParseOSCALLimits: each limit stops the read where it is met, with
// one error naming the file, where, and the flag that raises it; an XML
// catalog is told apart at its first byte.
func TestParseOSCALLimits(t *testing.T) {
	ctl := func(i int) string { return fmt.Sprintf(`{"id": "c%d", "title": "C"}`, i) }
	small := bound.Limits{Depth: 8, FieldBytes: 100, Rows: 3 * catalog.Share, FileBytes: catalog.Share << 20} // 3 controls, 1 MiB
	for _, c := range []struct {
		name, in, want string
	}{
		{"deep", `{"catalog": {"metadata": {"title": "t"}, "x": ` + strings.Repeat("[", 1000), "bad.json: byte 52: JSON nested more than 8 levels deep (the --max-depth limit"},
		{"string", `{"catalog": {"metadata": {"title": "` + strings.Repeat("x", 1000), "bad.json: byte 35: a JSON string of more than 100 bytes (the --max-field-bytes limit"},
		{"rows", `{"catalog": {"metadata": {"title": "t"}, "controls": [` + ctl(1) + "," + ctl(2) + "," + ctl(3) + "," + ctl(4) + `]}}`,
			"bad.json: catalog.controls[3]: more than 3 controls and groups (the --max-rows limit"},
		{"file", `{"catalog": {"metadata": {"title": "t"}}, "x": "` + strings.Repeat("x\",", 1<<20) + `"}`, "bad.json: a file of more than 1 MiB (the --max-file-bytes limit"},
		{"xml", "\ufeff \n<catalog>" + strings.Repeat("<group>", 100), "bad.json: an XML document: Vigil reads OSCAL catalogs in JSON"},
	} {
		t.Run(c.name, func(t *testing.T) {
			fw, err := catalog.ParseOSCAL("bad.json", strings.NewReader(c.in), small)
			if vigil.ErrorCode(err) != vigil.EINVALID || !strings.HasPrefix(vigil.ErrorMessage(err), c.want) {
				t.Fatalf("ParseOSCAL = %v, %v; want %q", fw, err, c.want)
			}
		})
	}
	// At the limits, the catalog reads.
	in := `{"catalog": {"metadata": {"title": "` + strings.Repeat("t", 100) + `"}, "controls": [` + ctl(1) + "," + ctl(2) + "," + ctl(3) + `]}}`
	if fw, err := catalog.ParseOSCAL("ok.json", strings.NewReader(in), small); err != nil || len(fw.Controls) != 3 {
		t.Errorf("at the limits: %v, %v", fw, err)
	}
}

// TestParseOSCALDefaults: the default limits stop a deep catalog before
// it is decoded, and read every real catalog (TestParseOSCALCSF reads
// NIST's CSF 2.0 under them).
func TestParseOSCALDefaults(t *testing.T) {
	_, err := catalog.ParseOSCAL("deep.json", strings.NewReader(`{"catalog": `+strings.Repeat(`{"a": `, 1_000_000)), bound.Limits{})
	if !strings.Contains(vigil.ErrorMessage(err), "--max-depth") {
		t.Errorf("deep: %v", err)
	}
}
