package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/binder"
	"github.com/vigil-health/vigil/internal/blob"
	"github.com/vigil-health/vigil/internal/compliance"
	"github.com/vigil-health/vigil/internal/store"
)

// binderExportArgs are the export's validated flags.
type binderExportArgs struct {
	db, framework, out, key string
	at                      *time.Time // nil: now
}

// parseBinderExport reads and checks the export's flags.
func parseBinderExport(m *Main, args []string) (*binderExportArgs, error) {
	fs := m.flagSet("binder")
	a := &binderExportArgs{}
	var at string
	db := m.dbFlag(fs)
	fs.StringVar(&a.framework, "framework", "", "the framework's id: hipaa, csf2, hicp, ... (required)")
	fs.StringVar(&a.out, "out", "", "the binder to write, FILE.zip (required); written atomically")
	fs.StringVar(&at, "at", "", "the binder as of this date (2006-01-02, the end of that day) or time (RFC 3339); default now")
	fs.StringVar(&a.key, "key", m.Getenv("VIGIL_SIGNING_KEY"), "the installation's Ed25519 signing key, created on first use (env VIGIL_SIGNING_KEY; default beside the database)")
	pos, err := parseInterspersed(func(x []string) error { return parse(fs, x) }, fs.Args, args)
	if err != nil {
		return nil, err
	}
	a.db = *db
	switch {
	case len(pos) > 0:
		return nil, usagef("unexpected argument %q", pos[0])
	case a.framework == "":
		return nil, usagef("--framework is required")
	case a.out == "":
		return nil, usagef("--out is required")
	case !strings.EqualFold(filepath.Ext(a.out), ".zip"):
		return nil, usagef("--out %s: a binder is a .zip file", a.out)
	}
	if at != "" {
		t, err := parseAt(at)
		if err != nil {
			return nil, err
		}
		a.at = &t
	}
	return a, nil
}

// binderExport writes the binder of a framework through the compliance
// service, signed with the installation's key.
func binderExport(ctx context.Context, m *Main, args []string) error {
	a, err := parseBinderExport(m, args)
	if err != nil {
		return err
	}
	d, err := m.openDB(ctx, a.db)
	if err != nil {
		return err
	}
	defer d.Close()
	keyPath := a.key
	if keyPath == "" {
		file, err := d.File(ctx)
		if err != nil {
			return err
		}
		if file == "" {
			return usagef("--key (or VIGIL_SIGNING_KEY) is required with PostgreSQL: the signing key's file")
		}
		keyPath = filepath.Join(filepath.Dir(file), "signing.key")
	}
	key, err := binder.LoadOrCreateKey(keyPath)
	if err != nil {
		return vigil.WrapError(vigil.EUNAVAILABLE, "the signing key "+keyPath+": "+err.Error(), err)
	}
	svc, err := m.services(d)
	if err != nil {
		return err
	}
	opt := compliance.BinderOptions{Framework: a.framework, At: a.at, Path: a.out, Key: key, Hospital: hospitalName(ctx, d)}
	if svc.Evidence != nil {
		if opt.Blobs, err = blob.Open(svc.Evidence.Dir()); err != nil {
			return vigil.WrapError(vigil.EUNAVAILABLE, fmt.Sprintf("cannot open the evidence directory: %v", pathErr(err)), err)
		}
	}
	res, err := svc.Compliance.ExportBinder(ctx, m.actor(), opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "binder %s: %s at %s, %s; %d devices, %d evidence files, %d plan items; audit head %s\nsigned with key %s (give auditors this fingerprint)\n",
		res.Path, res.Evaluation.Framework, res.Evaluation.At.Format(time.RFC3339), summaryLine(res.Evaluation.Summary),
		res.Devices, res.Evidence, res.PlanItems, res.AuditHead, res.Fingerprint)
	return nil
}

// hospitalName names the organisation on the binder's pages: its hospitals'
// names, or "the hospital" when the inventory names none.
func hospitalName(ctx context.Context, d *store.DB) string {
	sites, err := d.FindSites(ctx)
	if err != nil {
		return "the hospital"
	}
	var names []string
	for _, s := range sites {
		if s.Kind == vigil.SiteHospital {
			names = append(names, s.Name)
		}
	}
	if len(names) == 0 {
		return "the hospital"
	}
	return strings.Join(names, ", ")
}
