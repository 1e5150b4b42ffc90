package main

import (
	"context"
	"flag"
	"fmt"

	vigil "github.com/vigil-health/vigil"
)

func runVendorsBAAAdd(ctx context.Context, m *Main, args []string) error {
	var signed, effective, expires, renewal *string
	var evidence *int64
	var services, data listFlag
	c, pos, err := openInv(ctx, m, "vendors baa add", args, []string{"table"}, func(fs *flag.FlagSet) {
		signed = fs.String("signed", "", "the date it was signed (2006-01-02)")
		effective = fs.String("effective", "", "the date it takes effect (default: signed)")
		expires = fs.String("expires", "", "the date it expires")
		renewal = fs.String("renewal", "", "the date it is due for renewal")
		fs.Var(&services, "service", "a service it covers (repeatable)")
		fs.Var(&data, "data", "a kind of data it covers (repeatable)")
		evidence = fs.Int64("evidence", 0, "the signed copy's evidence id (vigil evidence add)")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 || *signed == "" {
		return usagef("usage: vigil vendors baa add VENDOR --signed DATE [--effective DATE] [--expires DATE] [--renewal DATE] [--service S]... [--data D]... [--evidence ID]")
	}
	b := &vigil.BAA{Services: services, Data: data, EvidenceID: *evidence}
	if b.Signed, err = parseDay("--signed", *signed); err != nil {
		return err
	}
	if b.Effective, err = optionalDay("--effective", *effective); err != nil {
		return err
	}
	if b.Expires, err = optionalDay("--expires", *expires); err != nil {
		return err
	}
	if b.Renewal, err = optionalDay("--renewal", *renewal); err != nil {
		return err
	}
	svc, err := m.vendors(c.db)
	if err != nil {
		return err
	}
	v, err := svc.Find(ctx, pos[0])
	if err != nil {
		return err
	}
	b.VendorID = v.ID
	if err := svc.AddBAA(ctx, m.actor(), b); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "BAA %d: %s version %d, signed %s, due %s\n", b.ID, vendorLabel(v), b.Version, dayOrDash(b.Signed), dayOrDash(b.Due()))
	return nil
}
