package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestBrowserAccountAndPassword drives headless Chromium on the account
// page: create a token, see it listed, change the password, and sign in
// again with the new one. With VIGIL_SCREENSHOTS=DIR it leaves screenshots.
func TestBrowserAccountAndPassword(t *testing.T) {
	chromium(t)
	e := newEnv(t, storetest.Open(t, "sqlite"))
	ctx := browse(t, e, "compliance", "/account", `input[name=current]`)
	err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`input[name=name]:not([type=hidden])`), "nightly export"),
		chromedp.Click(chromedp.Search(`//button[.="Create token"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#token`)),
	)
	if err != nil {
		t.Fatalf("creating a token: %v", err)
	}
	tokens, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#tokens tbody`)))
	if err != nil || !strings.Contains(tokens, "nightly export") || !strings.Contains(tokens, "active") {
		t.Errorf("token table = %q, %v", tokens, err)
	}
	screenshot(t, ctx, "account")
	newPW := "another long passphrase"
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`input[name=current]`), pw),
		chromedp.SendKeys(chromedp.CSS(`input[name=new]`), newPW),
		chromedp.SendKeys(chromedp.CSS(`input[name=confirm]`), newPW),
		chromedp.Click(chromedp.Search(`//button[.="Change password"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#changed`)), // signed out everywhere
		chromedp.SendKeys(chromedp.CSS(`#name`), "compliance"),
		chromedp.SendKeys(chromedp.CSS(`#password`), newPW),
		chromedp.Click(chromedp.CSS(`#signin`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#signin`)),
	)
	if err != nil {
		t.Fatalf("changing the password: %v", err)
	}
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || strings.Contains(loc, "/login") {
		t.Errorf("after signing in with the new password the browser is at %q, %v", loc, err)
	}
	admin := browse(t, e, "admin", "/users", `#users`)
	screenshot(t, admin, "users")
}
