package main

import (
	"context"
	"flag"
	"fmt"

	vigil "github.com/vigil-health/vigil"
)

func runVendorsBAAAdd(ctx context.Context, m *Main, args []string) error {
	b := &vigil.BAA{}
	var services, data listFlag
	c, pos, err := openInv(ctx, m, "vendors baa add", args, []string{"table"}, func(fs *flag.FlagSet) {
		fs.Var(dayFlag{&b.Signed}, "signed", "the date it was signed (2006-01-02)")
		fs.Var(dayFlag{&b.Effective}, "effective", "the date it takes effect (default: signed)")
		fs.Var(dayFlag{&b.Expires}, "expires", "the date it expires")
		fs.Var(dayFlag{&b.Renewal}, "renewal", "the date it is due for renewal")
		fs.Var(&services, "service", "a service it covers (repeatable)")
		fs.Var(&data, "data", "a kind of data it covers (repeatable)")
		fs.Int64Var(&b.EvidenceID, "evidence", 0, "the signed copy's evidence id (vigil evidence add)")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 || b.Signed.IsZero() {
		return usagef("usage: vigil vendors baa add VENDOR --signed DATE [--effective DATE] [--expires DATE] [--renewal DATE] [--service S]... [--data D]... [--evidence ID]")
	}
	b.Services, b.Data = services, data
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
