package web_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/totp"
	"github.com/vigil-health/vigil/internal/web"
)

// clock fixes db's clock at a step boundary and returns a way to move it.
func clock(db *store.DB) func(d time.Duration) time.Time {
	now := time.Unix(1_800_000_000/30*30, 0).UTC()
	db.Now = func() time.Time { return now }
	return func(d time.Duration) time.Time {
		now = now.Add(d)
		return now
	}
}

// enrol sets up a second factor for the signed-in client on the account
// page and returns its secret.
func (e *env) enrol(c *http.Client, csrf string, now time.Time) []byte {
	e.t.Helper()
	if r := e.post(c, "/account/mfa", url.Values{"csrf_token": {csrf}}); r.status != http.StatusSeeOther {
		e.t.Fatalf("starting enrolment: %d", r.status)
	}
	page := e.get(c, "/account/mfa", 200)
	m := regexp.MustCompile(`<code id="secret">([A-Z2-7]+)</code>`).FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, "otpauth://totp/Vigil:") {
		e.t.Fatalf("the enrolment page shows no secret and URI:\n%s", page)
	}
	secret, err := totp.ParseSecret(m[1])
	if err != nil {
		e.t.Fatal(err)
	}
	if r := e.post(c, "/account/mfa/confirm", url.Values{"csrf_token": {csrf}, "code": {"12345x"}}); r.status != 400 {
		e.t.Errorf("confirming with a malformed code: %d", r.status)
	}
	if r := e.post(c, "/account/mfa/confirm", url.Values{"csrf_token": {csrf}, "code": {totp.Code(secret, now)}}); r.status != 200 ||
		!strings.Contains(r.body, "Your second factor is on") {
		e.t.Fatalf("confirming: %d\n%s", r.status, r.body)
	}
	return secret
}

// password posts the password form and returns the status and Location.
func (e *env) password(c *http.Client, name string) (int, string) {
	e.t.Helper()
	resp, err := c.PostForm(e.ts.URL+"/login", url.Values{"name": {name}, "password": {pw}, "next": {"/devices"}})
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header.Get("Location")
}

// code posts the second step and returns the status.
func (e *env) code(c *http.Client, code string) (int, string) {
	e.t.Helper()
	page := e.get(c, "/login/mfa?next=%2Fdevices", 200)
	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		e.t.Fatalf("the second step has no form:\n%s", page)
	}
	r := e.post(c, "/login/mfa", url.Values{"csrf_token": {m[1]}, "code": {code}, "next": {"/devices"}})
	return r.status, r.body
}

func jarClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// A second factor is set up on the account page; signing in then asks for
// a code after the password (the password alone opens nothing); a wrong
// code and a code used before are refused; an admin resets it.
func TestSecondFactorSignIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		tick := clock(db)
		now := tick(0)
		c, csrf := e.client("compliance")
		secret := e.enrol(c, csrf, now)
		if !strings.Contains(e.get(c, "/account", 200), "Second factor: <strong>on</strong>") {
			t.Error("the account page does not show the second factor on")
		}

		b := jarClient()
		if status, loc := e.password(b, "compliance"); status != 303 || loc != "/login/mfa?next=%2Fdevices" {
			t.Fatalf("the password step: %d to %q", status, loc)
		}
		e.get(b, "/api/v1/me", 401) // not signed in yet
		if status, body := e.code(b, totp.Code(secret, now)); status != 401 || !strings.Contains(body, "used already") {
			t.Errorf("the enrolment's code at sign-in: %d", status)
		}
		if status, body := e.code(b, "000000"); status != 401 || !strings.Contains(body, "code") {
			t.Errorf("a wrong code: %d", status)
		}
		now = tick(totp.Period)
		good := totp.Code(secret, now)
		if status, _ := e.code(b, good); status != 303 {
			t.Fatalf("the right code: %d", status)
		}
		if me := e.me(b); me.Name != "compliance" || !me.MFA {
			t.Errorf("signed in as %+v", me)
		}
		e.get(b, "/login/mfa", 303) // the pending sign-in is spent

		// The same code in its window opens no second session.
		b2 := jarClient()
		e.password(b2, "compliance")
		if status, _ := e.code(b2, good); status != 401 {
			t.Errorf("a replayed code: %d", status)
		}
		// Without the pending cookie there is no second step to take.
		e.get(jarClient(), "/login/mfa", 303)

		// An admin resets it: the password alone signs in again.
		admin, acsrf := e.client("admin")
		if !strings.Contains(e.get(admin, "/users", 200), `action="/users/compliance/mfa/reset"`) {
			t.Error("the users page offers no reset")
		}
		if r := e.post(admin, "/users/compliance/mfa/reset", url.Values{"csrf_token": {acsrf}}); r.status != http.StatusSeeOther || !strings.Contains(e.get(admin, r.location, 200), "second factor was reset") {
			t.Errorf("resetting: %d", r.status)
		}
		if status, _ := e.password(jarClient(), "compliance"); status != 303 {
			t.Errorf("after the reset: %d", status)
		}
		var out struct {
			Reset bool `json:"reset"`
		}
		e.api(e.token("admin"), "DELETE", "/api/v1/users/compliance/mfa", "", 200, &out)
		if out.Reset {
			t.Error("the API reset a second factor that was gone")
		}
		e.api(e.token("it"), "DELETE", "/api/v1/users/compliance/mfa", "", 403, nil)
		for _, a := range [][2]string{{"compliance", "user.mfa.enrol"}, {"compliance", "user.mfa.enable"}, {"compliance", "session.mfa_refused"}, {"admin", "user.mfa.reset"}} {
			if !e.audited(a[0], a[1]) {
				t.Errorf("%s %s is not audited", a[0], a[1])
			}
		}
	})
}

// Wrong codes back off like wrong passwords: after a few, even the right
// code waits.
func TestSecondFactorThrottled(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	now := clock(e.db)(0)
	c, csrf := e.client("it")
	secret := e.enrol(c, csrf, now)
	b := jarClient()
	e.password(b, "it")
	last := 0
	for range 5 {
		last, _ = e.code(b, "000001")
	}
	if last != http.StatusTooManyRequests {
		t.Errorf("the fifth wrong code: %d, want 429", last)
	}
	if status, _ := e.code(b, totp.Code(secret, now.Add(totp.Period))); status != http.StatusTooManyRequests {
		t.Errorf("the right code during the backoff: %d", status)
	}
}

// With --mfa-admins an admin without a second factor is sent to set one up
// before anything else, cannot turn it off, and works normally once it is
// on; other roles are not asked.
func TestSecondFactorRequiredForAdmins(t *testing.T) {
	e := envWith(t, storetest.Open(t, "sqlite"), web.Config{MFAAdmins: true}, nil)
	now := clock(e.db)(0)
	admin := jarClient()
	if status, _ := e.password(admin, "admin"); status != 303 {
		t.Fatalf("signing in: %d", status)
	}
	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindStringSubmatch(e.get(admin, "/account/mfa", 200))
	if m == nil {
		t.Fatal("no form on the second factor page")
	}
	csrf := m[1]
	resp, err := admin.Get(e.ts.URL + "/devices")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 303 || resp.Header.Get("Location") != "/account/mfa" {
		t.Errorf("an admin without a second factor at /devices: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if r := e.post(admin, "/users", url.Values{"csrf_token": {csrf}, "name": {"eve"}, "role": {"admin"}}); r.status != 403 {
		t.Errorf("an admin without a second factor adding a user: %d", r.status)
	}
	if page := e.get(admin, "/account/mfa", 200); !strings.Contains(page, "must-enrol") {
		t.Error("the second factor page does not say it is required")
	}
	secret := e.enrol(admin, csrf, now)
	e.get(admin, "/devices", 200)
	if r := e.post(admin, "/account/mfa/disable", url.Values{"csrf_token": {csrf}, "code": {totp.Code(secret, now.Add(totp.Period))}}); r.status != 409 {
		t.Errorf("an admin turning a required second factor off: %d", r.status)
	}
	// Other roles are not asked; their tokens and the admin's are not
	// sessions and are not held up.
	it, _ := e.client("it")
	e.get(it, "/devices", 200)
	e.api(e.token("admin"), "GET", "/api/v1/devices", "", 200, nil)
}
