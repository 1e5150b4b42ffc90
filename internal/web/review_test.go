package web_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// reviewEnv is the env with a CMDB that lists neither of the CMMS's two
// devices but a third: three discrepancies to acknowledge, at least.
func reviewEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	e := newEnv(t, db)
	_, err := e.svc.Inventory.Import(context.Background(), nil, &vigil.Snapshot{Source: vigil.Source{Name: "cmdb", Kind: vigil.SourceInventory, Role: "it"}, Records: []*vigil.Record{
		{Fields: vigil.MakeFields(map[string]string{"asset_tag": "IT-7", "hostname": "ws-7", "model": "EliteDesk 800", "manufacturer": "HP", "location": "Pharmacy"})},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestBulkAcknowledge acknowledges two discrepancies with one note from
// the list: an empty note is refused with the reason, the rows still
// checked and nothing changed; then both are acknowledged, each audited,
// and the list confirms it once. The API takes a list too.
func TestBulkAcknowledge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := reviewEnv(t, db)
		ctx := context.Background()
		ds, err := e.db.FindDiscrepancies(ctx, vigil.DiscrepancyFilter{Kind: vigil.DiscrepancyMissingFromSource})
		if err != nil || len(ds) < 3 {
			t.Fatalf("missing-from-source: %d, %v", len(ds), err)
		}
		c, csrf := e.client("clinical-engineering")
		page := e.get(c, "/discrepancies?kind=missing-from-source", 200)
		for _, want := range []string{`form="bulk-ack"`, `id="select-page"`, "BME-00042", "Alaris 8015", "St. Brigid", "Pharmacy"} {
			if !strings.Contains(page, want) {
				t.Errorf("the list lacks %q", want)
			}
		}
		back := "/discrepancies?kind=missing-from-source"
		form := url.Values{"csrf_token": {csrf}, "back": {back}, "key": {ds[0].Key, ds[1].Key}, "note": {"   "}}
		r := e.post(c, "/discrepancies/ack", form)
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "needs a note") || !strings.Contains(r.body, "nothing was acknowledged") {
			t.Errorf("an empty note: %d, want 400 with the reason", r.status)
		}
		if n := strings.Count(r.body, "checked>"); n != 2 {
			t.Errorf("the refused form keeps %d rows checked, want 2", n)
		}
		if open, _ := e.db.CountDiscrepancies(ctx, vigil.DiscrepancyFilter{Kind: vigil.DiscrepancyMissingFromSource}); open[vigil.DiscrepancyMissingFromSource] != len(ds) {
			t.Fatalf("an empty note acknowledged something: %v", open)
		}
		form.Set("note", "the CMDB does not track biomed devices")
		r = e.post(c, "/discrepancies/ack", form)
		if r.status != http.StatusSeeOther || r.location != back {
			t.Fatalf("acknowledging two: %d to %q", r.status, r.location)
		}
		page = e.get(c, r.location, 200)
		if !strings.Contains(page, `<p class="flash" role="status" id="flash">Acknowledged 2 discrepancies.</p>`) {
			t.Errorf("the list does not confirm the acknowledgement")
		}
		if again := e.get(c, r.location, 200); strings.Contains(again, `id="flash"`) {
			t.Errorf("the confirmation shows twice")
		}
		if open, _ := e.db.CountDiscrepancies(ctx, vigil.DiscrepancyFilter{Kind: vigil.DiscrepancyMissingFromSource}); open[vigil.DiscrepancyMissingFromSource] != len(ds)-2 {
			t.Errorf("after acknowledging two, %d open of %d", open[vigil.DiscrepancyMissingFromSource], len(ds))
		}
		// "select all on this page" checks every open row of the page.
		if all := e.get(c, back+"&select=page", 200); strings.Count(all, "checked>") != len(ds)-2 {
			t.Errorf("select all checks %d rows, want %d", strings.Count(all, "checked>"), len(ds)-2)
		}
		// A form never sends anyone off the list.
		r = e.post(c, "/discrepancies/ack", url.Values{"csrf_token": {csrf}, "back": {"https://evil.example/x"}, "key": {ds[2].Key}, "note": {"ok"}})
		if r.status != http.StatusSeeOther || r.location != "/discrepancies" {
			t.Errorf("an outside back: %d to %q", r.status, r.location)
		}
		// The API: a list, or one key as before.
		tok := e.token("clinical-engineering")
		e.api(tok, "POST", "/api/v1/discrepancies/ack", `{"keys":["`+ds[0].Key+`"],"note":""}`, 400, nil)
		var out struct{ Count int }
		e.api(tok, "POST", "/api/v1/discrepancies/ack", `{"keys":["`+ds[0].Key+`","`+ds[1].Key+`"],"note":"rechecked"}`, 200, &out)
		if out.Count != 2 {
			t.Errorf("the API acknowledged %d, want 2", out.Count)
		}
		e.api(tok, "POST", "/api/v1/discrepancies/ack", `{"key":"`+ds[0].Key+`","note":"rechecked again"}`, 200, nil)
		if !e.audited("clinical-engineering", "discrepancy.ack") {
			t.Errorf("the acknowledgements are not audited")
		}
	})
}

// TestBulkDecide decides identity conflicts many at a time: "same device"
// with no note is refused and decides nothing; "different devices" needs
// none. The queue names records by source and file, devices in context,
// fields by their names.
func TestBulkDecide(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	ctx := context.Background()
	// Two CMDB rows share the CMMS's asset tags but not their serials.
	for _, src := range []struct{ name, serial1, serial2 string }{{"cmms", "SN-1", "SN-2"}, {"cmdb", "SN-9", "SN-8"}} {
		_, err := e.svc.Inventory.Import(ctx, nil, &vigil.Snapshot{Source: vigil.Source{Name: src.name, Kind: vigil.SourceInventory}, Files: []string{"/uploads/" + src.name + ".csv"}, Records: []*vigil.Record{
			{Origin: vigil.Origin{File: "/uploads/" + src.name + ".csv", Line: 2}, Fields: vigil.MakeFields(map[string]string{"asset_tag": "BME-00042", "serial": src.serial1, "manufacturer": "BD", "model": "Alaris 8015", "site": "St. Brigid"})},
			{Origin: vigil.Origin{File: "/uploads/" + src.name + ".csv", Line: 3}, Fields: vigil.MakeFields(map[string]string{"asset_tag": "BME-00043", "serial": src.serial2, "manufacturer": "Philips", "model": "IntelliVue MX800"})},
		}})
		if err != nil {
			t.Fatal(err)
		}
	}
	cs, err := e.db.FindConflicts(ctx)
	if err != nil || len(cs) != 2 {
		t.Fatalf("conflicts: %d, %v", len(cs), err)
	}
	c, csrf := e.client("it")
	page := e.get(c, "/conflicts", 200)
	for _, want := range []string{"cmms.csv:2", "serial number", "asset tag", "Alaris 8015", `form="bulk-decide"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the queue lacks %q", want)
		}
	}
	for _, internal := range []string{"/uploads/", "cmms|asset_tag", ", device "} {
		if strings.Contains(page, internal) {
			t.Errorf("the queue shows %q", internal)
		}
	}
	pair := func(q *vigil.QueuedConflict) string {
		enc := base64.RawURLEncoding.EncodeToString
		return enc([]byte(q.KeyA)) + "." + enc([]byte(q.KeyB))
	}
	form := url.Values{"csrf_token": {csrf}, "back": {"/conflicts"}, "pair": {pair(cs[0]), pair(cs[1])}, "decision": {"same"}, "note": {""}}
	if r := e.post(c, "/conflicts/decide", form); r.status != http.StatusBadRequest || !strings.Contains(r.body, "needs a note") {
		t.Errorf("same device with no note: %d", r.status)
	}
	if after, _ := e.db.FindConflicts(ctx); len(after) != 2 {
		t.Fatalf("a refused decision changed the queue")
	}
	form.Set("decision", "different")
	r := e.post(c, "/conflicts/decide", form)
	if r.status != http.StatusSeeOther {
		t.Fatalf("different devices: %d %.300s", r.status, r.body)
	}
	if page := e.get(c, r.location, 200); !strings.Contains(page, "Decided 2 conflicts: different devices.") {
		t.Errorf("the queue does not confirm the decision")
	}
	if after, _ := e.db.FindConflicts(ctx); len(after) != 0 {
		t.Errorf("%d conflicts left after deciding both", len(after))
	}
}

// TestBrowserBulkAcknowledge drives headless Chromium: check two
// discrepancies, submit without a note (refused, nothing changed, both
// still checked), write the note, submit: the list confirms it and both are
// acknowledged; the dashboard then draws the kinds over time. With
// VIGIL_SCREENSHOTS=DIR it leaves screenshots.
func TestBrowserBulkAcknowledge(t *testing.T) {
	chromium(t)
	e := reviewEnv(t, storetest.Open(t, "sqlite"))
	ctx := context.Background()
	open := func() int {
		n, err := e.db.CountDiscrepancies(ctx, vigil.DiscrepancyFilter{Kind: vigil.DiscrepancyMissingFromSource})
		if err != nil {
			t.Fatal(err)
		}
		return n[vigil.DiscrepancyMissingFromSource]
	}
	before := open()
	b := browse(t, e, "clinical-engineering", "/discrepancies?kind=missing-from-source", `#bulk-ack`)
	box := func(i int) chromedp.CSS {
		return chromedp.CSS(`table.disc tbody tr:nth-child(` + itoa(int64(i)) + `) input[name=key]`)
	}
	err := chromedp.Do(b, chromedp.Click(box(1)), chromedp.Click(box(2)), chromedp.Click(chromedp.CSS(`#bulk-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#bulk-error`)))
	if err != nil {
		t.Fatalf("submitting with no note: %v", err)
	}
	if got := open(); got != before {
		t.Fatalf("a refused acknowledgement changed %d", before-got)
	}
	checked, err := chromedp.Run(b, chromedp.Evaluate[float64](`document.querySelectorAll("input[name=key]:checked").length`))
	if err != nil || checked != 2 {
		t.Errorf("after the refusal %v rows are checked (%v), want 2", checked, err)
	}
	screenshot(t, b, "discrepancies-refused")
	err = chromedp.Do(b, chromedp.SendKeys(chromedp.CSS(`#bulk-note`), "the CMDB does not track biomed devices"),
		chromedp.Click(chromedp.CSS(`#bulk-submit`)), chromedp.WaitVisible(chromedp.CSS(`#flash`)))
	if err != nil {
		t.Fatalf("acknowledging two: %v", err)
	}
	msg, err := chromedp.Run(b, chromedp.Text(chromedp.CSS(`#flash`)))
	if err != nil || !strings.Contains(msg, "Acknowledged 2 discrepancies") {
		t.Errorf("the confirmation says %q (%v)", msg, err)
	}
	if got := open(); got != before-2 {
		t.Errorf("%d open after acknowledging two of %d", got, before)
	}
	screenshot(t, b, "discrepancies-acknowledged")
	if err := chromedp.Do(b, chromedp.Navigate(e.ts.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`#discrepancies-over-time svg circle`))); err != nil {
		t.Fatalf("the dashboard's discrepancies over time: %v", err)
	}
	screenshot(t, b, "dashboard")
}
