package main

import (
	"context"
	"flag"
	"fmt"

	vigil "github.com/vigil-health/vigil"
)

func runVendorsCertAdd(ctx context.Context, m *Main, args []string) error {
	ce := &vigil.Certification{}
	var kind string
	c, pos, err := openInv(ctx, m, "vendors cert add", args, []string{"table"}, func(fs *flag.FlagSet) {
		fs.StringVar(&kind, "kind", "", "iso27001, soc2-type2, hitrust-r2 or other")
		fs.StringVar(&ce.Name, "name", "", "what an \"other\" certification is")
		fs.StringVar(&ce.Issuer, "issuer", "", "the certification body or audit firm")
		fs.StringVar(&ce.Scope, "scope", "", "what it covers")
		fs.Var(dayFlag{&ce.PeriodStart}, "from", "the start of the period a report covers (2006-01-02)")
		fs.Var(dayFlag{&ce.PeriodEnd}, "to", "the end of the period a report covers")
		fs.Var(dayFlag{&ce.Expires}, "expires", "the date it expires")
		fs.Int64Var(&ce.EvidenceID, "evidence", 0, "the report's evidence id (vigil evidence add)")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 || kind == "" || ce.Issuer == "" || ce.Expires.IsZero() {
		return usagef("usage: vigil vendors cert add VENDOR --kind iso27001|soc2-type2|hitrust-r2|other --issuer I --expires DATE [--name N] [--scope S] [--from DATE --to DATE] [--evidence ID]")
	}
	ce.Kind = vigil.CertKind(kind)
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
