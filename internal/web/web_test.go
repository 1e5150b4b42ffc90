package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/account"
	"github.com/vigil-health/vigil/internal/blob"
	"github.com/vigil-health/vigil/internal/classify"
	"github.com/vigil-health/vigil/internal/compliance"
	"github.com/vigil-health/vigil/internal/evidence"
	"github.com/vigil-health/vigil/internal/exposure"
	"github.com/vigil-health/vigil/internal/inventory"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/web"
)

const pw = "correct horse battery"

type env struct {
	t   *testing.T
	db  *store.DB
	svc web.Services
	srv *web.Server
	ts  *httptest.Server
}

// classifier is built once for the test binary: it is immutable.
var classifier = sync.OnceValues(classify.New)

// services wires the use cases over db as the binary does, with cheap
// password hashes.
func services(t *testing.T, db *store.DB) web.Services {
	t.Helper()
	cls, err := classifier()
	if err != nil {
		t.Fatal(err)
	}
	comp := compliance.New(db, cls)
	exp := exposure.New(db, cls).Notify(comp)
	bs, err := blob.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return web.Services{Inventory: inventory.New(db, cls, exp).Notify(comp), Exposure: exp, Accounts: account.New(db, true), Compliance: comp,
		Evidence: evidence.New(db, bs, comp)}
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	svc := services(t, db)
	srv, err := web.New(db, svc, slog.New(slog.NewTextHandler(io.Discard, nil)), web.Config{LoginRate: 100, LoginBurst: 100})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	ctx := context.Background()
	for _, r := range vigil.Roles {
		if err := svc.Accounts.CreateUser(ctx, nil, &vigil.User{Name: string(r), Role: r}, pw); err != nil {
			t.Fatal(err)
		}
	}
	_, err = svc.Inventory.Import(ctx, nil, &vigil.Snapshot{Source: vigil.Source{Name: "cmms", Kind: vigil.SourceInventory}, Records: []*vigil.Record{
		{Fields: vigil.MakeFields(map[string]string{"asset_tag": "BME-00042", "manufacturer": "BD", "model": "Alaris 8015", "device_type": "infusion pump", "site": "St. Brigid"})},
		{Fields: vigil.MakeFields(map[string]string{"asset_tag": "BME-00043", "manufacturer": "Philips", "model": "IntelliVue MX800", "device_type": "patient monitor"})},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, db: db, svc: svc, srv: srv, ts: ts}
}

// client returns an HTTP client signed in as user, and its CSRF token.
func (e *env) client(user string) (*http.Client, string) {
	e.t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(e.ts.URL+"/login", url.Values{"name": {user}, "password": {pw}})
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("login as %s: status %d", user, resp.StatusCode)
	}
	body := e.get(c, "/account", 200)
	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		e.t.Fatalf("no CSRF token on the account page")
	}
	return c, m[1]
}

func (e *env) get(c *http.Client, path string, want int) string {
	e.t.Helper()
	resp, err := c.Get(e.ts.URL + path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		e.t.Fatalf("GET %s: status %d, want %d", path, resp.StatusCode, want)
	}
	return string(b)
}

// concrete fills a route pattern's wildcards.
func concrete(path string) string {
	path = strings.ReplaceAll(path, "{$}", "")
	return regexp.MustCompile(`\{[a-z]+(\.\.\.)?\}`).ReplaceAllString(path, "1")
}

func TestEveryRouteIsProtected(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		anon := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		auditor, csrf := e.client("auditor")
		for _, rt := range e.srv.Routes() {
			if rt.Public {
				continue
			}
			path := concrete(rt.Path)
			req, _ := http.NewRequest(rt.Method, e.ts.URL+path, strings.NewReader(""))
			resp, err := anon.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			switch {
			case resp.StatusCode == http.StatusUnauthorized:
			case resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(resp.Header.Get("Location"), "/login"):
			default:
				t.Errorf("anonymous %s %s: status %d, want 401 or a redirect to /login", rt.Method, path, resp.StatusCode)
			}
			// Signing out is the one write every role may do; it is checked
			// last. An auditor also keeps their own password and read-only
			// tokens (TestAuditorReadOnlyTokens).
			if rt.Method != "GET" && rt.Path != "/logout" && rt.Perm != vigil.PermSelf {
				form := url.Values{"csrf_token": {csrf}, "name": {"x"}}
				req, _ := http.NewRequest(rt.Method, e.ts.URL+path, strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Sec-Fetch-Site", "same-origin")
				resp, err := auditor.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusForbidden {
					t.Errorf("auditor %s %s: status %d, want 403", rt.Method, path, resp.StatusCode)
				}
			}
		}
		form := url.Values{"csrf_token": {csrf}}
		req, _ := http.NewRequest("POST", e.ts.URL+"/logout", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := auditor.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther {
			t.Errorf("auditor sign-out = %d, want 303", resp.StatusCode)
		}
		e.get(auditor, "/api/v1/me", 401)
	})
}

func TestBearerTokenAndRoles(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		it, _ := account.New(db, true).Authenticate(ctx, "it", pw)
		secret, _, err := db.CreateAPIToken(ctx, it, "script")
		if err != nil {
			t.Fatal(err)
		}
		call := func(method, path, tok, body string) int {
			req, _ := http.NewRequest(method, e.ts.URL+path, strings.NewReader(body))
			if tok != "" {
				req.Header.Set("Authorization", "Bearer "+tok)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		if got := call("GET", "/api/v1/devices?q=alaris", secret, ""); got != 200 {
			t.Errorf("token GET devices = %d", got)
		}
		if got := call("GET", "/api/v1/devices", "bogus", ""); got != 401 {
			t.Errorf("bogus token = %d, want 401", got)
		}
		if got := call("POST", "/api/v1/users", secret, `{"name":"eve","role":"admin"}`); got != 403 {
			t.Errorf("it role creating a user = %d, want 403", got)
		}
		if got := call("GET", "/healthz", "", ""); got != 200 {
			t.Errorf("/healthz = %d", got)
		}
		if got := call("GET", "/metrics", secret, ""); got != 200 {
			t.Errorf("/metrics with token = %d", got)
		}
	})
}

func TestPagesAndCSRF(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	admin, csrf := e.client("admin")
	body := e.get(admin, "/", 200)
	if !strings.Contains(body, "infusion-pump") {
		t.Errorf("dashboard lacks the device type counts")
	}
	body = e.get(admin, "/devices?q=mx800", 200)
	if !strings.Contains(body, "BME-00043") || strings.Contains(body, "BME-00042") {
		t.Errorf("device search for mx800 gave the wrong rows")
	}
	e.get(admin, "/devices/1", 200)
	e.get(admin, "/devices/999", 404)
	e.get(admin, "/audit", 200)
	// The add-user form has no default role: the admin chooses one, and a
	// form sent without is refused.
	if page := e.get(admin, "/users", 200); !strings.Contains(page, `<select name="role" id="new-role" required><option value="" selected disabled>choose a role</option><option>admin</option>`) {
		t.Errorf("the add-user form preselects a role")
	}
	e.get(admin, "/no/such/page", 404)
	// Without the CSRF token, and from another origin, a POST is refused.
	post := func(form url.Values, site string) int {
		req, _ := http.NewRequest("POST", e.ts.URL+"/users", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", site)
		resp, err := admin.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := post(url.Values{"name": {"bob"}, "role": {"it"}}, "same-origin"); got != 403 {
		t.Errorf("POST without CSRF token = %d, want 403", got)
	}
	if got := post(url.Values{"name": {"bob"}, "role": {"it"}, "csrf_token": {csrf}}, "cross-site"); got != 403 {
		t.Errorf("cross-site POST = %d, want 403", got)
	}
	if got := post(url.Values{"name": {"bob"}, "csrf_token": {csrf}}, "same-origin"); got != 400 {
		t.Errorf("POST without a role = %d, want 400", got)
	}
	if got := post(url.Values{"name": {"bob"}, "role": {"it"}, "csrf_token": {csrf}}, "same-origin"); got != 200 {
		t.Errorf("POST with CSRF token = %d, want 200", got)
	}
	resp, _ := admin.Get(e.ts.URL + "/devices")
	for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY"} {
		if resp.Header.Get(h) != want {
			t.Errorf("header %s = %q", h, resp.Header.Get(h))
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP = %q", csp)
	}
	resp.Body.Close()
}

func TestLoginRateLimit(t *testing.T) {
	db := storetest.Open(t, "sqlite")
	srv, err := web.New(db, services(t, db), slog.New(slog.NewTextHandler(io.Discard, nil)), web.Config{LoginRate: 0.001, LoginBurst: 3})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	var last int
	for i := 0; i < 5; i++ {
		resp, err := http.PostForm(ts.URL+"/login", url.Values{"name": {"admin"}, "password": {"guess"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		last = resp.StatusCode
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("fifth rapid sign-in = %d, want 429", last)
	}
}
