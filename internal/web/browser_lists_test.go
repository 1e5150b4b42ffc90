package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// TestBrowserListsAndCharts drives headless Chromium over the list
// controls and the dashboard's charts: sort the device list by a heading
// both ways, change the page size, follow the export links' targets, use
// the risk worklist's filters, and find the charts on the dashboard.
func TestBrowserListsAndCharts(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	ctx := browse(t, e, "auditor", "/devices", `table.devices`)
	first := func() string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`table.devices tbody tr:first-child td:first-child`)))
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(s)
	}
	heading := chromedp.Search(`//thead//a[contains(., "Asset tag")]`)
	if err := chromedp.Do(ctx, chromedp.Click(heading), chromedp.WaitVisible(chromedp.CSS(`th[aria-sort="ascending"]`))); err != nil {
		t.Fatalf("sorting by asset tag: %v", err)
	}
	if got := first(); got != "BME-00042" {
		t.Errorf("ascending by asset tag, the first row is %q", got)
	}
	if err := chromedp.Do(ctx, chromedp.Click(heading), chromedp.WaitVisible(chromedp.CSS(`th[aria-sort="descending"]`))); err != nil {
		t.Fatalf("sorting by asset tag descending: %v", err)
	}
	if got := first(); got != "BME-00043" {
		t.Errorf("descending by asset tag, the first row is %q", got)
	}
	// The page size keeps the sort; the export links carry the filters.
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(`#page-size`), "25"), chromedp.Submit(chromedp.CSS(`#page-size`)),
		chromedp.WaitVisible(chromedp.CSS(`th[aria-sort="descending"]`))); err != nil {
		t.Fatalf("page size: %v", err)
	}
	if got := first(); got != "BME-00043" {
		t.Errorf("after a new page size, the first row is %q; the sort was lost", got)
	}
	for _, sel := range []string{`#export-csv`, `#export-xlsx`} {
		attrs, err := chromedp.Run(ctx, chromedp.Attributes(chromedp.CSS(sel)))
		if err != nil {
			t.Fatal(err)
		}
		href := attrs["href"]
		if !strings.Contains(href, "sort=asset_tag") || !strings.Contains(href, "order=desc") || !strings.Contains(href, "format=") {
			t.Errorf("%s links to %q", sel, href)
		}
		admin, _ := e.client("auditor")
		if body := e.get(admin, href, 200); len(body) == 0 {
			t.Errorf("%s: an empty export", sel)
		}
	}

	// The worklist's filters.
	if err := chromedp.Do(ctx, chromedp.Navigate(e.ts.URL+"/risk"), chromedp.WaitVisible(chromedp.CSS(`#risk-filters`)),
		chromedp.Click(chromedp.CSS(`#all`)), chromedp.Click(chromedp.CSS(`#filter`)), chromedp.WaitVisible(chromedp.CSS(`#all[checked]`))); err != nil {
		t.Fatalf("risk filters: %v", err)
	}
	for _, sel := range []string{`#decision`, `#kev`, `#export-csv`, `#page-size`} {
		if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS(sel))); err != nil {
			t.Errorf("the worklist lacks %s: %v", sel, err)
		}
	}

	// The dashboard draws its charts.
	if err := chromedp.Do(ctx, chromedp.Navigate(e.ts.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`#devices-by-site svg rect`))); err != nil {
		t.Fatalf("dashboard chart: %v", err)
	}
	for _, sel := range []string{`#risk-distribution svg`, `#vulns-over-time`, `#discrepancies-by-kind svg`} {
		if err := chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS(sel))); err != nil {
			t.Errorf("the dashboard lacks %s: %v", sel, err)
		}
	}
}
