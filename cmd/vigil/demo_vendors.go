package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/vigil-health/vigil/internal/gen"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/vendors"
	"github.com/vigil-health/vigil/internal/web"
)

// loadDemoVendors imports the demo hospital's vendor side through the same
// parsers as 'vigil vendors import', 'vigil vendors agreements import',
// 'vigil models import' and 'vigil mds2 import', then evaluates the
// controls once for all of it.
func loadDemoVendors(ctx context.Context, m *Main, d *store.DB, dir string, h *gen.Hospital, svc web.Services) error {
	vs := vendors.New(d) // the evaluation runs once, at the end
	read := func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, name)) }
	data, err := read(gen.FileVendors)
	if err != nil {
		return err
	}
	vr, err := vs.Import(ctx, m.actor(), gen.FileVendors, data)
	if err != nil {
		return fmt.Errorf("loading the demo vendors: %w", err)
	}
	if data, err = read(gen.FileAgreements); err != nil {
		return err
	}
	ar, err := vs.ImportAgreements(ctx, m.actor(), gen.FileAgreements, data)
	if err != nil {
		return fmt.Errorf("loading the demo agreements: %w", err)
	}
	if data, err = read(gen.FileEndOfLife); err != nil {
		return err
	}
	er, err := vs.ImportModelSupport(ctx, m.actor(), gen.FileEndOfLife, data)
	if err != nil {
		return fmt.Errorf("loading the demo end-of-life notices: %w", err)
	}
	for _, f := range h.Oversight.MDS2 {
		path := filepath.Join(dir, gen.DirMDS2, f.File)
		file, err := os.Open(path)
		if err != nil {
			return err
		}
		_, err = vs.ImportMDS2(ctx, m.actor(), path, file, vendors.MDS2Import{})
		file.Close()
		if err != nil {
			return fmt.Errorf("loading the demo MDS2 forms: %w", err)
		}
	}
	fmt.Fprintf(m.Stdout, "imported vendors %4d vendors, %d BAA versions, %d certifications, %d MDS2 forms, %d end-of-life notices\n",
		vr.Added, ar.BAAs, ar.Certifications, len(h.Oversight.MDS2), er.Changed)
	return svc.Compliance.Changed(ctx, m.actor())
}
