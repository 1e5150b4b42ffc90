package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/gudid"
)

func runGUDIDImport(ctx context.Context, m *Main, args []string) error {
	var lim *bound.Limits
	c, pos, err := openInv(ctx, m, "gudid import", args, []string{"table", "json"}, func(fs *flag.FlagSet) {
		lim = gudidLimitFlags(fs)
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 {
		return usagef("usage: vigil gudid import FILE")
	}
	if err := checkLimits(lim); err != nil {
		return err
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return vigil.WrapError(vigil.EINVALID, fmt.Sprintf("cannot read %s: %v", pos[0], pathErr(err)), err)
	}
	defer f.Close()
	// One transaction however large the release: a file that fails part
	// way stores nothing.
	total, err := c.db.ImportGUDID(ctx, m.actor(), pos[0], func(put func(*vigil.GUDIDDevice) error) error {
		_, err := gudid.Read(f, pos[0], *lim, put)
		return err
	})
	if err != nil {
		if e, ok := err.(*gudid.Error); ok {
			return vigil.Errorf(vigil.EINVALID, "%s: %s; nothing was stored", pos[0], e.Error())
		}
		return err
	}
	if c.format == "json" {
		return writeJSONOut(m.Stdout, total)
	}
	fmt.Fprintf(m.Stdout, "GUDID records imported from %s: %d read, %d added, %d updated, %d unchanged\n",
		pos[0], total.Records, total.Added, total.Updated, total.Unchanged)
	return nil
}

// gudidLimitFlags are the limits a GUDID release is read under: its size,
// its records, a value, a record, the nesting.
func gudidLimitFlags(fs *flag.FlagSet) *bound.Limits {
	return someLimitFlags(fs, bound.LimitFileBytes, bound.LimitRows, bound.LimitFieldBytes, bound.LimitRecordBytes, bound.LimitDepth)
}
