package main

import (
	"context"
	"flag"
	"fmt"

	vigil "github.com/vigil-health/vigil"
)

func runVendorsAdd(ctx context.Context, m *Main, args []string) error {
	var kind, contact, email, phone, notes *string
	var aliases, models listFlag
	c, pos, err := openInv(ctx, m, "vendors add", args, []string{"table"}, func(fs *flag.FlagSet) {
		kind = fs.String("kind", "manufacturer", "manufacturer, service-provider, software or cloud")
		fs.Var(&aliases, "alias", "another name the inventory uses for the vendor (repeatable)")
		fs.Var(&models, "model", "a model the vendor makes or services (repeatable)")
		contact = fs.String("contact", "", "a contact's name")
		email = fs.String("email", "", "the contact's e-mail")
		phone = fs.String("phone", "", "the contact's phone")
		notes = fs.String("notes", "", "free text")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 {
		return usagef("usage: vigil vendors add NAME [--kind K] [--alias A]... [--model M]... [--contact N --email E --phone P] [--notes T]")
	}
	v := &vigil.Vendor{Name: pos[0], Kind: vigil.VendorKind(*kind), Aliases: aliases, Models: models, Notes: *notes}
	if *contact != "" || *email != "" || *phone != "" {
		v.Contacts = []vigil.VendorContact{{Name: *contact, Email: *email, Phone: *phone}}
	}
	svc, err := m.vendors(c.db)
	if err != nil {
		return err
	}
	if err := svc.Add(ctx, m.actor(), v); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "vendor %d: %s (%s)\n", v.ID, v.Name, v.Kind)
	return nil
}
