package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/atomicfile"
)

func evidenceGet(ctx context.Context, m *Main, args []string) error {
	var out *string
	c, ev, pos, err := openEvidence(ctx, m, "get", args, []string{"table"}, func(fs *flag.FlagSet) {
		out = fs.String("out", "", "the file to write (required; - for standard output)")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 || *out == "" {
		return usagef("usage: vigil evidence get ID --out FILE")
	}
	id, err := evidenceID(pos[0])
	if err != nil {
		return err
	}
	e, f, err := ev.Open(ctx, id)
	if err != nil {
		return err
	}
	defer f.Close()
	if *out == "-" {
		_, err := io.Copy(m.Stdout, f)
		return err
	}
	// Written beside the destination and renamed, so that a failed copy
	// leaves no partial file under the name asked for.
	if err := atomicfile.Write(*out, 0o644, func(w *os.File) error { _, err := io.Copy(w, f); return err }); err != nil {
		return vigil.WrapError(vigil.EUNAVAILABLE, fmt.Sprintf("cannot write %s: %v", *out, pathErr(err)), err)
	}
	fmt.Fprintf(m.Stderr, "evidence %d: %s, %d bytes, written to %s\n", e.ID, e.FileName, e.Size, *out)
	return nil
}
