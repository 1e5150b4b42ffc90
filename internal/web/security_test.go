package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"

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
