package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
)

func evidenceAdd(ctx context.Context, m *Main, args []string) error {
	var title, effective, expires, collected *string
	var supersedes *int64
	var controls, devices, areas listFlag
	var lim *bound.Limits
	c, ev, pos, err := openEvidence(ctx, m, "add", args, []string{"table", "json"}, func(fs *flag.FlagSet) {
		title = fs.String("title", "", "what the evidence is (required)")
		fs.Var(&controls, "control", "a control it supports, framework:control; repeat for several")
		fs.Var(&devices, "device", "a device it supports (id or asset tag); repeat for several")
		fs.Var(&areas, "area", "a control area: governance, inventory, access-control, vulnerability-management, monitoring, incident-response, vendor-management, training; repeat for several")
		effective = fs.String("effective", "", "the period it speaks for: FROM or FROM..TO (dates; default from its collection, open-ended)")
		expires = fs.String("expires", "", "when it goes stale and must be gathered again (date)")
		collected = fs.String("collected", "", "when it was gathered (date; default now)")
		supersedes = fs.Int64("supersedes", 0, "store it as the next version of this evidence id")
		lim = someLimitFlags(fs, bound.LimitFileBytes)
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 || *title == "" && *supersedes == 0 {
		return usagef("usage: vigil evidence add FILE --title T --control FW:ID... [--device D]... [--area A] [--effective FROM[..TO]] [--expires DATE]")
	}
	if err := checkLimits(lim); err != nil {
		return err
	}
	ev = ev.WithLimits(*lim)
	meta := &vigil.Evidence{Title: *title, FileName: filepath.Base(pos[0])}
	for _, s := range controls {
		ref, err := controlRef(s, "")
		if err != nil {
			return err
		}
		meta.Controls = append(meta.Controls, ref)
	}
	for _, s := range areas {
		meta.Areas = append(meta.Areas, vigil.EvidenceArea(s))
	}
	for _, s := range devices {
		d, err := findDevice(ctx, c.db, s)
		if err != nil {
			return err
		}
		meta.Devices = append(meta.Devices, d.ID)
	}
	if *effective != "" {
		if meta.EffectiveFrom, meta.EffectiveTo, err = vigil.ParsePeriod(*effective); err != nil {
			return usagef("--effective: %s", vigil.ErrorMessage(err))
		}
	}
	for _, f := range []struct {
		name string
		s    string
		t    *time.Time
	}{{"--expires", *expires, &meta.ExpiresAt}, {"--collected", *collected, &meta.CollectedAt}} {
		if f.s == "" {
			continue
		}
		if *f.t, err = vigil.ParseDate(f.s); err != nil {
			return usagef("%s: %s", f.name, vigil.ErrorMessage(err))
		}
	}
	file, err := os.Open(pos[0])
	if err != nil {
		return vigil.WrapError(vigil.EINVALID, fmt.Sprintf("cannot read %s: %v", pos[0], pathErr(err)), err)
	}
	defer file.Close()
	var e *vigil.Evidence
	if *supersedes != 0 {
		e, err = ev.NewVersion(ctx, m.actor(), *supersedes, meta, file)
	} else {
		e, err = ev.Add(ctx, m.actor(), meta, file)
	}
	if err != nil {
		return err
	}
	if c.format == "json" {
		return writeJSONOut(m.Stdout, e)
	}
	fmt.Fprintf(m.Stdout, "evidence %d (version %d): %s, %s bytes, sha256 %s\n", e.ID, e.Version, e.Title, strconv.FormatInt(e.Size, 10), e.Key)
	return nil
}
