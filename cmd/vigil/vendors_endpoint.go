package main

import (
	"context"
	"flag"
	"fmt"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/vendors"
)

func runVendorsEndpointAdd(ctx context.Context, m *Main, args []string) error {
	var kind, value, tool *string
	c, pos, err := openInv(ctx, m, "vendors endpoint add", args, []string{"table"}, func(fs *flag.FlagSet) {
		kind = fs.String("kind", "", "address (IP or CIDR), host (DNS name, *.x), tls-name (SNI or certificate name, *.x) or cert-org (certificate O=)")
		value = fs.String("value", "", "the address, name or organisation")
		tool = fs.String("tool", "", "the remote-access tool used through it (GE InSite, TeamViewer)")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 || *kind == "" || *value == "" {
		return usagef("usage: vigil vendors endpoint add VENDOR --kind address|host|tls-name|cert-org --value V [--tool T]")
	}
	e := vigil.VendorEndpoint{Kind: vigil.EndpointKind(*kind), Value: *value, Tool: *tool}
	svc, err := m.vendors(c.db)
	if err != nil {
		return err
	}
	v, err := svc.AddEndpoint(ctx, m.actor(), pos[0], e)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "%s: %d endpoint(s)\n", vendorLabel(v), len(v.Endpoints))
	return nil
}

func runVendorsEndpointList(ctx context.Context, m *Main, args []string) error {
	c, pos, err := openInv(ctx, m, "vendors endpoint list", args, []string{"table", "json"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 {
		return usagef("usage: vigil vendors endpoint list VENDOR [--format table|json]")
	}
	v, err := vendors.New(c.db).Find(ctx, pos[0])
	if err != nil {
		return err
	}
	if c.format == "json" {
		return writeJSONOut(m.Stdout, v.Endpoints)
	}
	t := &table{header: []string{"KIND", "VALUE", "TOOL"}}
	for _, e := range v.Endpoints {
		t.add(string(e.Kind), e.Value, e.Tool)
	}
	return t.writeText(m.Stdout)
}
