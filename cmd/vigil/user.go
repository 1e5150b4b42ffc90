package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/account"
	"github.com/vigil-health/vigil/internal/password"
)

const userUsage = `usage: vigil user add NAME --role ROLE [--password PW]
       vigil user list [--format table|json]
       vigil user role NAME ROLE
       vigil user disable NAME
       vigil user enable NAME
       vigil user passwd NAME [--password PW]
roles: admin, compliance, clinical-engineering, it, auditor`

// runUser manages Vigil's users. The command line acts as an admin: whoever
// can run it can open the database anyway. Every change is audited with the
// operating system user (and --actor).
func runUser(ctx context.Context, m *Main, args []string) error {
	if len(args) == 0 {
		return usagef("%s", userUsage)
	}
	switch args[0] {
	case "add":
		return runUserAdd(ctx, m, args[1:])
	case "list":
		return runUserList(ctx, m, args[1:])
	case "role":
		return userChange(ctx, m, "user role", args[1:], 2, func(a *account.Service, pos []string) (string, error) {
			return pos[0] + " is now " + pos[1], a.SetRole(ctx, m.actor(), pos[0], vigil.Role(pos[1]))
		})
	case "disable", "enable":
		disable := args[0] == "disable"
		return userChange(ctx, m, "user "+args[0], args[1:], 1, func(a *account.Service, pos []string) (string, error) {
			return pos[0] + " is " + args[0] + "d", a.SetDisabled(ctx, m.actor(), pos[0], disable)
		})
	case "passwd":
		return runUserPasswd(ctx, m, args[1:])
	}
	return usagef("%s", userUsage)
}

// openAccounts parses a user or token command's flags and opens the
// store and the account service.
func openAccounts(ctx context.Context, m *Main, name string, args []string, formats []string, extra func(fs *flag.FlagSet)) (*invCmd, *account.Service, []string, error) {
	c, pos, err := openInv(ctx, m, name, args, formats, extra)
	if err != nil {
		return nil, nil, nil, err
	}
	return c, account.New(c.db, false), pos, nil
}

// userChange runs a change that takes n positional arguments.
func userChange(ctx context.Context, m *Main, name string, args []string, n int, change func(a *account.Service, pos []string) (string, error)) error {
	c, acct, pos, err := openAccounts(ctx, m, name, args, []string{"table"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != n {
		return usagef("%s", userUsage)
	}
	done, err := change(acct, pos)
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, done)
	return nil
}

func runUserAdd(ctx context.Context, m *Main, args []string) error {
	var role, pw *string
	c, acct, pos, err := openAccounts(ctx, m, "user add", args, []string{"table"}, func(fs *flag.FlagSet) {
		role = fs.String("role", "", "role: admin, compliance, clinical-engineering, it or auditor")
		pw = fs.String("password", "", "password (at least 12 characters); generated and printed when empty")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 || *role == "" {
		return usagef("usage: vigil user add NAME --role ROLE [--password PW] (roles: %s)", roleList())
	}
	secret, err := orGenerated(*pw)
	if err != nil {
		return err
	}
	u := &vigil.User{Name: pos[0], Role: vigil.Role(*role)}
	if err := acct.CreateUser(ctx, m.actor(), u, secret); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "created user %s with role %s\n", u.Name, u.Role)
	if *pw == "" {
		fmt.Fprintf(m.Stdout, "password: %s\n", secret)
	}
	return nil
}

func runUserPasswd(ctx context.Context, m *Main, args []string) error {
	var pw *string
	c, acct, pos, err := openAccounts(ctx, m, "user passwd", args, []string{"table"}, func(fs *flag.FlagSet) {
		pw = fs.String("password", "", "the new password (at least 12 characters); generated and printed when empty")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 {
		return usagef("usage: vigil user passwd NAME [--password PW]")
	}
	secret, err := orGenerated(*pw)
	if err != nil {
		return err
	}
	if err := acct.SetPassword(ctx, m.actor(), pos[0], secret); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "changed the password of %s; their sessions ended\n", pos[0])
	if *pw == "" {
		fmt.Fprintf(m.Stdout, "password: %s\n", secret)
	}
	return nil
}

func orGenerated(pw string) (string, error) {
	if pw != "" {
		return pw, nil
	}
	return password.Generate(20)
}

func roleList() string {
	rs := make([]string, len(vigil.Roles))
	for i, r := range vigil.Roles {
		rs[i] = string(r)
	}
	return strings.Join(rs, ", ")
}

func runUserList(ctx context.Context, m *Main, args []string) error {
	c, acct, pos, err := openAccounts(ctx, m, "user list", args, []string{"table", "json"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 0 {
		return usagef("usage: vigil user list [--format table|json]")
	}
	us, err := acct.FindUsers(ctx)
	if err != nil {
		return err
	}
	return emit(m.Stdout, c.format, map[string]any{"users": nonNilUsers(us)}, func() *table {
		t := &table{header: []string{"NAME", "ROLE", "STATE", "CREATED"}}
		for _, u := range us {
			state := "enabled"
			if u.Disabled {
				state = "disabled"
			}
			t.add(u.Name, string(u.Role), state, u.CreatedAt.UTC().Format("2006-01-02"))
		}
		return t
	})
}

func nonNilUsers(us []*vigil.User) []*vigil.User {
	if us == nil {
		return []*vigil.User{}
	}
	return us
}
