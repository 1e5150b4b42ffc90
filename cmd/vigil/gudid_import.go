package main

import (
	"context"
	"fmt"
	"os"
	"strconv"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/gudid"
)

// gudidBatch is how many records one transaction stores: a full release
// holds millions, read as a stream and never held whole.
const gudidBatch = 1000

var gudidBatchText = strconv.Itoa(gudidBatch)

func runGUDIDImport(ctx context.Context, m *Main, args []string) error {
	c, pos, err := openInv(ctx, m, "gudid import", args, []string{"table", "json"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 {
		return usagef("usage: vigil gudid import FILE")
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return vigil.WrapError(vigil.EINVALID, fmt.Sprintf("cannot read %s: %v", pos[0], pathErr(err)), err)
	}
	defer f.Close()
	total := &vigil.GUDIDImportResult{File: pos[0]}
	batch := make([]*vigil.GUDIDDevice, 0, gudidBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		res, err := c.db.SaveGUDID(ctx, m.actor(), pos[0], batch)
		if err != nil {
			return err
		}
		total.Records += res.Records
		total.Added += res.Added
		total.Updated += res.Updated
		total.Unchanged += res.Unchanged
		batch = batch[:0]
		return nil
	}
	_, err = gudid.Read(f, func(g *vigil.GUDIDDevice) error {
		batch = append(batch, g)
		if len(batch) == gudidBatch {
			return flush()
		}
		return ctx.Err()
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		if e, ok := err.(*gudid.Error); ok {
			return vigil.Errorf(vigil.EINVALID, "%s: %s (%d records stored before it)", pos[0], e.Error(), total.Records)
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
