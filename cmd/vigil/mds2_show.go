package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/vendors"
)

func mds2Show(ctx context.Context, m *Main, args []string) error {
	var maker, model, device *string
	c, pos, err := openInv(ctx, m, "mds2 show", args, []string{"table", "json"}, func(fs *flag.FlagSet) {
		maker = fs.String("manufacturer", "", "the manufacturer, as the inventory names it")
		model = fs.String("model", "", "the model")
		device = fs.String("device", "", "the form of this device's model (id, asset tag, serial, MAC or host name)")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	const usage = "usage: vigil mds2 show ID | --manufacturer M --model X | --device D [--format table|json]"
	s := vendors.New(c.db)
	var f *vigil.MDS2Form
	switch {
	case len(pos) == 1 && *maker == "" && *model == "" && *device == "":
		id, perr := strconv.ParseInt(pos[0], 10, 64)
		if perr != nil {
			return usagef("%s", usage)
		}
		f, err = s.MDS2Form(ctx, id)
	case len(pos) == 0 && *model != "" && *device == "":
		f, err = s.MDS2For(ctx, *maker, *model)
	case len(pos) == 0 && *device != "" && *maker == "" && *model == "":
		d, derr := findDevice(ctx, c.db, *device)
		if derr != nil {
			return derr
		}
		f, err = s.MDS2For(ctx, d.Manufacturer, d.Model)
	default:
		return usagef("%s", usage)
	}
	if err != nil {
		return err
	}
	if c.format == "json" {
		return writeJSONOut(m.Stdout, f)
	}
	fmt.Fprintf(m.Stdout, "MDS2 form %d: %s %s, version %d\n", f.ID, f.Manufacturer, f.Model, f.Version)
	fmt.Fprintf(m.Stdout, "document %s, released %s, file %s, imported %s by %s\n\n",
		dash(f.DocumentID), dash(f.ReleaseDate), f.File, f.ImportedAt.Format("2006-01-02 15:04"), f.ImportedBy)
	facts := &table{header: []string{"FACT", "ANSWER", "QUESTION"}}
	for _, r := range mds2FactRows(f.Facts) {
		r[1] = answer(vigil.MDS2Answer(r[1]))
		facts.add(r...)
	}
	if err := facts.writeText(m.Stdout); err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout)
	qs := &table{header: []string{"ID", "ANSWER", "NOTES"}}
	for _, q := range f.Questions {
		a := q.Text
		if a == "" {
			a = answer(q.Answer)
		}
		qs.add(q.ID, a, q.Notes)
	}
	return qs.writeText(m.Stdout)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
