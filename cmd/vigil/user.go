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

// userCommand manages Vigil's users. The command line acts as an admin:
// whoever can run it can open the database anyway. Every change is audited
// with the operating system user (and --actor).
func userCommand() *command {
	return &command{
		name:    "user",
		summary: "manage users: user add|list|role|disable|enable|passwd|mfa",
		about: "Manages the people who sign in to the web UI and the API, each with a role: " +
			"admin, compliance, clinical-engineering, it or auditor (read only). The command " +
			"line acts as an admin; every change is audited with the operating system user " +
			"(and --actor).",
		examples: []string{
			"vigil user add alice --role compliance",
			"vigil user list",
			"vigil user role alice admin",
		},
		subs: []*command{
			{
				name:    "add",
				summary: "create a user with a role; prints a generated password",
				usage:   []string{"NAME --role ROLE [--password PW]"},
				about: "Creates a user with a role (admin, compliance, clinical-engineering, it or " +
					"auditor). Without --password a password is generated and printed once. The " +
					"first user of a new installation: this creates the database if needed.",
				examples: []string{
					"vigil user add alice --role compliance",
					"vigil user add audit-firm --role auditor --db /var/lib/vigil/vigil.db",
				},
				run:     runUserAdd,
				creates: true,
			},
			{
				name:    "list",
				summary: "the users, their roles and whether they are enabled",
				usage:   []string{"[--format table|json]"},
				about:   "Lists the users with their role, state and creation date.",
				examples: []string{
					"vigil user list",
					"vigil user list --format json",
				},
				run: runUserList,
			},
			{
				name:    "role",
				summary: "change a user's role",
				usage:   []string{"NAME ROLE"},
				about:   "Changes a user's role: admin, compliance, clinical-engineering, it or auditor.",
				examples: []string{
					"vigil user role alice admin",
				},
				run: runUserRole,
			},
			{
				name:    "disable",
				summary: "stop a user signing in; their sessions and tokens end",
				usage:   []string{"NAME"},
				about:   "Disables a user: they can no longer sign in and their sessions end.",
				examples: []string{
					"vigil user disable bob",
				},
				run: func(ctx context.Context, m *Main, args []string) error { return runUserDisable(ctx, m, args, true) },
			},
			{
				name:    "enable",
				summary: "let a disabled user sign in again",
				usage:   []string{"NAME"},
				about:   "Enables a disabled user again.",
				examples: []string{
					"vigil user enable bob",
				},
				run: func(ctx context.Context, m *Main, args []string) error { return runUserDisable(ctx, m, args, false) },
			},
			{
				name:    "passwd",
				summary: "set a user's password; prints a generated one",
				usage:   []string{"NAME [--password PW]"},
				about: "Sets a user's password (at least 12 characters); without --password one is " +
					"generated and printed once. Their sessions end.",
				examples: []string{
					"vigil user passwd alice",
				},
				run: runUserPasswd,
			},
			{
				name:    "mfa",
				summary: "second factors: user mfa reset NAME",
				about: "Manages users' TOTP second factors, which they set up themselves on their " +
					"account page. An admin resets the second factor of one who lost their " +
					"authenticator.",
				examples: []string{
					"vigil user mfa reset alice",
				},
				subs: []*command{
					{
						name:    "reset",
						summary: "remove a user's second factor, for one who lost their authenticator",
						usage:   []string{"NAME"},
						about: "Removes a user's TOTP second factor: they sign in with their password " +
							"alone and set up a new one (at once, for an admin when the server runs " +
							"with --mfa-admins). Audited as user.mfa.reset.",
						examples: []string{
							"vigil user mfa reset alice",
						},
						run: runUserMFAReset,
					},
				},
			},
		},
	}
}

func runUserRole(ctx context.Context, m *Main, args []string) error {
	return userChange(ctx, m, "user role", args, 2, func(a *account.Service, pos []string) (string, error) {
		return pos[0] + " is now " + pos[1], a.SetRole(ctx, m.actor(), pos[0], vigil.Role(pos[1]))
	})
}

func runUserDisable(ctx context.Context, m *Main, args []string, disable bool) error {
	name := "user enable"
	if disable {
		name = "user disable"
	}
	return userChange(ctx, m, name, args, 1, func(a *account.Service, pos []string) (string, error) {
		done := pos[0] + " is enabled"
		if disable {
			done = pos[0] + " is disabled"
		}
		return done, a.SetDisabled(ctx, m.actor(), pos[0], disable)
	})
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
		want := "NAME"
		if n == 2 {
			want = "NAME ROLE"
		}
		return usagef("usage: vigil %s %s", name, want)
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
