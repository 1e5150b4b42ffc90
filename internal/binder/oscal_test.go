package binder_test

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/vigil-health/vigil/internal/binder"
	"github.com/vigil-health/vigil/internal/realdata"
)

// compileSchema compiles one of NIST's complete OSCAL JSON schemas.
func compileSchema(t *testing.T, file string) *jsonschema.Schema {
	t.Helper()
	path := realdata.Path(t, "schemas/oscal/"+file)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	// Draft-07 leaves formats (date-time, uri-reference) as annotations;
	// assert them too.
	c.AssertFormat()
	if err := c.AddResource(file, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(file)
	if err != nil {
		t.Fatalf("compile %s: %v", file, err)
	}
	return sch
}

// TestOSCALValidates validates the assessment results and the POA&M of a
// sample binder, and of one with no evidence and nothing open, against
// NIST's OSCAL 1.1.3 and 1.2.1 schemas.
func TestOSCALValidates(t *testing.T) {
	full := sampleInput(t)
	bare := sampleInput(t)
	bare.Evidence, bare.Plan, bare.Devices = nil, nil, nil
	for i := range bare.Evaluation.Controls {
		bare.Evaluation.Controls[i].Attestations = nil
	}
	inputs := map[string]*binder.Input{"full": full, "bare": bare}
	for _, schema := range []string{"oscal_complete_schema-1-1-3.json", "oscal_complete_schema-1-2-1.json"} {
		sch := compileSchema(t, schema)
		// The schema does catch a broken document.
		broken, _ := jsonschema.UnmarshalJSON(strings.NewReader(`{"assessment-results":{"uuid":"not-a-uuid","metadata":{},"import-ap":{"href":"#x"},"results":[]}}`))
		if sch.Validate(broken) == nil {
			t.Fatalf("%s accepts a broken document", schema)
		}
		for name, in := range inputs {
			files := entries(t, writeSample(t, in))
			for _, doc := range []string{binder.FileAR, binder.FilePOAM} {
				v, err := jsonschema.UnmarshalJSON(bytes.NewReader(files[doc]))
				if err != nil {
					t.Fatalf("%s %s: %v", name, doc, err)
				}
				if err := sch.Validate(v); err != nil {
					t.Errorf("%s: %s does not validate against %s:\n%v", name, doc, schema, err)
				}
			}
		}
	}
}

// TestOSCALContent checks the mapping: a finding per control with its
// verdict, check subjects that resolve to inventory items, POA&M items for
// the open plan items only.
func TestOSCALContent(t *testing.T) {
	in := sampleInput(t)
	files := entries(t, writeSample(t, in))
	var ar struct {
		AR struct {
			Results []struct {
				LocalDefinitions struct {
					InventoryItems []struct {
						UUID string `json:"uuid"`
					} `json:"inventory-items"`
				} `json:"local-definitions"`
				Observations []struct {
					UUID     string `json:"uuid"`
					Subjects []struct {
						UUID string `json:"subject-uuid"`
					} `json:"subjects"`
				} `json:"observations"`
				Findings []struct {
					Target struct {
						TargetID string `json:"target-id"`
						Status   struct {
							State string `json:"state"`
						} `json:"status"`
					} `json:"target"`
					Related []struct {
						UUID string `json:"observation-uuid"`
					} `json:"related-observations"`
				} `json:"findings"`
			} `json:"results"`
		} `json:"assessment-results"`
	}
	if err := json.Unmarshal(files[binder.FileAR], &ar); err != nil {
		t.Fatal(err)
	}
	res := ar.AR.Results[0]
	if len(res.Findings) != len(in.Framework.Controls) {
		t.Errorf("%d findings, want %d", len(res.Findings), len(in.Framework.Controls))
	}
	if got := res.Findings[1].Target.TargetID; got != "hipaa-164.308.a.1.i" {
		t.Errorf("target-id %q, want hipaa-164.308.a.1.i", got)
	}
	items := map[string]bool{}
	for _, it := range res.LocalDefinitions.InventoryItems {
		items[it.UUID] = true
	}
	if len(items) != len(in.Devices)+1 { // and the device no longer in the inventory
		t.Errorf("%d inventory items, want %d", len(items), len(in.Devices)+1)
	}
	obs := map[string]bool{}
	for _, o := range res.Observations {
		obs[o.UUID] = true
		for _, s := range o.Subjects {
			if !items[s.UUID] {
				t.Errorf("observation %s: subject %s is no inventory item", o.UUID, s.UUID)
			}
		}
	}
	for _, f := range res.Findings {
		for _, r := range f.Related {
			if !obs[r.UUID] {
				t.Errorf("finding %s: observation %s is not in the results", f.Target.TargetID, r.UUID)
			}
		}
	}
	var poam struct {
		P struct {
			Items []struct {
				Title string `json:"title"`
			} `json:"poam-items"`
		} `json:"plan-of-action-and-milestones"`
	}
	if err := json.Unmarshal(files[binder.FilePOAM], &poam); err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, it := range poam.P.Items {
		titles = append(titles, it.Title)
	}
	if got := strings.Join(titles, "|"); got != "Patch the pumps' firmware|Renew the access review|Sign the BAA with the pump vendor" {
		t.Errorf("POA&M items %q", got)
	}
}
