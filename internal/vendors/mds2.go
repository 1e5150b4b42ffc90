package vendors

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/mds2"
	"github.com/vigil-health/vigil/internal/store"
)

// MDS2Import says what an import attaches the form to: Manufacturer and
// Model, when set, replace the form's DOC-1 and DOC-3. Limits hold the
// form as it is read (zero fields are their defaults), an MDS2 form
// taking a sixteenth of them (mds2.Share: 32 MiB of --max-file-bytes).
type MDS2Import struct {
	Manufacturer, Model string
	Limits              bound.Limits
}

// ImportMDS2 reads a manufacturer's MDS2 form (XLSX or CSV, 2019 layout)
// from r, named name, and stores it as the next version of its
// manufacturer and model, in one transaction with its audit event. A
// manufacturer already on file under another spelling (vigil.SameMaker:
// "GE Healthcare" and "GE Medical Systems") keeps the stored spelling, so
// its versions stay together. A form that does not fit the layout is
// refused (EINVALID) naming the file and the row. r is read in place when
// it can be (a file, an upload, a bytes.Reader: an io.ReaderAt and an
// io.Seeker), else up to the form's share of --max-file-bytes.
func (s *Service) ImportMDS2(ctx context.Context, actor *vigil.User, name string, r io.Reader, opt MDS2Import) (*vigil.MDS2Form, error) {
	ra, size, err := mds2Source(r, opt.Limits)
	if err != nil {
		return nil, vigil.WrapError(vigil.EINVALID, fmt.Sprintf("reading %s", filepath.Base(name)), err)
	}
	f, err := mds2.Read(filepath.Base(name), ra, size, opt.Limits)
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

// mds2Source returns r as an io.ReaderAt and its size: r itself when it is
// one, else what it holds up to a byte past an MDS2 form's share of
// lim.FileBytes, for mds2.Read to refuse by its size.
func mds2Source(r io.Reader, lim bound.Limits) (io.ReaderAt, int64, error) {
	if rs, ok := r.(interface {
		io.ReaderAt
		io.Seeker
	}); ok {
		size, err := rs.Seek(0, io.SeekEnd)
		return rs, size, err
	}
	data, err := io.ReadAll(io.LimitReader(r, lim.OrDefault().FileBytes/mds2.Share+1))
	return bytes.NewReader(data), int64(len(data)), err
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
