package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/vendors"
)

func runVendorsImport(ctx context.Context, m *Main, args []string) error {
	c, err := openList(ctx, m, "vendors import", args)
	if err != nil {
		return err
	}
	defer c.Close()
	svc, err := m.vendors(c.db)
	if err != nil {
		return err
	}
	res, err := svc.ImportList(ctx, m.actor(), c.list)
	if err != nil {
		return err
	}
	if c.format == "json" {
		return writeJSONOut(m.Stdout, res)
	}
	fmt.Fprintf(m.Stdout, "vendors imported: %d rows, %d added, %d updated\n", res.Rows, res.Added, res.Updated)
	return nil
}

// listCmd is a command importing one list file (CSV or XLSX): the
// database, the list and its file.
type listCmd struct {
	*invCmd
	list vendors.List
	file *os.File
}

func (c *listCmd) Close() {
	c.file.Close()
	c.db.Close()
}

// openList opens the database and the one list file a command named name
// imports, with the limits of its --max-* flags: every limit of a table
// applies (vendors.List). The caller closes it.
func openList(ctx context.Context, m *Main, name string, args []string) (*listCmd, error) {
	var lim *bound.Limits
	c, pos, err := openInv(ctx, m, name, args, []string{"table", "json"}, func(fs *flag.FlagSet) {
		lim = limitFlags(fs)
		sharedLimitUsage(fs, vendors.ListShare, "a list")
	})
	if err != nil {
		return nil, err
	}
	if len(pos) != 1 {
		c.db.Close()
		return nil, usagef("usage: vigil %s FILE", name)
	}
	f, size, err := openImportFile(pos[0], lim)
	if err != nil {
		c.db.Close()
		return nil, err
	}
	return &listCmd{invCmd: c, list: vendors.List{Name: pos[0], R: f, Size: size, Limits: *lim}, file: f}, nil
}

// sharedLimitUsage says in a command's help that its file takes 1/share
// of --max-file-bytes and --max-rows; what names the file ("a list").
func sharedLimitUsage(fs *flag.FlagSet, share int64, what string) {
	fs.Lookup("max-file-bytes").Usage = fmt.Sprintf("%s may be 1/%d of this, and its rows hold as much (e.g. 512MiB: %s of %d MiB)", what, share, what, 512/share)
	fs.Lookup("max-rows").Usage = fmt.Sprintf("%s may have 1/%d of these rows", what, share)
}

// openImportFile checks the limits and opens the file at path, read in
// place by the importer, and returns its size.
func openImportFile(path string, lim *bound.Limits) (*os.File, int64, error) {
	if err := checkLimits(lim); err != nil {
		return nil, 0, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, vigil.WrapError(vigil.EINVALID, fmt.Sprintf("cannot read %s: %v", path, pathErr(err)), err)
	}
	st, err := f.Stat()
	if err == nil && !st.Mode().IsRegular() {
		err = fmt.Errorf("not a regular file")
	}
	if err != nil {
		f.Close()
		return nil, 0, vigil.WrapError(vigil.EINVALID, fmt.Sprintf("cannot read %s: %v", path, err), err)
	}
	return f, st.Size(), nil
}
