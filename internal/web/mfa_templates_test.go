package web

import (
	"bytes"
	"strings"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/account"
)

// TestSignInTemplates executes the sign-in, second factor, account and
// users pages' templates against their page structs in each state they
// have: a local user and an external one, a second factor off, being set
// up, on, required.
func TestSignInTemplates(t *testing.T) {
	tmpl, err := parseTemplates()
	if err != nil {
		t.Fatal(err)
	}
	local := &vigil.User{Name: "dana", Role: vigil.RoleAdmin, Kind: vigil.UserLocal}
	external := &vigil.User{Name: "sam", Role: vigil.RoleIT, Kind: vigil.UserExternal}
	withMFA := &vigil.User{Name: "lee", Role: vigil.RoleCompliance, Kind: vigil.UserLocal, MFA: true}
	enr := &account.Enrolment{Secret: "JBSWY3DPEHPK3PXP", URI: "otpauth://totp/Vigil:dana?secret=JBSWY3DPEHPK3PXP"}
	cases := []struct {
		name string
		p    page
		user *vigil.User
		want string
	}{
		{"login", &loginPage{Next: "/devices", SSOName: "Keycloak", Error: "x"}, nil, `href="/login/oidc?next=%2fdevices"`},
		{"login", &loginPage{}, nil, `id="signin"`},
		{"login_mfa", &mfaStepPage{Next: "/", Error: "wrong code"}, nil, `autocomplete="one-time-code"`},
		{"mfa", &mfaPage{}, local, `id="begin"`},
		{"mfa", &mfaPage{Enrolment: enr, MustEnrol: true, Required: true}, local, `id="must-enrol"`},
		{"mfa", &mfaPage{Enabled: true, Notice: "on"}, withMFA, `/account/mfa/disable`},
		{"mfa", &mfaPage{Enabled: true, Required: true}, local, "Admins must keep"},
		{"mfa", &mfaPage{External: true}, external, "your sign-in provider asks"},
		{"account", &accountPage{Now: time.Now()}, external, "single sign-on"},
		{"account", &accountPage{Now: time.Now()}, withMFA, "Second factor: <strong>on</strong>"},
		{"users", &usersPage{Users: []*vigil.User{local, external, withMFA}, Roles: vigil.Roles}, local, `/users/lee/mfa/reset`},
	}
	for _, c := range cases {
		c.p.base().User = c.user
		var buf bytes.Buffer
		if err := tmpl[c.name].Execute(&buf, c.p); err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !strings.Contains(buf.String(), c.want) {
			t.Errorf("%s: no %q in\n%s", c.name, c.want, buf.String())
		}
	}
}
