package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/udi"
)

func runGUDIDShow(ctx context.Context, m *Main, args []string) error {
	c, pos, err := openInv(ctx, m, "gudid show", args, []string{"table", "json"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 {
		return usagef("usage: vigil gudid show DI")
	}
	g, err := c.db.FindGUDID(ctx, diOf(pos[0]))
	if err != nil {
		return err
	}
	if c.format == "json" {
		return writeJSONOut(m.Stdout, g)
	}
	writeGUDID(m.Stdout, g, "")
	return nil
}

// diOf returns the device identifier of a UDI in any form, or the text
// itself when it is no UDI.
func diOf(s string) string {
	if u, err := udi.Parse(s); err == nil {
		return u.DI
	}
	if u, err := udi.ParseDI("", s); err == nil {
		return u.DI
	}
	return s
}

// writeGUDID writes a GUDID record as indented lines.
func writeGUDID(w io.Writer, g *vigil.GUDIDDevice, indent string) {
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "%s%-12s %s\n", indent, k, v)
		}
	}
	line("primary DI", g.PrimaryDI+" ("+g.Issuer+")")
	line("package DIs", strings.Join(g.PackageDIs, ", "))
	line("company", g.Company)
	line("brand", g.Brand)
	line("model", g.Model)
	line("catalog", g.Catalog)
	line("description", g.Description)
	line("GMDN", strings.Join(g.GMDNTerms, "; "))
	line("status", g.Status)
}

// deviceGUDID returns the GUDID record of a device's UDI, or nil when it
// has no UDI or GUDID does not know its DI.
func deviceGUDID(ctx context.Context, db *store.DB, udiValue string) *vigil.GUDIDDevice {
	if udiValue == "" {
		return nil
	}
	g, err := db.FindGUDID(ctx, diOf(udiValue))
	if err != nil {
		return nil
	}
	return g
}
