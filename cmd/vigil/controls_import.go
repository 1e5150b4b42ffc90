package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/catalog"
)

// controlsImport makes an OSCAL 1.x catalog a framework that checks and
// attestations can name.
func controlsImport(ctx context.Context, m *Main, args []string) error {
	var id *string
	var lim *bound.Limits
	c, pos, err := openInv(ctx, m, "controls import", args, []string{"table"}, func(fs *flag.FlagSet) {
		id = fs.String("id", "", "the framework's id (default: the file's base name, lower-cased)")
		lim = someLimitFlags(fs, bound.LimitFileBytes, bound.LimitRows, bound.LimitFieldBytes, bound.LimitDepth)
		// A catalog is decoded whole: it takes a Share of two limits.
		fs.Lookup("max-file-bytes").Usage = fmt.Sprintf("a catalog may be 1/%d of this (e.g. 512MiB: a catalog of 32 MiB)", catalog.Share)
		fs.Lookup("max-rows").Usage = fmt.Sprintf("a catalog may hold 1/%d of these controls and groups", catalog.Share)
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 {
		return usagef("usage: vigil controls import FILE [--id ID]")
	}
	if err := checkLimits(lim); err != nil {
		return err
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return vigil.WrapError(vigil.EINVALID, fmt.Sprintf("cannot read %s: %v", pos[0], pathErr(err)), err)
	}
	defer f.Close()
	comp, err := m.compliance(c.db)
	if err != nil {
		return err
	}
	fw, err := comp.ImportFramework(ctx, m.actor(), pos[0], *id, f, *lim)
	if err != nil {
		return err
	}
	withdrawn := 0
	for _, ctl := range fw.Controls {
		if ctl.Withdrawn {
			withdrawn++
		}
	}
	fmt.Fprintf(m.Stdout, "imported framework %s: %s", fw.ID, fw.Title)
	if fw.Version != "" {
		fmt.Fprintf(m.Stdout, " (version %s)", fw.Version)
	}
	fmt.Fprintf(m.Stdout, ", %d controls (%d withdrawn)\n", len(fw.Controls), withdrawn)
	return nil
}
