package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/web"
)

// token issues an API token for the named test user.
func (e *env) token(name string) string {
	e.t.Helper()
	ctx := context.Background()
	u, err := e.svc.Accounts.Authenticate(ctx, name, pw)
	if err != nil {
		e.t.Fatal(err)
	}
	secret, _, err := e.svc.Accounts.CreateAPIToken(ctx, u, "test-"+name)
	if err != nil {
		e.t.Fatal(err)
	}
	return secret
}

// audited reports whether the trail holds an event of action by actor.
func (e *env) audited(actor, action string) bool {
	e.t.Helper()
	evs, err := e.db.FindAuditEvents(context.Background(), vigil.AuditFilter{Limit: 1000})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, ev := range evs {
		if ev.Actor == actor && ev.Action == action {
			return true
		}
	}
	return false
}

// Finding 4: only an admin may set a source's role through the import API.
func TestImportRoleNeedsAdmin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		csv := "asset_tag,manufacturer,model\nBME-1,BD,Alaris\n"
		e.api(e.token("it"), "POST", "/api/v1/import?source=cmms&filename=a.csv&role=scanner", csv, 403, nil)
		if !e.audited("it", "source.role.refused") {
			t.Error("the refused role change is not in the audit trail")
		}
		srcs, err := db.FindSources(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range srcs {
			if s.Name == "cmms" && s.Role == "scanner" {
				t.Error("the it role changed the source's role")
			}
		}
		// Without a role the import goes through; an admin may set one.
		e.api(e.token("it"), "POST", "/api/v1/import?source=cmms&filename=a.csv", csv, 200, nil)
		e.api(e.token("admin"), "POST", "/api/v1/import?source=cmms&filename=a.csv&role=scanner", csv, 200, nil)
		if e.audited("admin", "source.role.refused") {
			t.Error("the admin's role change was refused")
		}
	})
}

// Finding 9: next= accepts only same-origin absolute paths.
func TestLoginNextStaysOnSite(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	for next, want := range map[string]string{
		"/%09/evil.example":     "/",
		"//evil.example":        "/",
		"/\\evil.example":       "/",
		"/%5Cevil.example":      "/",
		"/%2F/evil.example":     "/",
		"/%250a/evil.example":   "/",
		"https://evil.example/": "/",
		"/%0d%0aSet-Cookie:x=1": "/",
		"javascript:alert(1)":   "/",
		"/devices?q=mx800":      "/devices?q=mx800",
	} {
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.PostForm(e.ts.URL+"/login?x=1", url.Values{"name": {"admin"}, "password": {pw}, "next": {mustUnescape(t, next)}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || got != want {
			t.Errorf("next=%s: %d Location %q, want %q", next, resp.StatusCode, got, want)
		}
		page := e.get(c, "/login?next="+next, 200)
		if strings.Contains(page, "evil.example") {
			t.Errorf("the login page carries next=%s", next)
		}
	}
}

func mustUnescape(t *testing.T, s string) string {
	t.Helper()
	v, err := url.QueryUnescape(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// serverWith starts a server with cfg over a fresh SQLite store with the
// role users of newEnv.
func serverWith(t *testing.T, cfg web.Config) *httptest.Server {
	t.Helper()
	db := storetest.Open(t, "sqlite")
	svc := services(t, db)
	srv, err := web.New(db, svc, slog.New(slog.NewTextHandler(io.Discard, nil)), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Accounts.CreateUser(context.Background(), nil, &vigil.User{Name: "admin", Role: vigil.RoleAdmin}, pw); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts
}

// signIn posts the login form as from the client address xff (through the
// proxy) and returns the status.
func signIn(t *testing.T, ts *httptest.Server, xff, name, password string) int {
	t.Helper()
	req, _ := http.NewRequest("POST", ts.URL+"/login", strings.NewReader(url.Values{"name": {name}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// Finding 8: failures from one address slow that address's attempts at
// that name only; the real user signs in from another address. Behind a
// trusted proxy, the address is the one the proxy forwards.
func TestLoginThrottlePerUserAndAddress(t *testing.T) {
	ts := serverWith(t, web.Config{LoginRate: 100, LoginBurst: 100, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
	var last int
	for range 6 {
		last = signIn(t, ts, "203.0.113.7", "admin", "guess guess guess")
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("sixth guess from one address = %d, want 429", last)
	}
	// Even the right password waits out the backoff from that address...
	if got := signIn(t, ts, "203.0.113.7", "admin", pw); got != http.StatusTooManyRequests {
		t.Errorf("right password from the guessing address = %d, want 429", got)
	}
	// ...but not from another address, nor for another name.
	if got := signIn(t, ts, "198.51.100.9", "admin", pw); got != http.StatusSeeOther {
		t.Errorf("the real admin from another address = %d, want 303", got)
	}
	if got := signIn(t, ts, "203.0.113.7", "alice", "guess guess guess"); got != http.StatusUnauthorized {
		t.Errorf("another name from the guessing address = %d, want 401", got)
	}
	// A spoofed hop to the left of the proxy's entry changes nothing.
	if got := signIn(t, ts, "198.51.100.9, 203.0.113.7", "admin", pw); got != http.StatusTooManyRequests {
		t.Errorf("a spoofed X-Forwarded-For hop = %d, want 429", got)
	}
}

// Without trusted proxies, X-Forwarded-For is ignored: a client cannot
// escape its backoff by writing the header.
func TestForwardedForIgnoredFromUntrustedPeers(t *testing.T) {
	ts := serverWith(t, web.Config{LoginRate: 100, LoginBurst: 100})
	for i := range 6 {
		signIn(t, ts, "203.0.113."+strconv.Itoa(i), "admin", "guess guess guess")
	}
	if got := signIn(t, ts, "198.51.100.9", "admin", pw); got != http.StatusTooManyRequests {
		t.Errorf("a new X-Forwarded-For from an untrusted peer = %d, want 429", got)
	}
}

// Finding 7: tokens expire, are listed and revoked (API and web); every
// change is audited.
func TestTokensExpireListRevoke(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		admin := e.token("admin")
		var created struct {
			Token  vigil.APIToken `json:"token"`
			Secret string         `json:"secret"`
		}
		e.api(admin, "POST", "/api/v1/tokens", `{"name":"nightly","expires_in_days":7}`, 201, &created)
		if d := created.Token.ExpiresAt.Sub(created.Token.CreatedAt); d != 7*24*time.Hour || created.Token.ReadOnly {
			t.Errorf("token lasts %v, read-only %v", d, created.Token.ReadOnly)
		}
		e.api(admin, "POST", "/api/v1/tokens", `{"name":"too long","expires_in_days":400}`, 400, nil)
		var def struct {
			Token  vigil.APIToken `json:"token"`
			Secret string         `json:"secret"`
		}
		e.api(admin, "POST", "/api/v1/tokens", `{"name":"default"}`, 201, &def)
		if d := def.Token.ExpiresAt.Sub(def.Token.CreatedAt); d != vigil.DefaultTokenTTL {
			t.Errorf("a token by default lasts %v, want %v", d, vigil.DefaultTokenTTL)
		}
		var list struct {
			Tokens []vigil.APIToken `json:"tokens"`
		}
		e.api(created.Secret, "GET", "/api/v1/tokens", "", 200, &list)
		if len(list.Tokens) != 3 || list.Tokens[0].Name != "default" {
			t.Errorf("listed %+v", list.Tokens)
		}
		// Another user cannot see or revoke it; its owner can, at once.
		it := e.token("it")
		e.api(it, "DELETE", "/api/v1/tokens/"+strconv.FormatInt(created.Token.ID, 10), "", 404, nil)
		e.api(it, "GET", "/api/v1/tokens?all=1", "", 403, nil)
		e.api(admin, "DELETE", "/api/v1/tokens/"+strconv.FormatInt(created.Token.ID, 10), "", 204, nil)
		e.api(created.Secret, "GET", "/api/v1/me", "", 401, nil)
		if !e.audited("admin", "token.revoke") || !e.audited("admin", "token.create") {
			t.Error("token changes are not audited")
		}
		// An expired token stops working.
		db.Now = func() time.Time { return time.Now().Add(vigil.DefaultTokenTTL + time.Hour) }
		e.api(admin, "GET", "/api/v1/me", "", 401, nil)
		db.Now = time.Now

		// The web account page lists the tokens and revokes one.
		c, csrf := e.client("admin")
		page := e.get(c, "/account", 200)
		for _, want := range []string{"nightly", "revoked", "default", `/account/tokens/` + strconv.FormatInt(def.Token.ID, 10) + `/revoke`} {
			if !strings.Contains(page, want) {
				t.Errorf("the account page lacks %q", want)
			}
		}
		if r := e.post(c, "/account/tokens/"+strconv.FormatInt(def.Token.ID, 10)+"/revoke", url.Values{"csrf_token": {csrf}}); r.status != http.StatusSeeOther {
			t.Errorf("revoking on the account page: %d", r.status)
		}
		if page := e.get(c, "/account", 200); !strings.Contains(page, "Token revoked.") {
			t.Errorf("the account page does not confirm the revocation")
		}
		e.api(def.Secret, "GET", "/api/v1/me", "", 401, nil)
	})
}

// Finding 7: an auditor creates read-only tokens, which only read; any
// user's token can be made read-only.
func TestAuditorReadOnlyTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		// An auditor makes a token on the account page (a session), and it
		// is read-only.
		c, csrf := e.client("auditor")
		r := e.post(c, "/account/tokens", url.Values{"csrf_token": {csrf}, "name": {"evidence pull"}, "days": {"30"}})
		secret := regexp.MustCompile(`vgl_[A-Za-z0-9_-]+`).FindString(r.body)
		if r.status != 200 || secret == "" {
			t.Fatalf("an auditor creating a token on the account page: %d", r.status)
		}
		if !strings.Contains(e.get(c, "/account", 200), "read-only") {
			t.Error("the account page does not show the token as read-only")
		}
		e.api(secret, "GET", "/api/v1/devices", "", 200, nil)
		e.api(secret, "POST", "/api/v1/tokens", `{"name":"x"}`, 403, nil)
		e.api(secret, "POST", "/api/v1/me/password", `{"current":"`+pw+`","new":"a brand new passphrase"}`, 403, nil)
		// An admin's read-only token reads and writes nothing.
		var created struct {
			Token  vigil.APIToken `json:"token"`
			Secret string         `json:"secret"`
		}
		e.api(e.token("admin"), "POST", "/api/v1/tokens", `{"name":"dashboard","read_only":true}`, 201, &created)
		e.api(created.Secret, "GET", "/api/v1/users", "", 200, nil)
		e.api(created.Secret, "POST", "/api/v1/users", `{"name":"eve","role":"admin"}`, 403, nil)
		// Only an admin issues a token for someone else.
		e.api(e.token("it"), "POST", "/api/v1/tokens", `{"name":"x","user":"admin"}`, 403, nil)
		e.api(e.token("admin"), "POST", "/api/v1/tokens", `{"name":"for it","user":"it"}`, 201, &created)
		if created.Token.UserName != "it" {
			t.Errorf("token for %q, want it", created.Token.UserName)
		}
	})
}

// Finding 7: users are disabled and re-enabled, their sessions and tokens
// stop at once; roles change; the last admin stays; all audited.
func TestDisableEnableAndRoles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		admin := e.token("admin")
		itTok := e.token("it")
		itWeb, _ := e.client("it")
		e.api(admin, "PATCH", "/api/v1/users/it", `{"disabled":true}`, 200, nil)
		e.api(itTok, "GET", "/api/v1/me", "", 401, nil)
		e.get(itWeb, "/api/v1/me", 401)
		if got := signIn(t, e.ts, "", "it", pw); got != http.StatusUnauthorized {
			t.Errorf("a disabled user signing in = %d, want 401", got)
		}
		e.api(admin, "PATCH", "/api/v1/users/it", `{"disabled":false}`, 200, nil)
		e.api(itTok, "GET", "/api/v1/me", "", 200, nil)
		e.get(itWeb, "/api/v1/me", 401) // the session ended for good
		// Role change applies at the next request.
		e.api(itTok, "POST", "/api/v1/discrepancies/ack", `{}`, 400, nil)
		e.api(admin, "PATCH", "/api/v1/users/it", `{"role":"auditor"}`, 200, nil)
		e.api(itTok, "POST", "/api/v1/discrepancies/ack", `{}`, 403, nil)
		e.api(admin, "PATCH", "/api/v1/users/it", `{"role":"wizard"}`, 400, nil)
		// The last enabled admin can be neither disabled nor demoted.
		e.api(admin, "PATCH", "/api/v1/users/admin", `{"disabled":true}`, 409, nil)
		e.api(admin, "PATCH", "/api/v1/users/admin", `{"role":"it"}`, 409, nil)
		for _, a := range []string{"user.disable", "user.enable", "user.role"} {
			if !e.audited("admin", a) {
				t.Errorf("%s is not audited", a)
			}
		}
		// The web users page does the same.
		c, csrf := e.client("admin")
		// Each change goes back to the page, which confirms it once.
		if r := e.post(c, "/users/compliance/disabled", url.Values{"csrf_token": {csrf}, "disabled": {"1"}}); r.status != http.StatusSeeOther || r.location != "/users" {
			t.Errorf("disabling on the users page: %d %s", r.status, r.location)
		}
		if page := e.get(c, "/users", 200); !strings.Contains(page, "compliance disabled: their sessions ended") {
			t.Errorf("the users page does not confirm the user disabled")
		}
		if r := e.post(c, "/users/compliance/role", url.Values{"csrf_token": {csrf}, "role": {"it"}}); r.status != http.StatusSeeOther {
			t.Errorf("changing a role on the users page: %d", r.status)
		}
		page := e.get(c, "/users", 200)
		if !strings.Contains(page, "Role of compliance changed to it.") {
			t.Errorf("the users page does not confirm the role changed")
		}
		if again := e.get(c, "/users", 200); strings.Contains(again, "Role of compliance changed") {
			t.Errorf("the confirmation shows twice")
		}
		if !strings.Contains(page, `<option selected>auditor</option>`) {
			t.Error("the add-user form does not default to auditor")
		}
	})
}

// Issue 15: one changes one's own password (web and API); every session
// ends.
func TestChangeOwnPassword(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		c, csrf := e.client("auditor")
		newPW := "a brand new passphrase"
		if r := e.post(c, "/account/password", url.Values{"csrf_token": {csrf}, "current": {"wrong wrong wrong"}, "new": {newPW}, "confirm": {newPW}}); r.status != 400 {
			t.Errorf("wrong current password: %d, want 400", r.status)
		}
		if r := e.post(c, "/account/password", url.Values{"csrf_token": {csrf}, "current": {pw}, "new": {newPW}, "confirm": {newPW}}); r.status != 303 {
			t.Errorf("changing the password: %d, want 303", r.status)
		}
		e.get(c, "/api/v1/me", 401)
		if got := signIn(t, e.ts, "", "auditor", newPW); got != http.StatusSeeOther {
			t.Errorf("signing in with the new password = %d", got)
		}
		tok := e.token("it")
		e.api(tok, "POST", "/api/v1/me/password", `{"current":"`+pw+`","new":"short"}`, 400, nil)
		e.api(tok, "POST", "/api/v1/me/password", `{"current":"`+pw+`","new":"`+newPW+`"}`, 204, nil)
		if !e.audited("auditor", "user.password") || !e.audited("it", "user.password") {
			t.Error("password changes are not audited")
		}
	})
}

// Finding 11: a NUL byte or text that is not UTF-8 in the path, a query
// parameter, a form field or a JSON string is a 400 with a clear message
// on every route, never a 500 (PostgreSQL refuses both).
func TestDirtyInputIsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		admin, csrf := e.client("admin")
		tok := e.token("admin")
		for _, rt := range e.srv.Routes() {
			if rt.Method != "GET" {
				continue
			}
			for _, q := range []string{"?q=a%00b", "?q=%ff%fe", "?framework=x%00", "?a%00=1"} {
				resp, err := admin.Get(e.ts.URL + concrete(rt.Path) + q)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 400 || !strings.Contains(string(b), "NUL byte or text that is not UTF-8") {
					t.Errorf("GET %s%s: %d, want 400 naming the fault", rt.Path, q, resp.StatusCode)
				}
			}
		}
		for _, path := range []string{"/controls/hipaa%00", "/api/v1/frameworks/%ff", "/devices/1%00"} {
			if code, _ := getStatus(t, admin, e.ts.URL+path); code != 400 {
				t.Errorf("GET %s: %d, want 400", path, code)
			}
		}
		if r := e.post(admin, "/users", url.Values{"csrf_token": {csrf}, "name": {"eve\x00"}, "role": {"it"}}); r.status != 400 {
			t.Errorf("a NUL in a form field: %d, want 400", r.status)
		}
		if r := e.post(admin, "/users", url.Values{"csrf_token": {csrf}, "name": {"eve\xff"}, "role": {"it"}}); r.status != 400 {
			t.Errorf("invalid UTF-8 in a form field: %d, want 400", r.status)
		}
		if got := signIn(t, e.ts, "", "admin\x00", pw); got != 400 {
			t.Errorf("a NUL in the sign-in name: %d, want 400", got)
		}
		e.api(tok, "POST", "/api/v1/users", `{"name":"eve\u0000","role":"it"}`, 400, nil)
		e.api(tok, "POST", "/api/v1/tokens", `{"name":"x\u0000y"}`, 400, nil)
		e.api(tok, "POST", "/api/v1/import?source=cm%00ms&filename=a.csv", "asset_tag\nA\n", 400, nil)
		e.api(tok, "POST", "/api/v1/import?source=cmms&filename=a%00.csv", "asset_tag\nA\n", 400, nil)
		comp, ccsrf := e.client("compliance")
		for _, name := range []string{"review\x00.pdf", "review\xff.pdf"} {
			// A NUL in a part's header makes the form malformed; bad UTF-8
			// is named.
			if code, body, _ := e.upload(comp, ccsrf, "", "/evidence", map[string]string{"title": "Q3 review", "area": "access-control"}, name, "%PDF"); code != 400 || !strings.Contains(body, "uploaded file&#39;s name") && !strings.Contains(body, "the form is malformed") {
				t.Errorf("an uploaded file named %q: %d, want 400 naming the fault: %s", name, code, body)
			}
		}
	})
}

func getStatus(t *testing.T, c *http.Client, u string) (int, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
