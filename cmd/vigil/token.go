package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/account"
)

// tokenCommand manages API tokens from the command line: how a script gets
// its first token without a browser (the secret is printed once).
func tokenCommand() *command {
	return &command{
		name:    "token",
		summary: "API tokens: token create --user NAME, token list, token revoke ID",
		about: "API tokens for scripts (Authorization: Bearer vgl_...): a token acts with its " +
			"user's role or only reads, and expires. The secret is printed once, when it is created.",
		examples: []string{
			"vigil token create --user ci --expires 90d",
			"vigil token list --user ci",
			"vigil token revoke 3",
		},
		subs: []*command{
			{
				name:    "create",
				summary: "create a token for a user; prints the secret once",
				usage:   []string{"--user NAME [--name N] [--expires 90d] [--read-only] [--format table|json]"},
				about: "Creates an API token acting as a user (with the user's role, or read only), " +
					"expiring after --expires (at most 366 days). The secret is printed once on " +
					"standard output.",
				examples: []string{
					"vigil token create --user ci --expires 90d",
					"vigil token create --user dashboards --name grafana --read-only",
				},
				run: runTokenCreate,
			},
			{
				name:    "list",
				summary: "the tokens, their access and state (never their secret)",
				usage:   []string{"[--user NAME] [--format table|json]"},
				about:   "Lists the API tokens with their user, access, creation and expiry dates and state.",
				examples: []string{
					"vigil token list",
					"vigil token list --user ci --format json",
				},
				run: runTokenList,
			},
			{
				name:    "revoke",
				summary: "revoke a token by id",
				usage:   []string{"ID"},
				about:   "Revokes an API token (ID from 'vigil token list'); it stops working at once.",
				examples: []string{
					"vigil token revoke 3",
				},
				run: runTokenRevoke,
			},
		},
	}
}

func runTokenCreate(ctx context.Context, m *Main, args []string) error {
	var user, name, expires *string
	var readOnly *bool
	c, acct, pos, err := openAccounts(ctx, m, "token create", args, []string{"table", "json"}, func(fs *flag.FlagSet) {
		user = fs.String("user", "", "the user the token acts as (required)")
		name = fs.String("name", "cli", "what the token is for")
		expires = fs.String("expires", "90d", "how long it lasts: days (90d), weeks (12w) or a duration (720h); at most 366d")
		readOnly = fs.Bool("read-only", false, "the token only reads (an auditor's always does)")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 0 || *user == "" {
		return usagef("usage: vigil token create --user NAME [--name N] [--expires 90d] [--read-only]")
	}
	ttl, err := parseWithin(*expires)
	if err != nil || ttl <= 0 {
		return usagef("--expires: want days (90d), weeks (12w) or a duration (720h), not %q", *expires)
	}
	secret, t, err := acct.CreateToken(ctx, m.actor(), account.TokenRequest{User: *user, Name: *name, TTL: ttl, ReadOnly: *readOnly})
	if err != nil {
		return err
	}
	if c.format == "json" {
		return writeJSONOut(m.Stdout, map[string]any{"token": t, "secret": secret})
	}
	access := "the role of " + t.UserName
	if t.ReadOnly {
		access = "read-only"
	}
	fmt.Fprintf(m.Stderr, "token %d for %s (%s), expires %s; the secret is shown once:\n", t.ID, t.UserName, access, t.ExpiresAt.UTC().Format(time.RFC3339))
	fmt.Fprintln(m.Stdout, secret)
	return nil
}

func runTokenList(ctx context.Context, m *Main, args []string) error {
	var user *string
	c, _, pos, err := openAccounts(ctx, m, "token list", args, []string{"table", "json"}, func(fs *flag.FlagSet) {
		user = fs.String("user", "", "only this user's tokens")
	})
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 0 {
		return usagef("usage: vigil token list [--user NAME] [--format table|json]")
	}
	var uid int64
	if *user != "" {
		u, err := c.db.FindUser(ctx, *user)
		if err != nil {
			return err
		}
		uid = u.ID
	}
	ts, err := c.db.FindAPITokens(ctx, uid)
	if err != nil {
		return err
	}
	if ts == nil {
		ts = []*vigil.APIToken{}
	}
	now := c.db.Now()
	return emit(m.Stdout, c.format, map[string]any{"tokens": ts}, func() *table {
		t := &table{header: []string{"ID", "USER", "NAME", "ACCESS", "CREATED", "EXPIRES", "STATE"}}
		for _, k := range ts {
			access, state := "role", "active"
			if k.ReadOnly {
				access = "read-only"
			}
			switch {
			case k.RevokedAt != nil:
				state = "revoked " + k.RevokedAt.UTC().Format("2006-01-02")
			case !k.Active(now):
				state = "expired"
			}
			t.add(strconv.FormatInt(k.ID, 10), k.UserName, k.Name, access, k.CreatedAt.UTC().Format("2006-01-02"), k.ExpiresAt.UTC().Format("2006-01-02"), state)
		}
		return t
	})
}

func runTokenRevoke(ctx context.Context, m *Main, args []string) error {
	c, acct, pos, err := openAccounts(ctx, m, "token revoke", args, []string{"table"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 {
		return usagef("usage: vigil token revoke ID (see vigil token list)")
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		return usagef("a token ID is a number (see vigil token list), not %q", pos[0])
	}
	if err := acct.RevokeToken(ctx, m.actor(), id); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "revoked token %d\n", id)
	return nil
}
