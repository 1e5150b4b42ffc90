package web_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// chromium returns the path of a headless-capable Chromium, or skips.
func chromium(t *testing.T) string {
	for _, p := range []string{os.Getenv("VIGIL_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skip("no Chromium installed (apt-get install chromium)")
	return ""
}

// TestBrowserSignInAndSearch drives headless Chromium: sign in, open the
// device list, search, and find the device.
func TestBrowserSignInAndSearch(t *testing.T) {
	exe := chromium(t)
	e := newEnv(t, storetest.Open(t, "sqlite"))
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true), chromedp.Flag("disable-quic", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	// The first call starts the browser and must not carry a timeout.
	if err := chromedp.Do(ctx, chromedp.Navigate(e.ts.URL+"/devices")); err != nil {
		t.Fatalf("browser: %v", err)
	}
	tctx, tcancel := context.WithTimeout(ctx, 60*time.Second)
	defer tcancel()
	err := chromedp.Do(tctx,
		chromedp.WaitVisible(chromedp.CSS(`#name`)), // redirected to the sign-in page
		chromedp.SendKeys(chromedp.CSS(`#name`), "auditor"),
		chromedp.SendKeys(chromedp.CSS(`#password`), pw),
		chromedp.Click(chromedp.CSS(`#signin`)),
		chromedp.WaitVisible(chromedp.CSS(`#q`)), // back on the device list
	)
	if err != nil {
		t.Fatalf("browser sign-in: %v", err)
	}
	heading, err := chromedp.Run(tctx, chromedp.Text(chromedp.CSS(`h1`)))
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(tctx,
		chromedp.SendKeys(chromedp.CSS(`#q`), "MX800"),
		chromedp.Click(chromedp.CSS(`#search`)),
		// The unfiltered list shows BME-00043 too: wait for the filtered
		// page, which has BME-00042 no more.
		chromedp.WaitNotPresent(chromedp.Search(`//td/a[contains(., "BME-00042")]`)),
		chromedp.WaitVisible(chromedp.Search(`//td/a[contains(., "BME-00043")]`)),
	)
	if err != nil {
		t.Fatalf("browser search: %v", err)
	}
	table, err := chromedp.Run(tctx, chromedp.Text(chromedp.CSS(`table.devices tbody`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(heading, "Devices") {
		t.Errorf("after sign-in the page heading is %q, want the device list", heading)
	}
	if !strings.Contains(table, "BME-00043") || strings.Contains(table, "BME-00042") {
		t.Errorf("search for MX800 shows %q", table)
	}
}
