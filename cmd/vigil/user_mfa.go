package main

import (
	"context"
	"fmt"
)

// runUserMFAReset removes a user's TOTP second factor, for one who lost
// their authenticator: they sign in with their password alone and set up a
// new one (an admin must at once when --mfa-admins is on). Audited as
// user.mfa.reset with the operating system user.
func runUserMFAReset(ctx context.Context, m *Main, args []string) error {
	c, acct, pos, err := openAccounts(ctx, m, "user mfa reset", args, []string{"table"}, nil)
	if err != nil {
		return err
	}
	defer c.db.Close()
	if len(pos) != 1 {
		return usagef("usage: vigil user mfa reset NAME")
	}
	had, err := acct.ResetTOTP(ctx, m.actor(), pos[0])
	if err != nil {
		return err
	}
	if !had {
		fmt.Fprintf(m.Stdout, "%s has no second factor; nothing changed\n", pos[0])
		return nil
	}
	fmt.Fprintf(m.Stdout, "reset the second factor of %s: they sign in with their password and set up a new one\n", pos[0])
	return nil
}
