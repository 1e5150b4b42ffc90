package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/vigil-health/vigil/internal/sso/ssotest"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/totp"
)

// TestBrowserSecondFactor drives headless Chromium: set up a second factor
// on the account page with the secret it shows, sign out, and sign in
// again in two steps.
func TestBrowserSecondFactor(t *testing.T) {
	chromium(t)
	e := newEnv(t, storetest.Open(t, "sqlite"))
	tick := clock(e.db)
	ctx := browse(t, e, "it", "/account/mfa", `#begin`)
	err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#begin`)),
		chromedp.WaitVisible(chromedp.CSS(`#secret`)),
	)
	if err != nil {
		t.Fatalf("starting the enrolment: %v", err)
	}
	secret, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#secret`)))
	if err != nil {
		t.Fatal(err)
	}
	key, err := totp.ParseSecret(secret)
	if err != nil {
		t.Fatalf("the page's secret %q: %v", secret, err)
	}
	screenshot(t, ctx, "mfa-enrol")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#code`), totp.Code(key, tick(0))),
		chromedp.Click(chromedp.CSS(`#confirm`)),
		chromedp.WaitVisible(chromedp.CSS(`#notice`)),
		chromedp.Click(chromedp.Search(`//button[.="Sign out"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#name`)),
		chromedp.SendKeys(chromedp.CSS(`#name`), "it"),
		chromedp.SendKeys(chromedp.CSS(`#password`), pw),
		chromedp.Click(chromedp.CSS(`#signin`)),
		chromedp.WaitVisible(chromedp.CSS(`#verify`)),
	)
	if err != nil {
		t.Fatalf("confirming and signing in again: %v", err)
	}
	screenshot(t, ctx, "mfa-step")
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#code`), totp.Code(key, tick(totp.Period))),
		chromedp.Click(chromedp.CSS(`#verify`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#verify`)),
	)
	if err != nil {
		t.Fatalf("the second step: %v", err)
	}
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || strings.Contains(loc, "/login") {
		t.Errorf("after the second step the browser is at %q, %v", loc, err)
	}
}

// TestBrowserSingleSignOn drives headless Chromium through the sign-in
// page's "Sign in with" button, the in-process provider and back.
func TestBrowserSingleSignOn(t *testing.T) {
	exe := chromium(t)
	e, idp := ssoEnv(t, storetest.Open(t, "sqlite"))
	idp.SignInAs(ssotest.Person{Subject: "42", Username: "pat", Groups: []string{"clinical-eng"}})
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1400, 1000), chromedp.Flag("no-first-run", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(e.ts.URL+"/devices")); err != nil {
		t.Fatalf("browser: %v", err)
	}
	tctx, tcancel := context.WithTimeout(ctx, time.Minute)
	defer tcancel()
	screenshot(t, tctx, "sso-login")
	err := chromedp.Do(tctx,
		chromedp.WaitVisible(chromedp.CSS(`#sso`)),
		chromedp.Click(chromedp.CSS(`#sso`)),
		chromedp.WaitVisible(chromedp.CSS(`.who`)),
	)
	if err != nil {
		t.Fatalf("single sign-on in the browser: %v", err)
	}
	who, err := chromedp.Run(tctx, chromedp.Text(chromedp.CSS(`.who`)))
	if err != nil {
		t.Fatal(err)
	}
	if loc, err := chromedp.Run(tctx, chromedp.Location()); err != nil || !strings.HasSuffix(loc, "/devices") || !strings.Contains(who, "pat") ||
		!strings.Contains(who, "clinical-engineering") {
		t.Errorf("after single sign-on: at %q as %q, %v", loc, who, err)
	}
}
