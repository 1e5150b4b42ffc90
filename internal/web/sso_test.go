package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/sso"
	"github.com/vigil-health/vigil/internal/sso/ssotest"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/web"
)

// envWith is newEnv's server with cfg (and cfg's SSO built by mkSSO once
// the server's URL is known), over db, with one user of each role.
func envWith(t *testing.T, db *store.DB, cfg web.Config, mkSSO func(baseURL string) *sso.Provider) *env {
	t.Helper()
	svc := services(t, db)
	var h http.Handler
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(ts.Close)
	if mkSSO != nil {
		cfg.SSO = mkSSO(ts.URL)
	}
	cfg.LoginRate, cfg.LoginBurst = 100, 100
	srv, err := web.New(db, svc, slog.New(slog.NewTextHandler(io.Discard, nil)), cfg)
	if err != nil {
		t.Fatal(err)
	}
	h = srv.Handler()
	ctx := context.Background()
	for _, r := range vigil.Roles {
		if err := svc.Accounts.CreateUser(ctx, nil, &vigil.User{Name: string(r), Role: r}, pw); err != nil {
			t.Fatal(err)
		}
	}
	_, err = svc.Inventory.Import(ctx, nil, &vigil.Snapshot{Source: vigil.Source{Name: "cmms", Kind: vigil.SourceInventory}, Records: []*vigil.Record{
		{Fields: vigil.MakeFields(map[string]string{"asset_tag": "BME-00043", "manufacturer": "Philips", "model": "IntelliVue MX800", "device_type": "patient monitor"})},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, db: db, svc: svc, srv: srv, ts: ts}
}

// ssoEnv is a server whose single sign-on goes to an in-process provider.
func ssoEnv(t *testing.T, db *store.DB) (*env, *ssotest.Provider) {
	t.Helper()
	idp := ssotest.New(t)
	e := envWith(t, db, web.Config{}, func(base string) *sso.Provider {
		p, err := sso.New(sso.Config{Name: "St. Brigid SSO", Issuer: idp.URL, ClientID: ssotest.ClientID, ClientSecret: ssotest.ClientSecret,
			RedirectURL: base + "/login/oidc/callback", Roles: []sso.GroupRole{
				{Group: "vigil-admins", Role: vigil.RoleAdmin}, {Group: "clinical-eng", Role: vigil.RoleClinicalEngineering}}})
		if err != nil {
			t.Fatal(err)
		}
		return p
	})
	return e, idp
}

// browser is a client with a cookie jar that follows redirects, as a
// browser does, and records where it went.
func browser() (*http.Client, *[]string) {
	jar, _ := cookiejar.New(nil)
	var hops []string
	return &http.Client{Jar: jar, CheckRedirect: func(r *http.Request, via []*http.Request) error {
		hops = append(hops, r.URL.String())
		return nil
	}}, &hops
}

// ssoSignIn starts at the sign-in page's link and follows every redirect:
// Vigil, the provider, and back. It returns the final status and page.
func (e *env) ssoSignIn(c *http.Client, next string) (int, string) {
	e.t.Helper()
	resp, err := c.Get(e.ts.URL + "/login/oidc?next=" + url.QueryEscape(next))
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (e *env) me(c *http.Client) *vigil.User {
	e.t.Helper()
	var u vigil.User
	if err := json.Unmarshal([]byte(e.get(c, "/api/v1/me", 200)), &u); err != nil {
		e.t.Fatal(err)
	}
	return &u
}

// End to end through the web routes against an in-process provider: the
// sign-in page offers it, the groups give the role, a change of groups
// changes it at the next sign-in, a group with no role is refused with a
// clear page, a disabled user stays out; all audited.
func TestSingleSignOn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e, idp := ssoEnv(t, db)
		if page := e.get(http.DefaultClient, "/login?next=/devices", 200); !strings.Contains(page, "Sign in with St. Brigid SSO") ||
			!strings.Contains(page, `href="/login/oidc?next=%2fdevices"`) {
			t.Errorf("the sign-in page does not offer single sign-on:\n%s", page)
		}
		idp.SignInAs(ssotest.Person{Subject: "248289761001", Username: "Dana.Whitfield@st-brigid.example", Email: "dana.whitfield@st-brigid.example",
			EmailVerified: true, Groups: []string{"staff", "clinical-eng"}})
		c, hops := browser()
		status, page := e.ssoSignIn(c, "/devices?q=mx800")
		if status != 200 || !strings.Contains(page, "BME-00043") {
			t.Fatalf("after single sign-on: %d via %v\n%s", status, *hops, page)
		}
		if len(*hops) != 3 || !strings.HasPrefix((*hops)[0], idp.URL+"/auth?") || !strings.Contains((*hops)[0], "code_challenge_method=S256") ||
			!strings.HasPrefix((*hops)[1], e.ts.URL+"/login/oidc/callback?") {
			t.Errorf("the redirects went %v", *hops)
		}
		me := e.me(c)
		if me.Name != "dana.whitfield" || me.Role != vigil.RoleClinicalEngineering || me.Kind != vigil.UserExternal {
			t.Errorf("signed in as %+v", me)
		}
		// The state cookie is spent: the same answer again is refused.
		resp, err := c.Get((*hops)[1])
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 400 || !strings.Contains(string(b), "not started in this browser") {
			t.Errorf("the callback replayed: %d", resp.StatusCode)
		}

		// Promoted at the provider: admin at the next sign-in.
		idp.SignInAs(ssotest.Person{Subject: "248289761001", Username: "dana.whitfield", Groups: []string{"vigil-admins", "clinical-eng"}})
		c2, _ := browser()
		if status, _ := e.ssoSignIn(c2, "/"); status != 200 {
			t.Fatalf("second sign-in: %d", status)
		}
		if me := e.me(c2); me.Name != "dana.whitfield" || me.Role != vigil.RoleAdmin {
			t.Errorf("after promotion: %+v", me)
		}
		e.get(c2, "/users", 200)

		// Out of every mapped group: refused with a page that says why, and
		// the earlier sessions end.
		idp.SignInAs(ssotest.Person{Subject: "248289761001", Username: "dana.whitfield", Groups: []string{"staff"}})
		c3, _ := browser()
		status, page = e.ssoSignIn(c3, "/")
		if status != 403 || !strings.Contains(page, "None of your groups at St. Brigid SSO gives a role in Vigil") ||
			!strings.Contains(page, "vigil-admins, clinical-eng") {
			t.Errorf("no mapped group: %d\n%s", status, page)
		}
		e.get(c3, "/api/v1/me", 401)
		e.get(c2, "/api/v1/me", 401)

		// A stranger with no mapped group is refused and never created.
		idp.SignInAs(ssotest.Person{Subject: "999", Username: "eve", Groups: []string{"contractors"}})
		if status, _ := e.ssoSignIn(c3, "/"); status != 403 {
			t.Errorf("a stranger: %d", status)
		}
		if _, err := e.svc.Accounts.FindUser(context.Background(), "eve"); vigil.ErrorCode(err) != vigil.ENOTFOUND {
			t.Errorf("the refused stranger exists: %v", err)
		}

		// Disabled in Vigil: refused whatever the groups.
		admin, csrf := e.client("admin")
		if r := e.post(admin, "/users/dana.whitfield/disabled", url.Values{"csrf_token": {csrf}, "disabled": {"1"}}); r.status >= 400 {
			t.Fatalf("disabling: %d", r.status)
		}
		idp.SignInAs(ssotest.Person{Subject: "248289761001", Username: "dana.whitfield", Groups: []string{"vigil-admins"}})
		if status, page := e.ssoSignIn(c3, "/"); status != 401 || !strings.Contains(page, "disabled") {
			t.Errorf("a disabled user: %d", status)
		}
		// No password opens an external user.
		if got := signIn(t, e.ts, "", "dana.whitfield", "!"); got != http.StatusUnauthorized {
			t.Errorf("a password for an external user: %d", got)
		}
		for _, a := range [][2]string{{"dana.whitfield", "user.create"}, {"dana.whitfield", "session.create"}, {"dana.whitfield", "user.role"},
			{"dana.whitfield", "session.refused"}, {"oidc:eve", "session.refused"}} {
			if !e.audited(a[0], a[1]) {
				t.Errorf("%s %s is not audited", a[0], a[1])
			}
		}
	})
}

// A forged or stale answer at the callback is refused: a wrong state, an
// ID token with another sign-in's nonce, an expired ID token.
func TestSingleSignOnRefusesForgeries(t *testing.T) {
	e, idp := ssoEnv(t, storetest.Open(t, "sqlite"))
	idp.SignInAs(ssotest.Person{Subject: "1", Username: "sam", Groups: []string{"vigil-admins"}})
	for _, tc := range []struct {
		name   string
		tamper func(c map[string]any)
		state  string
		status int
		says   string
	}{
		{name: "a wrong state", state: "forged", status: 400, says: "state mismatch"},
		{name: "a wrong nonce", tamper: func(c map[string]any) { c["nonce"] = "x" }, status: 401, says: "nonce mismatch"},
		{name: "an expired ID token", tamper: func(c map[string]any) { c["exp"] = time.Now().Add(-time.Hour).Unix() }, status: 401, says: "has expired"},
	} {
		idp.Tamper(tc.tamper)
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, CheckRedirect: func(r *http.Request, via []*http.Request) error {
			if tc.state != "" && r.URL.Path == "/login/oidc/callback" {
				q := r.URL.Query()
				q.Set("state", tc.state)
				r.URL.RawQuery = q.Encode()
			}
			return nil
		}}
		status, page := e.ssoSignIn(c, "/")
		if status != tc.status || !strings.Contains(page, tc.says) || !strings.Contains(page, "Single sign-on did not sign you in") {
			t.Errorf("%s: %d\n%s", tc.name, status, page)
		}
		e.get(c, "/api/v1/me", 401)
	}
	idp.Tamper(nil)
	if _, err := e.svc.Accounts.FindUser(context.Background(), "sam"); vigil.ErrorCode(err) != vigil.ENOTFOUND {
		t.Errorf("a forged sign-in created its user: %v", err)
	}
}

// Without a provider the single sign-on routes are not found and the
// sign-in page offers none.
func TestNoSingleSignOnConfigured(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	e.get(http.DefaultClient, "/login/oidc", 404)
	e.get(http.DefaultClient, "/login/oidc/callback?code=x&state=y", 404)
	if strings.Contains(e.get(http.DefaultClient, "/login", 200), "/login/oidc") {
		t.Error("the sign-in page offers single sign-on without a provider")
	}
}
