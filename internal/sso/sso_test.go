package sso_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/sso"
	"github.com/vigil-health/vigil/internal/sso/ssotest"
)

var roles = []sso.GroupRole{
	{Group: "vigil-admins", Role: vigil.RoleAdmin},
	{Group: "clinical-eng", Role: vigil.RoleClinicalEngineering},
	{Group: "auditors", Role: vigil.RoleAuditor},
}

func provider(t *testing.T, idp *ssotest.Provider, edit func(*sso.Config)) *sso.Provider {
	t.Helper()
	cfg := sso.Config{Name: "Test IdP", Issuer: idp.URL, ClientID: ssotest.ClientID, ClientSecret: ssotest.ClientSecret,
		RedirectURL: "http://vigil.test/login/oidc/callback", Roles: roles, Key: []byte("a state cookie key of 32 bytes!!")}
	if edit != nil {
		edit(&cfg)
	}
	p, err := sso.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// signIn runs the flow as a browser would, without Vigil's web server:
// start, follow the provider's redirect, and finish with the query it sends
// back. edit may alter that query before it is finished.
func signIn(t *testing.T, p *sso.Provider, edit func(cookie *string, q url.Values)) (*sso.Identity, string, error) {
	t.Helper()
	ctx := context.Background()
	authURL, cookie, err := p.Start(ctx, "/devices")
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil || loc.Path != "/login/oidc/callback" {
		t.Fatalf("the provider answered %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	q := loc.Query()
	if edit != nil {
		edit(&cookie, q)
	}
	return p.Finish(ctx, cookie, q)
}

func TestGroupsGiveTheFirstMatchingRole(t *testing.T) {
	idp := ssotest.New(t)
	p := provider(t, idp, nil)
	for _, tc := range []struct {
		groups    []string
		role      vigil.Role
		group     string
		refused   bool
		userinfo  bool
		claimName string
	}{
		{groups: []string{"auditors", "vigil-admins"}, role: vigil.RoleAdmin, group: "vigil-admins"},
		{groups: []string{"clinical-eng", "auditors"}, role: vigil.RoleClinicalEngineering, group: "clinical-eng"},
		{groups: []string{"auditors"}, role: vigil.RoleAuditor, group: "auditors"},
		{groups: []string{"nurses", "Vigil-Admins"}, refused: true},
		{groups: nil, refused: true},
		{groups: []string{"clinical-eng"}, role: vigil.RoleClinicalEngineering, group: "clinical-eng", userinfo: true},
	} {
		idp.GroupsInUserInfo(tc.userinfo)
		idp.SignInAs(ssotest.Person{Subject: "u-1", Username: "dana", Email: "dana@st-brigid.example", EmailVerified: true, Groups: tc.groups})
		id, next, err := signIn(t, p, nil)
		if err != nil {
			t.Fatalf("groups %v: %v", tc.groups, err)
		}
		if next != "/devices" || id.Issuer != idp.URL || id.Subject != "u-1" || id.Username != "dana" || !id.EmailVerified {
			t.Errorf("groups %v: identity %+v, next %q", tc.groups, id, next)
		}
		if id.Role != tc.role || id.Group != tc.group || (id.Refusal != "") != tc.refused {
			t.Errorf("groups %v: role %q by %q, refusal %q", tc.groups, id.Role, id.Group, id.Refusal)
		}
		if tc.refused && !strings.Contains(id.Refusal, "vigil-admins, clinical-eng, auditors") {
			t.Errorf("the refusal does not say which groups give a role: %q", id.Refusal)
		}
	}
}

func TestGroupsClaimShapes(t *testing.T) {
	idp := ssotest.New(t)
	idp.SignInAs(ssotest.Person{Subject: "u-2", Username: "sam"})
	for _, tc := range []struct {
		name  string
		claim string
		value any
		role  vigil.Role
		bad   bool
	}{
		{"one string", "groups", "auditors", vigil.RoleAuditor, false},
		{"a nested path", "realm_access.roles", map[string]any{"roles": []string{"clinical-eng"}}, vigil.RoleClinicalEngineering, false},
		{"a URL-like name", "https://vigil.example/groups", []string{"vigil-admins"}, vigil.RoleAdmin, false},
		{"not strings", "groups", []any{1, 2}, "", true},
		{"an object", "groups", map[string]any{"a": 1}, "", true},
	} {
		claimKey := tc.claim
		if strings.HasPrefix(tc.claim, "realm_access.") {
			claimKey = "realm_access"
		}
		idp.Tamper(func(c map[string]any) { delete(c, "groups"); c[claimKey] = tc.value })
		p := provider(t, idp, func(c *sso.Config) { c.GroupsClaim = tc.claim })
		id, _, err := signIn(t, p, nil)
		if tc.bad {
			if vigil.ErrorCode(err) != vigil.EUNAUTHORIZED {
				t.Errorf("%s: %v, want refused", tc.name, err)
			}
			continue
		}
		if err != nil || id.Role != tc.role {
			t.Errorf("%s: %+v, %v", tc.name, id, err)
		}
	}
}

func TestAllowedDomains(t *testing.T) {
	idp := ssotest.New(t)
	p := provider(t, idp, func(c *sso.Config) { c.AllowedDomains = []string{"@St-Brigid.example"} })
	for _, tc := range []struct {
		email    string
		verified bool
		ok       bool
	}{
		{"dana@st-brigid.example", true, true},
		{"Dana@ST-BRIGID.example", true, true},
		{"dana@st-brigid.example", false, false},
		{"dana@evil.example", true, false},
		{"", true, false},
	} {
		idp.SignInAs(ssotest.Person{Subject: "u-3", Email: tc.email, EmailVerified: tc.verified, Groups: []string{"auditors"}})
		id, _, err := signIn(t, p, nil)
		if err != nil || (id.Refusal == "") != tc.ok {
			t.Errorf("%q verified %v: %+v, %v", tc.email, tc.verified, id, err)
		}
	}
}

// Each forged or stale answer is refused with a message that says what to
// do, never an identity.
func TestForgedAnswersAreRefused(t *testing.T) {
	idp := ssotest.New(t)
	idp.SignInAs(ssotest.Person{Subject: "u-4", Groups: []string{"vigil-admins"}})
	p := provider(t, idp, nil)
	other := provider(t, idp, func(c *sso.Config) { c.Key = []byte("another key, another Vigil......") })
	_, foreignCookie, err := other.Start(context.Background(), "/")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		tamper func(c map[string]any)
		edit   func(cookie *string, q url.Values)
		code   string
		says   string
	}{
		{name: "a wrong state", edit: func(_ *string, q url.Values) { q.Set("state", "forged") }, code: vigil.EINVALID, says: "state mismatch"},
		{name: "no state", edit: func(_ *string, q url.Values) { q.Del("state") }, code: vigil.EINVALID, says: "state mismatch"},
		{name: "no cookie", edit: func(c *string, _ url.Values) { *c = "" }, code: vigil.EINVALID, says: "not started in this browser"},
		{name: "a cookie of another Vigil", edit: func(c *string, _ url.Values) { *c = foreignCookie }, code: vigil.EINVALID, says: "not valid"},
		{name: "an altered cookie", edit: func(c *string, _ url.Values) { *c = (*c)[:len(*c)-2] + "AA" }, code: vigil.EINVALID, says: "not valid"},
		{name: "a replayed code", edit: func(_ *string, q url.Values) { q.Set("code", "not-issued") }, code: vigil.EUNAUTHORIZED, says: "refused this sign-in's code"},
		{name: "the provider's error", edit: func(_ *string, q url.Values) { q.Set("error", "access_denied\x01") }, code: vigil.EFORBIDDEN, says: "(access_denied)"},
		{name: "a wrong nonce", tamper: func(c map[string]any) { c["nonce"] = "another sign-in's nonce" }, code: vigil.EUNAUTHORIZED, says: "nonce mismatch"},
		{name: "no nonce", tamper: func(c map[string]any) { delete(c, "nonce") }, code: vigil.EUNAUTHORIZED, says: "nonce mismatch"},
		{name: "an expired ID token", tamper: func(c map[string]any) { c["exp"] = time.Now().Add(-time.Minute).Unix() }, code: vigil.EUNAUTHORIZED, says: "has expired"},
		{name: "another audience", tamper: func(c map[string]any) { c["aud"] = "another-client" }, code: vigil.EUNAUTHORIZED, says: "did not verify"},
		{name: "another issuer", tamper: func(c map[string]any) { c["iss"] = "https://evil.example" }, code: vigil.EUNAUTHORIZED, says: "did not verify"},
		{name: "no subject", tamper: func(c map[string]any) { c["sub"] = "" }, code: vigil.EUNAUTHORIZED, says: "names nobody"},
	} {
		idp.Tamper(tc.tamper)
		id, _, err := signIn(t, p, tc.edit)
		if id != nil || vigil.ErrorCode(err) != tc.code || !strings.Contains(vigil.ErrorMessage(err), tc.says) {
			t.Errorf("%s: %+v, %v; want %s saying %q", tc.name, id, err, tc.code, tc.says)
		}
	}
}

func TestStateExpires(t *testing.T) {
	idp := ssotest.New(t)
	idp.SignInAs(ssotest.Person{Subject: "u-5", Groups: []string{"auditors"}})
	now := time.Now()
	p := provider(t, idp, func(c *sso.Config) { c.Now = func() time.Time { return now } })
	_, _, err := signIn(t, p, func(_ *string, _ url.Values) { now = now.Add(sso.StateTTL + time.Second) })
	if vigil.ErrorCode(err) != vigil.EINVALID || !strings.Contains(vigil.ErrorMessage(err), "took longer than 10 minutes") {
		t.Errorf("a sign-in finished after StateTTL: %v", err)
	}
}

func TestUnreachableProvider(t *testing.T) {
	idp := ssotest.New(t)
	p := provider(t, idp, nil)
	idp.Close()
	if _, _, err := p.Start(context.Background(), "/"); vigil.ErrorCode(err) != vigil.EUNAVAILABLE {
		t.Errorf("Start with the provider down: %v", err)
	}
}

func TestParseRoleMap(t *testing.T) {
	got, err := sso.ParseRoleMap(" vigil-admins=admin, clinical-eng = clinical-engineering,CN=IT Staff,OU=Groups=it ,")
	if err == nil {
		t.Fatalf("a group with '=' parsed: %+v", got)
	}
	got, err = sso.ParseRoleMap(" vigil-admins=admin, clinical-eng = clinical-engineering,IT Staff=it,,")
	want := []sso.GroupRole{{"vigil-admins", vigil.RoleAdmin}, {"clinical-eng", vigil.RoleClinicalEngineering}, {"IT Staff", vigil.RoleIT}}
	if err != nil || !cmp.Equal(got, want) {
		t.Errorf("ParseRoleMap = %+v, %v\n%s", got, err, cmp.Diff(want, got))
	}
	for _, bad := range []string{"", ",", "admins", "=admin", "admins=", "admins=root", "a=admin,a=it"} {
		if _, err := sso.ParseRoleMap(bad); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("ParseRoleMap(%q) = %v, want EINVALID", bad, err)
		}
	}
}

func TestConfigIsChecked(t *testing.T) {
	ok := sso.Config{Issuer: "https://idp.example/realms/vigil", ClientID: "vigil", RedirectURL: "https://vigil.example/login/oidc/callback", Roles: roles}
	if p, err := sso.New(ok); err != nil || p.Name() != "idp.example" {
		t.Fatalf("a good configuration: %v", err)
	}
	for name, edit := range map[string]func(c *sso.Config){
		"no issuer":          func(c *sso.Config) { c.Issuer = "" },
		"an issuer not http": func(c *sso.Config) { c.Issuer = "ldap://idp.example" },
		"no client":          func(c *sso.Config) { c.ClientID = "" },
		"another callback":   func(c *sso.Config) { c.RedirectURL = "https://vigil.example/callback" },
		"no roles":           func(c *sso.Config) { c.Roles = nil },
		"a bad role":         func(c *sso.Config) { c.Roles = []sso.GroupRole{{"g", "root"}} },
		"a short key":        func(c *sso.Config) { c.Key = []byte("short") },
		"a bad domain":       func(c *sso.Config) { c.AllowedDomains = []string{"a@b"} },
	} {
		c := ok
		edit(&c)
		if _, err := sso.New(c); vigil.ErrorCode(err) != vigil.EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}
}
