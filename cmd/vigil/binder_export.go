package main

import (
	"context"
	"path/filepath"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
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
		return nil, usagef("unexpected argument %q\n%s", pos[0], binderUsage)
	case a.framework == "":
		return nil, usagef("--framework is required\n%s", binderUsage)
	case a.out == "":
		return nil, usagef("--out is required\n%s", binderUsage)
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

// binderExport writes the binder of a framework. The engine
// (internal/binder) is done; gathering its input from the services is not
// wired yet.
func binderExport(_ context.Context, m *Main, args []string) error {
	if _, err := parseBinderExport(m, args); err != nil {
		return err
	}
	return vigil.Errorf(vigil.EUNAVAILABLE, "binder export is not wired yet")
}
