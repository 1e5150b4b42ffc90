package main

import (
	"context"
	"fmt"
	"strings"
)

func invConflicts(ctx context.Context, m *Main, args []string) error {
	c, _, err := openInv(ctx, m, "inventory conflicts", args, []string{"table", "json"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	cs, err := c.db.FindConflicts(ctx)
	if err != nil {
		return err
	}
	if c.format == "json" {
		out := make([]any, len(cs))
		for i, x := range cs {
			out[i] = x.Conflict
		}
		return writeJSONOut(m.Stdout, map[string]any{"conflicts": out})
	}
	t := &table{header: []string{"RECORD A", "RECORD B", "AGREE", "CONTRADICT"}}
	for _, x := range cs {
		var agree, contra []string
		for _, a := range x.Agree {
			agree = append(agree, a.Field+"="+a.Value)
		}
		for _, k := range x.Contradict {
			contra = append(contra, fmt.Sprintf("%s %s≠%s", k.Field, k.A, k.B))
		}
		t.add(x.KeyA, x.KeyB, strings.Join(agree, "; "), strings.Join(contra, "; "))
	}
	t.writeText(m.Stdout)
	fmt.Fprintf(m.Stdout, "%d conflicts; settle one with: vigil inventory decide 'RECORD A' 'RECORD B' --same|--different --note '...'\n", len(cs))
	return nil
}
