package checks_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/catalog"
	"github.com/vigil-health/vigil/internal/checks"
)

// TestLibraryControlsInCatalog checks that every control a shipped check
// names is a control of the framework catalogs, not only one of the right
// shape.
func TestLibraryControlsInCatalog(t *testing.T) {
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	cs, err := checks.Library()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		for _, ref := range c.Controls {
			if _, err := cat.Control(ref); err != nil {
				t.Errorf("%s: %s: %v", c.File, ref, err)
				continue
			}
			if canon, _ := cat.Resolve(ref); canon != ref {
				t.Errorf("%s: %s is an alias of %s; name the control itself", c.File, ref, canon)
			}
		}
	}
}

func TestValidateControls(t *testing.T) {
	src := "id: sample\ntitle: A sample check\ncontrols:\n" +
		"  - {framework: csf2, control: ID.AM-01}\n" +
		"  - {framework: hipaa, control: 164.312(z)(9)}\n" +
		"severity: low\nreads: [device]\nexpr: true\n"
	c, err := checks.Parse("sample.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	cat, err := catalog.Load()
	if err != nil {
		t.Fatal(err)
	}
	known := func(ref vigil.ControlRef) bool { _, ok := cat.Resolve(ref); return ok }
	err = checks.ValidateControls([]*checks.Check{c}, known)
	var fe *checks.FileError
	if !errors.As(err, &fe) {
		t.Fatalf("got %v, want a *FileError", err)
	}
	want := checks.FileError{File: "sample.yaml", Line: 5, Column: 5, Field: "controls",
		Reason: "hipaa:164.312(z)(9) is not a control of the hipaa catalog"}
	if diff := cmp.Diff(want, *fe); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got := err.Error(); got != "sample.yaml:5:5: controls: hipaa:164.312(z)(9) is not a control of the hipaa catalog" {
		t.Errorf("message %q", got)
	}

	lib, err := checks.Library()
	if err != nil {
		t.Fatal(err)
	}
	if err := checks.ValidateControls(lib, known); err != nil {
		t.Errorf("library: %v", err)
	}
}
