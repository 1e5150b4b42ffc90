package main

import (
	"flag"
	"fmt"
	"os"
	"os/user"
	"regexp"
	"strconv"

	vigil "github.com/vigil-health/vigil"
)

// actorNameRE is what --actor (or VIGIL_ACTOR) may hold: a person's name
// as the hospital writes it, without control characters or parentheses.
var actorNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}$`)

// actorFlag registers --actor, defaulting to VIGIL_ACTOR. The name is
// recorded beside the operating system user, never instead of it.
func (m *Main) actorFlag(fs *flag.FlagSet) {
	if v := m.Getenv("VIGIL_ACTOR"); v != "" {
		if actorNameRE.MatchString(v) {
			m.actorAs = v
		} else {
			fmt.Fprintln(m.Stderr, "vigil: VIGIL_ACTOR ignored: use letters, digits, space, '.', '_', '@' or '-' (at most 64)")
		}
	}
	fs.Func("actor", "the person acting, recorded beside the operating system user (env VIGIL_ACTOR)", func(v string) error {
		if !actorNameRE.MatchString(v) {
			return fmt.Errorf("use letters, digits, space, '.', '_', '@' or '-' (at most 64)")
		}
		m.actorAs = v
		return nil
	})
}

// actor is who the command line acts as in the audit trail: the process's
// real user from the operating system ("cli:alice"), with the --actor name
// beside it ("cli:alice (as bob)"). The environment ($USER) is never
// trusted for this: anyone can set it.
func (m *Main) actor() *vigil.User {
	name := "cli:" + osUser()
	if m.actorAs != "" {
		name += " (as " + m.actorAs + ")"
	}
	return &vigil.User{Name: name, Role: vigil.RoleAdmin}
}

// osUser names the process's real user id: its login name, or "uid:N"
// when the system has no entry for it (a container's arbitrary uid).
func osUser() string {
	uid := strconv.Itoa(os.Getuid())
	if u, err := user.LookupId(uid); err == nil && u.Username != "" {
		return u.Username
	}
	return "uid:" + uid
}
