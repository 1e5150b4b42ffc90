package vendors

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/mds2"
	"github.com/vigil-health/vigil/internal/store"
)

// maxMDS2Size bounds an MDS2 file: the 2019 form is a few hundred rows.
const maxMDS2Size = 32 << 20

// MDS2Import says what an import attaches the form to: Manufacturer and
// Model, when set, replace the form's DOC-1 and DOC-3.
type MDS2Import struct {
	Manufacturer, Model string
}

// ImportMDS2 reads a manufacturer's MDS2 form (XLSX or CSV, 2019 layout)
// from r, named name, and stores it as the next version of its
// manufacturer and model, in one transaction with its audit event. A
// manufacturer already on file under another spelling (vigil.SameMaker:
// "GE Healthcare" and "GE Medical Systems") keeps the stored spelling, so
// its versions stay together. A form that does not fit the layout is
// refused (EINVALID) naming the file and the row.
func (s *Service) ImportMDS2(ctx context.Context, actor *vigil.User, name string, r io.Reader, opt MDS2Import) (*vigil.MDS2Form, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxMDS2Size+1))
	if err != nil {
		return nil, vigil.WrapError(vigil.EINVALID, fmt.Sprintf("reading %s", filepath.Base(name)), err)
	}
	if len(data) > maxMDS2Size {
		return nil, vigil.Errorf(vigil.EINVALID, "%s: larger than %d MiB: not an MDS2 form", filepath.Base(name), maxMDS2Size>>20)
	}
	f, err := mds2.Parse(filepath.Base(name), data)
	if err != nil {
		return nil, err
	}
	f.File = filepath.Base(name)
	if m := strings.TrimSpace(opt.Manufacturer); m != "" {
		f.Manufacturer = m
	}
	if m := strings.TrimSpace(opt.Model); m != "" {
		f.Model = m
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	err = s.update(ctx, actor, func(tx *store.Tx) error {
		forms, err := tx.FindMDS2Forms(ctx, false)
		if err != nil {
			return err
		}
		if old := matchMDS2(forms, f.Manufacturer, f.Model); old != nil {
			f.Manufacturer, f.Model = old.Manufacturer, old.Model
		}
		return tx.SaveMDS2(ctx, actor, f)
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// matchMDS2 returns the first form of forms for the manufacturer (loosely,
// vigil.SameMaker) and model (but for case and spacing), or nil.
func matchMDS2(forms []*vigil.MDS2Form, manufacturer, model string) *vigil.MDS2Form {
	d := &vigil.Device{Manufacturer: manufacturer, Model: model}
	for _, f := range forms {
		if f.Describes(d) {
			return f
		}
	}
	return nil
}

// MDS2For returns the MDS2 form in force (the newest version, with its
// questions) for a manufacturer and model as the inventory names them, or
// ENOTFOUND.
func (s *Service) MDS2For(ctx context.Context, manufacturer, model string) (*vigil.MDS2Form, error) {
	forms, err := s.db.FindMDS2Forms(ctx, false)
	if err != nil {
		return nil, err
	}
	f := matchMDS2(forms, manufacturer, model)
	if f == nil {
		return nil, vigil.Errorf(vigil.ENOTFOUND, "no MDS2 form on file for %s %s", manufacturer, model)
	}
	return s.db.FindMDS2Form(ctx, f.ID)
}

// MDS2Forms lists the forms on file without their questions: the newest
// version of each manufacturer and model, or every version when all.
func (s *Service) MDS2Forms(ctx context.Context, all bool) ([]*vigil.MDS2Form, error) {
	return s.db.FindMDS2Forms(ctx, all)
}

// MDS2Form returns one stored form with its questions, or ENOTFOUND.
func (s *Service) MDS2Form(ctx context.Context, id int64) (*vigil.MDS2Form, error) {
	return s.db.FindMDS2Form(ctx, id)
}
