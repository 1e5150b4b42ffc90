package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/vigil-health/vigil/internal/gen"
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

// browse starts headless Chromium, opens path on e's server, signs in as
// user on the sign-in page it is sent to, and waits for ready (a CSS
// selector of the page asked for). It returns the browser's context,
// bounded to a minute.
func browse(t *testing.T, e *env, user, path, ready string) context.Context {
	t.Helper()
	exe := chromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1400, 1000),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true), chromedp.Flag("disable-quic", true))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	// The first call starts the browser and must not carry a timeout.
	if err := chromedp.Do(ctx, chromedp.Navigate(e.ts.URL+path)); err != nil {
		t.Fatalf("browser: %v", err)
	}
	tctx, tcancel := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(tcancel)
	err := chromedp.Do(tctx,
		chromedp.WaitVisible(chromedp.CSS(`#name`)), // redirected to the sign-in page
		chromedp.SendKeys(chromedp.CSS(`#name`), user),
		chromedp.SendKeys(chromedp.CSS(`#password`), pw),
		chromedp.Click(chromedp.CSS(`#signin`)),
		chromedp.WaitVisible(chromedp.CSS(ready)), // back on the page asked for
	)
	if err != nil {
		t.Fatalf("browser sign-in: %v", err)
	}
	return tctx
}

// TestBrowserSignInAndSearch drives headless Chromium: sign in, open the
// device list, search, and find the device.
func TestBrowserSignInAndSearch(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	tctx := browse(t, e, "auditor", "/devices", `#q`)
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

// TestBrowserControlsAndCheckEditor loads a generated hospital, opens the
// controls overview and a control in Chromium, and saves a check with a
// typo, which the editor refuses naming the line. With VIGIL_SCREENSHOTS=DIR
// it leaves a screenshot of each page there.
func TestBrowserControlsAndCheckEditor(t *testing.T) {
	chromium(t)
	e := newEnv(t, storetest.Open(t, "sqlite"))
	h, err := gen.Generate(gen.Options{Seed: 1, Devices: 150})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Inventory.ImportBatch(context.Background(), nil, h.Snapshots()); err != nil {
		t.Fatal(err)
	}
	ctx := browse(t, e, "compliance", "/controls", `figure.trend svg polyline`)
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	if got := text(`#fw-hipaa h2`); !strings.Contains(got, "HIPAA Security Rule") {
		t.Errorf("the HIPAA section's heading is %q", got)
	}
	if got := text(`#fw-hipaa-2025-proposed h2`); !strings.Contains(got, "not in force") {
		t.Errorf("the proposed rule's heading is %q, want it marked not in force", got)
	}
	screenshot(t, ctx, "controls")

	// The control page, by the id as cited; its failing devices link to
	// the devices.
	if err := chromedp.Do(ctx, chromedp.Navigate(e.ts.URL+"/controls/hipaa/164.310(d)(2)(iii)"), chromedp.WaitVisible(chromedp.CSS(`#verdict`))); err != nil {
		t.Fatal(err)
	}
	if got := text(`h1`); !strings.Contains(got, "Accountability") {
		t.Errorf("the control page's heading is %q", got)
	}
	if got := text(`table.failing tbody`); !strings.Contains(got, "inventory-owner") {
		t.Errorf("the failing devices are %q, want inventory-owner's", got)
	}
	screenshot(t, ctx, "control")

	// A check with a typo is refused, naming its line; nothing is saved.
	bad := strings.Replace(badSource, "id: ownerless", "id: inventory-owner", 1)
	err = chromedp.Do(ctx, chromedp.Navigate(e.ts.URL+"/checks/inventory-owner"), chromedp.WaitVisible(chromedp.CSS(`#source`)),
		chromedp.SetValue(chromedp.CSS(`#source`), bad), chromedp.Click(chromedp.CSS(`#save`)), chromedp.WaitVisible(chromedp.CSS(`#refusal`)))
	if err != nil {
		t.Fatalf("saving a bad check: %v", err)
	}
	if got := text(`#refusal`); !strings.Contains(got, "Line 7") || !strings.Contains(got, "device.tls") {
		t.Errorf("the refusal says %q, want line 7 and the faulty expression", got)
	}
	if hist, _ := e.db.CheckHistory(context.Background(), "inventory-owner"); len(hist) != 1 {
		t.Errorf("a refused file was saved: %d versions", len(hist))
	}
	screenshot(t, ctx, "check")
}

// screenshot leaves a PNG of the page in $VIGIL_SCREENSHOTS, when set, so
// a person can look at what a browser test saw.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("VIGIL_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}
