package checks

import (
	"errors"
	"fmt"

	vigil "github.com/vigil-health/vigil"
)

// ValidateControls refuses checks that name a control known does not
// know, such as one missing from the framework catalogs: Parse only checks
// that a control id has its framework's shape. It returns one *FileError
// per unknown control, joined, each at the control's line and column in
// its file when the check was parsed from one.
func ValidateControls(cs []*Check, known func(vigil.ControlRef) bool) error {
	var errs []error
	for _, c := range cs {
		for i, ref := range c.Controls {
			if known(ref) {
				continue
			}
			e := &FileError{File: c.File, Field: "controls",
				Reason: fmt.Sprintf("%s is not a control of the %s catalog", ref, ref.Framework)}
			if i < len(c.controlPos) {
				e.Line, e.Column = c.controlPos[i].line, c.controlPos[i].column
			}
			errs = append(errs, e)
		}
	}
	return errors.Join(errs...)
}
