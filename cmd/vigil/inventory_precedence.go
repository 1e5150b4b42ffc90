package main

import (
	"context"
	"flag"
	"strings"

	vigil "github.com/vigil-health/vigil"
)

func invPrecedence(ctx context.Context, m *Main, args []string) error {
	var set *string
	c, _, err := openInv(ctx, m, "inventory precedence", args, []string{"table", "json"}, func(fs *flag.FlagSet) {
		set = fs.String("set", "", "FIELD=entry,entry,... (source names, roles, kinds or 'newest', best first)")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	p, err := c.db.Precedence(ctx)
	if err != nil {
		return err
	}
	if *set != "" {
		field, list, ok := strings.Cut(*set, "=")
		if !ok {
			return usagef("--set wants FIELD=entry,entry")
		}
		entries := strings.Split(list, ",")
		if field == "default" {
			p.Default = entries
		} else {
			if p.Fields == nil {
				p.Fields = map[string][]string{}
			}
			p.Fields[field] = entries
		}
		inv, err := m.inventory(c.db)
		if err != nil {
			return err
		}
		if err := inv.SetPrecedence(ctx, m.actor(), p); err != nil {
			return err
		}
	}
	if c.format == "json" {
		return writeJSONOut(m.Stdout, p)
	}
	t := &table{header: []string{"FIELD", "PRECEDENCE (BEST FIRST)"}}
	for _, f := range vigil.Fields {
		if l, ok := p.Fields[f]; ok {
			t.add(f, strings.Join(l, " > "))
		}
	}
	t.add("(default)", strings.Join(p.Default, " > "))
	return t.writeText(m.Stdout)
}
