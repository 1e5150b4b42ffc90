package main

import (
	"context"
	"fmt"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/account"
	"github.com/vigil-health/vigil/internal/password"
)

func runUser(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 || args[0] != "add" {
		return usagef("usage: vigil user add NAME --role ROLE [--password PW]")
	}
	fs := m.flagSet("user add")
	db := m.dbFlag(fs)
	role := fs.String("role", "", "role: admin, compliance, clinical-engineering, it or auditor")
	pw := fs.String("password", "", "password (at least 12 characters); generated and printed when empty")
	// Accept NAME before or after the flags.
	rest := args[1:]
	var name string
	if len(rest) > 0 && len(rest[0]) > 0 && rest[0][0] != '-' {
		name, rest = rest[0], rest[1:]
	}
	if err := parse(fs, rest); err != nil {
		return err
	}
	if name == "" && fs.NArg() > 0 {
		name = fs.Arg(0)
	}
	if name == "" || *role == "" {
		return usagef("usage: vigil user add NAME --role ROLE [--password PW]")
	}
	d, err := openDB(ctx, *db)
	if err != nil {
		return err
	}
	defer d.Close()
	secret := *pw
	if secret == "" {
		if secret, err = password.Generate(20); err != nil {
			return err
		}
	}
	u := &vigil.User{Name: name, Role: vigil.Role(*role)}
	if err := account.New(d, false).CreateUser(ctx, m.actor(), u, secret); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "created user %s with role %s\n", u.Name, u.Role)
	if *pw == "" {
		fmt.Fprintf(m.Stdout, "password: %s\n", secret)
	}
	return nil
}
