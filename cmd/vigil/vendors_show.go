package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/vigil-health/vigil/internal/vendors"
)

func runVendorsShow(ctx context.Context, m *Main, args []string) error {
	c, pos, err := openInv(ctx, m, "vendors show", args, []string{"table", "json"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 {
		return usagef("usage: vigil vendors show VENDOR [--format table|json]")
	}
	p, err := vendors.New(c.db).Show(ctx, pos[0])
	if err != nil {
		return err
	}
	if c.format == "json" {
		return writeJSONOut(m.Stdout, p)
	}
	w, v := m.Stdout, p.Vendor
	fmt.Fprintf(w, "vendor %d: %s (%s)\n", v.ID, v.Name, v.Kind)
	if len(v.Aliases) > 0 {
		fmt.Fprintf(w, "aliases: %s\n", strings.Join(v.Aliases, "; "))
	}
	if len(v.Models) > 0 {
		fmt.Fprintf(w, "models: %s\n", strings.Join(v.Models, "; "))
	}
	for _, ct := range v.Contacts {
		fmt.Fprintf(w, "contact: %s\n", strings.Join(nonEmpty(ct.Name, ct.Role, ct.Email, ct.Phone), ", "))
	}
	fmt.Fprintf(w, "risk: %s (%s)\n", p.Risk.Tier, strings.Join(p.Risk.Factors, "; "))
	fmt.Fprintf(w, "devices: %d\n", len(p.Devices))
	for _, d := range p.Devices {
		fmt.Fprintf(w, "  %d  %s  %s %s  %s\n", d.ID, d.Label(), d.Manufacturer, d.Model, d.Criticality)
	}
	if len(p.BAAs) == 0 {
		fmt.Fprintln(w, "BAA: none")
	}
	for _, b := range p.BAAs {
		fmt.Fprintf(w, "BAA v%d (%d): signed %s, effective %s, due %s, services %s, data %s, evidence %s\n", b.Version, b.ID,
			dayOrDash(b.Signed), dayOrDash(b.Effective), dayOrDash(b.Due()), listOrDash(b.Services), listOrDash(b.Data), idOrDash(b.EvidenceID))
	}
	for _, ce := range p.Certifications {
		fmt.Fprintf(w, "certification %d: %s%s by %s, expires %s, evidence %s\n", ce.ID, ce.Kind, strings.TrimSuffix(" "+ce.Name, " "),
			ce.Issuer, dayOrDash(ce.Expires), idOrDash(ce.EvidenceID))
	}
	return nil
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func listOrDash(ss []string) string {
	if len(ss) == 0 {
		return "-"
	}
	return strings.Join(ss, "; ")
}

func idOrDash(id int64) string {
	if id == 0 {
		return "-"
	}
	return fmt.Sprint(id)
}
