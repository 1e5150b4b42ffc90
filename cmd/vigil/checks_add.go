package main

import (
	"context"
	"flag"
	"fmt"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/checks"
)

// checksAdd stores a new check from its file.
func checksAdd(ctx context.Context, m *Main, args []string) error {
	var disabled *bool
	var lim *bound.Limits
	c, pos, err := openInv(ctx, m, "checks add", args, []string{"table"}, func(fs *flag.FlagSet) {
		disabled = fs.Bool("disabled", false, "store the check turned off")
		lim = wholeFileFlags(fs)
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 {
		return usagef("usage: vigil checks add FILE [--disabled]")
	}
	data, comp, err := checkFile(c, pos[0], lim)
	if err != nil {
		return err
	}
	chk, err := comp.ParseCheck(ctx, pos[0], data)
	if err != nil {
		return err
	}
	v, err := comp.AddCheck(ctx, m.actor(), pos[0], data, !*disabled)
	if vigil.ErrorCode(err) == vigil.ECONFLICT {
		return vigil.Errorf(vigil.ECONFLICT, "a check %q exists; change it with 'vigil checks edit %s %s'", chk.ID, chk.ID, pos[0])
	} else if v == nil {
		return err
	}
	return savedLine(m, v, err)
}

// checksEdit stores a new version of a check from its file.
func checksEdit(ctx context.Context, m *Main, args []string) error {
	var lim *bound.Limits
	c, pos, err := openInv(ctx, m, "checks edit", args, []string{"table"}, func(fs *flag.FlagSet) { lim = wholeFileFlags(fs) })
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 2 {
		return usagef("usage: vigil checks edit ID FILE")
	}
	id, path := pos[0], pos[1]
	data, comp, err := checkFile(c, path, lim)
	if err != nil {
		return err
	}
	chk, err := comp.ParseCheck(ctx, path, data)
	if err != nil {
		return err
	}
	if chk.ID != id {
		return vigil.Errorf(vigil.EINVALID, "%s holds the check %q, not %q", path, chk.ID, id)
	}
	cur, err := findCheck(ctx, c, id)
	if err != nil && shipped(id) {
		// A fresh store: the service stores the shipped checks first.
		cur, err = &vigil.CheckVersion{ID: id, Enabled: true}, nil
	}
	if err != nil {
		return vigil.Errorf(vigil.ENOTFOUND, "no check %q to edit; store a new one with 'vigil checks add %s'", id, path)
	}
	if cur.Source == string(data) {
		fmt.Fprintf(m.Stdout, "check %s unchanged: version %d is this file\n", id, cur.Version)
		return nil
	}
	v, err := comp.SaveCheck(ctx, m.actor(), path, data, cur.Enabled)
	if v == nil {
		return err
	}
	return savedLine(m, v, err)
}

// checksEnable turns a check on or off.
func checksEnable(ctx context.Context, m *Main, args []string, on bool) error {
	name := "disable"
	if on {
		name = "enable"
	}
	c, pos, err := openInv(ctx, m, "checks "+name, args, []string{"table"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 {
		return usagef("usage: vigil checks %s ID", name)
	}
	comp, err := m.compliance(c.db)
	if err != nil {
		return err
	}
	cur, err := findCheck(ctx, c, pos[0])
	if err != nil && shipped(pos[0]) {
		cur, err = &vigil.CheckVersion{ID: pos[0], Enabled: true}, nil
	}
	if err != nil {
		return err
	}
	if cur.Enabled == on {
		fmt.Fprintf(m.Stdout, "check %s is already %s (version %d)\n", cur.ID, enabledWord(on), cur.Version)
		return nil
	}
	v, err := comp.SetCheckEnabled(ctx, m.actor(), pos[0], on)
	if v == nil {
		return err
	}
	return savedLine(m, v, err)
}

// savedLine reports a stored check version, and then evalErr: the
// re-evaluation that follows a saved check, which may have failed.
func savedLine(m *Main, v *vigil.CheckVersion, evalErr error) error {
	fmt.Fprintf(m.Stdout, "check %s version %d stored, %s; every framework evaluated again\n", v.ID, v.Version, enabledWord(v.Enabled))
	return evalErr
}

// shipped reports whether Vigil ships a check of that id.
func shipped(id string) bool {
	lib, err := checks.Library()
	if err != nil {
		return false
	}
	for _, c := range lib {
		if c.ID == id {
			return true
		}
	}
	return false
}
