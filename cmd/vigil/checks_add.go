package main

import (
	"context"
	"flag"
	"fmt"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/checks"
)

// checksAdd stores a new check from its file.
func checksAdd(ctx context.Context, m *Main, args []string) error {
	var disabled *bool
	c, pos, err := openInv(ctx, m, "checks add", args, []string{"table"}, func(fs *flag.FlagSet) {
		disabled = fs.Bool("disabled", false, "store the check turned off")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 {
		return usagef("usage: vigil checks add FILE [--disabled]")
	}
	data, comp, err := checkFile(c, pos[0])
	if err != nil {
		return err
	}
	chk, err := comp.ParseCheck(ctx, pos[0], data)
	if err != nil {
		return err
	}
	if _, err := findCheck(ctx, c, chk.ID); err == nil || shipped(chk.ID) {
		return vigil.Errorf(vigil.ECONFLICT, "a check %q exists; change it with 'vigil checks edit %s %s'", chk.ID, chk.ID, pos[0])
	}
	v, err := comp.SaveCheck(ctx, m.actor(), pos[0], data, !*disabled)
	if err != nil {
		return err
	}
	return savedLine(m, v)
}

// checksEdit stores a new version of a check from its file.
func checksEdit(ctx context.Context, m *Main, args []string) error {
	c, pos, err := openInv(ctx, m, "checks edit", args, []string{"table"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 2 {
		return usagef("usage: vigil checks edit ID FILE")
	}
	id, path := pos[0], pos[1]
	data, comp, err := checkFile(c, path)
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
	// A shipped check is stored before the first evaluation; store them now
	// so that editing one keeps its shipped version in the history.
	if _, err := comp.InstallLibrary(ctx, m.actor()); err != nil {
		return err
	}
	cur, err := findCheck(ctx, c, id)
	if err != nil {
		return vigil.Errorf(vigil.ENOTFOUND, "no check %q to edit; store a new one with 'vigil checks add %s'", id, path)
	}
	if cur.Source == string(data) {
		fmt.Fprintf(m.Stdout, "check %s unchanged: version %d is this file\n", id, cur.Version)
		return nil
	}
	v, err := comp.SaveCheck(ctx, m.actor(), path, data, cur.Enabled)
	if err != nil {
		return err
	}
	return savedLine(m, v)
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
	if _, err := comp.InstallLibrary(ctx, m.actor()); err != nil {
		return err
	}
	cur, err := findCheck(ctx, c, pos[0])
	if err != nil {
		return err
	}
	if cur.Enabled == on {
		fmt.Fprintf(m.Stdout, "check %s is already %s (version %d)\n", cur.ID, enabledWord(on), cur.Version)
		return nil
	}
	v, err := comp.SetCheckEnabled(ctx, m.actor(), pos[0], on)
	if err != nil {
		return err
	}
	return savedLine(m, v)
}

// savedLine reports a stored check version.
func savedLine(m *Main, v *vigil.CheckVersion) error {
	_, err := fmt.Fprintf(m.Stdout, "check %s version %d stored, %s; 'vigil evaluate' weighs it\n", v.ID, v.Version, enabledWord(v.Enabled))
	return err
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
