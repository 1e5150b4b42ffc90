package main

import (
	"context"
	"flag"
	"fmt"

	vigil "github.com/vigil-health/vigil"
)

func runVendorsCertAdd(ctx context.Context, m *Main, args []string) error {
	var kind, name, issuer, scope, from, to, expires *string
	var evidence *int64
	c, pos, err := openInv(ctx, m, "vendors cert add", args, []string{"table"}, func(fs *flag.FlagSet) {
		kind = fs.String("kind", "", "iso27001, soc2-type2, hitrust-r2 or other")
		name = fs.String("name", "", "what an \"other\" certification is")
		issuer = fs.String("issuer", "", "the certification body or audit firm")
		scope = fs.String("scope", "", "what it covers")
		from = fs.String("from", "", "the start of the period a report covers (2006-01-02)")
		to = fs.String("to", "", "the end of the period a report covers")
		expires = fs.String("expires", "", "the date it expires")
		evidence = fs.Int64("evidence", 0, "the report's evidence id (vigil evidence add)")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 || *kind == "" || *issuer == "" || *expires == "" {
		return usagef("usage: vigil vendors cert add VENDOR --kind iso27001|soc2-type2|hitrust-r2|other --issuer I --expires DATE [--name N] [--scope S] [--from DATE --to DATE] [--evidence ID]")
	}
	ce := &vigil.Certification{Kind: vigil.CertKind(*kind), Name: *name, Issuer: *issuer, Scope: *scope, EvidenceID: *evidence}
	if ce.Expires, err = parseDay("--expires", *expires); err != nil {
		return err
	}
	if ce.PeriodStart, err = optionalDay("--from", *from); err != nil {
		return err
	}
	if ce.PeriodEnd, err = optionalDay("--to", *to); err != nil {
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
	ce.VendorID = v.ID
	if err := svc.AddCertification(ctx, m.actor(), ce); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "certification %d: %s %s by %s, expires %s\n", ce.ID, vendorLabel(v), ce.Kind, ce.Issuer, dayOrDash(ce.Expires))
	return nil
}
