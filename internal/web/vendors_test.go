package web_test

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/mds2"
	"github.com/vigil-health/vigil/internal/oversight"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/vendors"
)

// vendorEnv is newEnv with a GE monitor that stores ePHI in the inventory,
// so that GE's agreements matter.
func vendorEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	e := newEnv(t, db)
	_, err := e.svc.Inventory.Import(context.Background(), nil, &vigil.Snapshot{Source: vigil.Source{Name: "cmms-ge", Kind: vigil.SourceInventory}, Records: []*vigil.Record{
		{Fields: vigil.MakeFields(map[string]string{"asset_tag": "BME-00077", "manufacturer": "GE Medical Systems", "model": "CARESCAPE B650",
			"device_type": "patient monitor", "stores_ephi": "true"})},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// day is a date n days from today, as a form writes it.
func day(n int) string { return time.Now().UTC().AddDate(0, 0, n).Format(time.DateOnly) }

var hrefEvidence = regexp.MustCompile(`href="(/evidence/\d+)"`)

func TestVendorPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := vendorEnv(t, db)
		comp, csrf := e.client("compliance")

		// Add a vendor through the form; a refused one shows the form again.
		r := e.post(comp, "/vendors", url.Values{"csrf_token": {csrf}, "name": {"GE HealthCare"}, "kind": {"manufacturer"},
			"aliases": {"GE Medical Systems\nGE"}, "models": {"CARESCAPE B650"}, "contacts": {"Pat Lee; account manager; pat@example.com; +1 555 0100"},
			"endpoints": {"host *.insite.example.com GE InSite\naddress 203.0.113.0/24"}})
		if r.status != http.StatusSeeOther || r.location != "/vendors/1" {
			t.Fatalf("add vendor: %d %s %.300s", r.status, r.location, r.body)
		}
		r = e.post(comp, "/vendors", url.Values{"csrf_token": {csrf}, "name": {"Acme"}, "endpoints": {"address not-an-ip"}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "is not an IP address") || !strings.Contains(r.body, `value="Acme"`) {
			t.Errorf("refused vendor: %d %.500s", r.status, r.body)
		}

		// A BAA with its signed copy: the copy becomes evidence, linked.
		code, body, loc := e.upload(comp, csrf, "", "/vendors/1/baas", map[string]string{"signed": day(-400), "expires": day(-30),
			"services": "remote service; depot repair", "data": "ePHI"}, "baa-2025.pdf", "%PDF signed baa")
		if code != http.StatusSeeOther || loc != "/vendors/1#baas" {
			t.Fatalf("add BAA: %d %s %.300s", code, loc, body)
		}
		page := e.get(comp, "/vendors/1", 200)
		m := hrefEvidence.FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("the vendor page links no signed copy")
		}
		if ev := e.get(comp, m[1], 200); !strings.Contains(ev, "Business associate agreement: GE HealthCare") || !strings.Contains(ev, "baa-2025.pdf") ||
			!strings.Contains(ev, "vendor-management") {
			t.Errorf("the signed copy's evidence page: %.600s", ev)
		}
		// A second version without a copy; a refused one names the problem.
		if code, body, _ := e.upload(comp, csrf, "", "/vendors/1/baas", map[string]string{"signed": day(-20), "expires": day(30)}, "", ""); code != http.StatusSeeOther {
			t.Fatalf("second BAA: %d %.300s", code, body)
		}
		if code, body, _ := e.upload(comp, csrf, "", "/vendors/1/baas", map[string]string{"signed": "yesterday"}, "", ""); code != http.StatusBadRequest ||
			!strings.Contains(body, "is not a date") {
			t.Errorf("refused BAA: %d %.300s", code, body)
		}
		code, body, _ = e.upload(comp, csrf, "", "/vendors/1/certifications", map[string]string{"kind": "soc2-type2", "issuer": "Example CPA LLP",
			"scope": "GE InSite remote service", "from": day(-200), "to": day(-20), "expires": day(160)}, "soc2.pdf", "%PDF soc2")
		if code != http.StatusSeeOther {
			t.Fatalf("add certification: %d %.300s", code, body)
		}

		// An MDS2 form for the monitor, generated in the 2019 layout.
		smp := mds2.Generate(rand.New(rand.NewPCG(7, 13)), mds2.Spec{Manufacturer: "GE Healthcare", Model: "CARESCAPE B650", DocumentID: "DOC-B650", ReleaseDate: "2024-03-01"})
		code, body, loc = e.upload(comp, csrf, "", "/mds2", nil, "b650.csv", string(smp.CSV()))
		if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/mds2/") {
			t.Fatalf("MDS2 import: %d %s %.300s", code, loc, body)
		}
		form := e.get(comp, loc, 200)
		var ids []string
		for _, m := range regexp.MustCompile(`<tr id="q-([A-Z]+-[0-9.]+)">`).FindAllStringSubmatch(form, -1) {
			ids = append(ids, m[1])
		}
		var want []string
		for _, q := range smp.Want.Questions {
			want = append(want, q.ID)
		}
		if diff := cmp.Diff(want, ids); diff != "" {
			t.Errorf("the form page's questions (-want +got):\n%s", diff)
		}
		// A malformed form is refused with the row that did not fit.
		code, body, _ = e.upload(comp, csrf, "", "/mds2", map[string]string{"model": "X1"}, "bad.csv", "DOC-1,Manufacturer,Acme\nSTCF-1,x,Maybe\n")
		if code != http.StatusBadRequest || !strings.Contains(body, "bad.csv: row 2: STCF-1: answer &#34;Maybe&#34;") || !strings.Contains(body, `value="X1"`) {
			t.Errorf("malformed MDS2: %d %.800s", code, body)
		}

		// Every page with real data.
		for path, wants := range map[string][]string{
			"/vendors": {`href="/vendors/1"`, "GE HealthCare", `v-not-met">high`, "1 device storing or sending ePHI", `v-partially-met">expiring</span> <span class="muted nowrap">due ` + day(30), "<details"},
			"/vendors/1": {"GE Medical Systems", "pat@example.com", "*.insite.example.com", "GE InSite", "<td>v1</td><td><span class=\"badge \">superseded",
				`<td>v2</td><td><span class="badge v-partially-met">expiring`, "<td>depot repair, remote service</td>",
				"Example CPA LLP", "soc2-type2", day(160), `href="` + loc + `"`, `href="/devices/3"`, "1 it makes or services", "baa-form", "cert-form"},
			"/mds2":      {`href="` + loc + `"`, "CARESCAPE B650", "Encrypts data at rest", "mds2-form"},
			loc:          {"DOC-B650", "2024-03-01", "b650.csv", "STCF-1", "Patch support"},
			"/devices/3": {`href="` + loc + `"`, "Encrypts in transit", `href="/vendors/1"`},
			"/devices/1": {"No MDS2 on record", "none registered"},
			"/":          {"Vendor agreements", `<td><a href="/vendors/1">GE HealthCare</a></td><td>BAA</td><td><span class="badge v-partially-met">expiring</span></td><td>` + day(30)},
		} {
			page := e.get(comp, path, 200)
			for _, w := range wants {
				if !strings.Contains(page, w) {
					t.Errorf("%s lacks %q", path, w)
				}
			}
		}
		if page := e.get(comp, "/vendors?tier=low", 200); strings.Contains(page, `href="/vendors/1"`) {
			t.Errorf("the tier filter kept a high-tier vendor")
		}

		// A vendor list imported from CSV, and a refused one naming its row.
		code, body, loc = e.upload(comp, csrf, "", "/vendors/import", nil, "vendors.csv", "Vendor,Type,Aliases\nBD,manufacturer,Becton Dickinson\nGE Healthcare,,GE HC\n")
		if code != http.StatusSeeOther || loc != "/vendors" {
			t.Fatalf("vendor import: %d %s %.300s", code, loc, body)
		}
		if page := e.get(comp, loc, 200); !strings.Contains(page, "Vendor list imported: 1 added, 1 updated.") || !strings.Contains(page, "Becton Dickinson") {
			t.Errorf("the register after the import: %.300s", page)
		}
		code, body, _ = e.upload(comp, csrf, "", "/vendors/import", nil, "bad.csv", "Vendor,Type\nZeta,spaceship\n")
		if code != http.StatusBadRequest || !strings.Contains(body, "bad.csv row 2") {
			t.Errorf("refused import: %d %.500s", code, body)
		}

		// An auditor reads every page and sees no form; every change is refused.
		aud, audCSRF := e.client("auditor")
		for _, path := range []string{"/vendors", "/vendors/1", "/mds2", loc} {
			page := e.get(aud, path, 200)
			for _, f := range []string{"vendor-form", "import-form", "baa-form", "cert-form", "mds2-form"} {
				if strings.Contains(page, f) {
					t.Errorf("the auditor sees %s on %s", f, path)
				}
			}
		}
		for _, path := range []string{"/vendors", "/vendors/import", "/vendors/1/baas", "/vendors/1/certifications", "/mds2"} {
			if code, _, _ := e.upload(aud, audCSRF, "", path, map[string]string{"name": "Evil", "signed": day(-1), "kind": "other", "issuer": "x", "expires": day(9)},
				"x.csv", "Vendor\nEvil\n"); code != http.StatusForbidden {
				t.Errorf("auditor POST %s: %d, want 403", path, code)
			}
		}
		// Signed out: the pages send to the sign-in, the API answers 401.
		anon := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		for _, path := range []string{"/vendors", "/vendors/1", "/mds2", "/mds2/1"} {
			resp, err := anon.Get(e.ts.URL + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
				t.Errorf("anonymous GET %s: %d %s", path, resp.StatusCode, resp.Header.Get("Location"))
			}
		}
		e.get(anon, "/api/v1/vendors", http.StatusUnauthorized)
		e.get(comp, "/vendors/99", 404)
		e.get(comp, "/mds2/99", 404)
	})
}

// expiringBody is what GET /api/v1/vendors/expiring answers.
type expiringBody struct {
	Within string          `json:"within"`
	Gaps   []oversight.Gap `json:"gaps"`
}

func TestVendorAPI(t *testing.T) {
	// The API answers times to the second (api_times.go).
	inSeconds := cmp.Transformer("inSeconds", func(t time.Time) time.Time { return t.UTC().Truncate(time.Second) })
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := vendorEnv(t, db)
		ctx := context.Background()
		tok, _, err := db.CreateAPIToken(ctx, mustUser(t, e, "compliance"), "ci")
		if err != nil {
			t.Fatal(err)
		}
		audTok, _, err := db.CreateAPIToken(ctx, mustUser(t, e, "auditor"), "ci")
		if err != nil {
			t.Fatal(err)
		}
		svc := vendors.New(db)

		var v vigil.Vendor
		e.api(tok, "POST", "/api/v1/vendors", `{"id": 42, "name": "GE HealthCare", "aliases": ["GE Medical Systems"], "endpoints": [{"kind": "host", "value": "*.insite.example.com"}]}`, 201, &v)
		if v.ID != 1 || v.Kind != vigil.VendorManufacturer || v.AddedBy != "compliance" {
			t.Errorf("added vendor: %+v", v)
		}
		e.api(tok, "POST", "/api/v1/vendors", `{"name": "GE Medical Systems"}`, 409, nil)
		e.api(audTok, "POST", "/api/v1/vendors", `{"name": "Evil"}`, 403, nil)

		var b vigil.BAA
		e.api(tok, "POST", "/api/v1/vendors/1/baas", `{"signed": "`+day(-10)+`T00:00:00Z", "expires": "`+day(20)+`T00:00:00Z", "services": ["remote service"]}`, 201, &b)
		if b.Version != 1 || b.VendorID != 1 {
			t.Errorf("added BAA: %+v", b)
		}
		// A multipart BAA with its signed copy stored as evidence.
		code, body, _ := e.upload(nil, "", tok, "/api/v1/vendors/1/baas", map[string]string{"signed": day(-1), "renewal": day(300)}, "baa.pdf", "%PDF")
		if code != 201 || !strings.Contains(body, `"version": 2`) || !strings.Contains(body, `"evidence_id"`) {
			t.Errorf("multipart BAA: %d %s", code, body)
		}
		var c vigil.Certification
		e.api(tok, "POST", "/api/v1/vendors/1/certifications", `{"kind": "iso27001", "issuer": "BSI", "expires": "`+day(10)+`T00:00:00Z"}`, 201, &c)
		e.api(tok, "POST", "/api/v1/vendors/1/certifications", `{"kind": "iso27001"}`, 400, nil)
		e.api(tok, "POST", "/api/v1/vendors/9/certifications", `{"kind": "iso27001", "issuer": "BSI", "expires": "2030-01-01T00:00:00Z"}`, 404, nil)

		code, body, _ = e.upload(nil, "", tok, "/api/v1/vendors/import", nil, "v.csv", "Company,Kind\nBD,manufacturer\nAcme Cloud,cloud\n")
		if code != 200 || !strings.Contains(body, `"added": 2`) {
			t.Errorf("API import: %d %s", code, body)
		}
		smp := mds2.Generate(rand.New(rand.NewPCG(3, 4)), mds2.Spec{Manufacturer: "GE Healthcare", Model: "CARESCAPE B650"})
		xlsx, err := smp.XLSX()
		if err != nil {
			t.Fatal(err)
		}
		code, body, _ = e.upload(nil, "", tok, "/api/v1/mds2", nil, "b650.xlsx", string(xlsx))
		if code != 201 {
			t.Fatalf("API MDS2 import: %d %s", code, body)
		}
		code, body, _ = e.upload(nil, "", tok, "/api/v1/mds2", nil, "bad.csv", "Question ID,Question,Answer\nSTCF-1,x,Yes\n")
		if code != 400 || !strings.Contains(body, "no DOC-1 row") || !strings.Contains(body, `"code": "invalid"`) {
			t.Errorf("API malformed MDS2: %d %s", code, body)
		}

		// The shapes are the service's types.
		wantList, _ := svc.List(ctx)
		var list struct {
			Vendors []vendors.Summary `json:"vendors"`
			Total   int               `json:"total"`
		}
		e.api(audTok, "GET", "/api/v1/vendors", "", 200, &list)
		if diff := cmp.Diff(wantList, list.Vendors, inSeconds); diff != "" || list.Total != 3 {
			t.Errorf("GET /api/v1/vendors total %d (-want +got):\n%s", list.Total, diff)
		}
		e.api(audTok, "GET", "/api/v1/vendors?kind=cloud&limit=1", "", 200, &list)
		if len(list.Vendors) != 1 || list.Vendors[0].Vendor.Name != "Acme Cloud" || list.Total != 1 {
			t.Errorf("GET /api/v1/vendors?kind=cloud: %+v", list)
		}
		// Sorted and exported by the register page's columns.
		for order, want := range map[string][]string{"asc": {"Acme Cloud", "BD", "GE HealthCare"}, "desc": {"GE HealthCare", "BD", "Acme Cloud"}} {
			e.api(audTok, "GET", "/api/v1/vendors?sort=name&order="+order, "", 200, &list)
			var names []string
			for _, v := range list.Vendors {
				names = append(names, v.Vendor.Name)
			}
			if diff := cmp.Diff(want, names); diff != "" {
				t.Errorf("GET /api/v1/vendors?sort=name&order=%s (-want +got):\n%s", order, diff)
			}
		}
		e.api(audTok, "GET", "/api/v1/vendors?sort=color", "", 400, nil)
		req, _ := http.NewRequest("GET", e.ts.URL+"/api/v1/vendors?format=csv&sort=name", nil)
		req.Header.Set("Authorization", "Bearer "+audTok)
		if resp, err := http.DefaultClient.Do(req); err != nil {
			t.Error(err)
		} else {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if lines := strings.Split(strings.TrimSpace(string(b)), "\n"); resp.StatusCode != 200 || len(lines) != 4 ||
				!strings.HasPrefix(lines[0], "Vendor,Kind,Risk tier") || !strings.HasPrefix(lines[1], "Acme Cloud,cloud") {
				t.Errorf("GET /api/v1/vendors?format=csv: %d\n%s", resp.StatusCode, b)
			}
		}
		wantProfile, _ := svc.Show(ctx, "1")
		var profile vendors.Profile
		e.api(audTok, "GET", "/api/v1/vendors/1", "", 200, &profile)
		if diff := cmp.Diff(wantProfile, &profile, inSeconds); diff != "" {
			t.Errorf("GET /api/v1/vendors/1 (-want +got):\n%s", diff)
		}
		if len(profile.BAAs) != 2 || len(profile.Devices) != 1 || profile.Risk.EPHI != 1 {
			t.Errorf("profile: %d BAAs, %d devices, %d ePHI", len(profile.BAAs), len(profile.Devices), profile.Risk.EPHI)
		}
		wantGaps, _ := svc.Expiring(ctx, 60*24*time.Hour)
		var gaps expiringBody
		e.api(audTok, "GET", "/api/v1/vendors/expiring?within=60d", "", 200, &gaps)
		// BD's pump (ePHI) has neither; GE's ISO 27001 expires in 10 days.
		if diff := cmp.Diff(wantGaps, gaps.Gaps, inSeconds); diff != "" || len(gaps.Gaps) != 3 || gaps.Gaps[2].Vendor != "GE HealthCare" || gaps.Gaps[2].Status != oversight.GapExpiring {
			t.Errorf("GET expiring %+v (-want +got):\n%s", gaps.Gaps, diff)
		}
		e.api(audTok, "GET", "/api/v1/vendors/expiring?within=1d", "", 200, &gaps)
		if len(gaps.Gaps) != 2 || gaps.Gaps[0].Vendor != "BD" {
			t.Errorf("expiring within a day: %+v", gaps.Gaps)
		}
		var byDefault expiringBody
		e.api(audTok, "GET", "/api/v1/vendors/expiring", "", 200, &byDefault)
		if byDefault.Within != "60d" || len(byDefault.Gaps) != 3 {
			t.Errorf("expiring by default: within %q, %d gaps", byDefault.Within, len(byDefault.Gaps))
		}
		e.api(audTok, "GET", "/api/v1/vendors/expiring?within=soon", "", 400, nil)
		forms, _ := svc.MDS2Forms(ctx, false)
		var fl struct {
			Forms []*vigil.MDS2Form `json:"forms"`
		}
		e.api(audTok, "GET", "/api/v1/mds2", "", 200, &fl)
		if diff := cmp.Diff(forms, fl.Forms, inSeconds); diff != "" || len(forms) != 1 {
			t.Errorf("GET /api/v1/mds2 (-want +got):\n%s", diff)
		}
		wantForm, _ := svc.MDS2Form(ctx, forms[0].ID)
		var f vigil.MDS2Form
		e.api(audTok, "GET", "/api/v1/mds2/1", "", 200, &f)
		if diff := cmp.Diff(wantForm, &f, inSeconds); diff != "" || len(f.Questions) != len(smp.Want.Questions) {
			t.Errorf("GET /api/v1/mds2/1 (-want +got):\n%s", diff)
		}
		e.api(audTok, "GET", "/api/v1/mds2/7", "", 404, nil)
	})
}

// TestBrowserVendors drives headless Chromium through the register: the
// tier's factors open under their disclosure, a vendor is added through
// the form, and the MDS2 forms are reached from the register. With
// VIGIL_SCREENSHOTS=DIR it leaves a screenshot of each page there.
func TestBrowserVendors(t *testing.T) {
	chromium(t)
	e := vendorEnv(t, storetest.Open(t, "sqlite"))
	ctx := context.Background()
	svc := vendors.New(e.db)
	if err := svc.Add(ctx, nil, &vigil.Vendor{Name: "GE HealthCare", Aliases: []string{"GE Medical Systems"}}); err != nil {
		t.Fatal(err)
	}
	tctx := browse(t, e, "compliance", "/vendors", `table.vendors`)
	err := chromedp.Do(tctx,
		chromedp.Click(chromedp.CSS(`table.vendors details summary`)),
		chromedp.WaitVisible(chromedp.Search(`//ul[@class="factors"]/li[contains(., "storing or sending ePHI")]`)),
	)
	if err != nil {
		t.Fatalf("the tier's factors: %v", err)
	}
	screenshot(t, tctx, "vendors")
	err = chromedp.Do(tctx,
		chromedp.SendKeys(chromedp.CSS(`#vendor-form input[name=name]`), "Philips"),
		chromedp.SendKeys(chromedp.CSS(`#vendor-form textarea[name=models]`), "IntelliVue MX800"),
		chromedp.Click(chromedp.CSS(`#add-vendor`)),
		chromedp.WaitVisible(chromedp.Search(`//h1[contains(., "Philips")]`)),
		chromedp.WaitVisible(chromedp.Search(`//a[@href="/devices/2"]`)),
	)
	if err != nil {
		t.Fatalf("adding a vendor: %v", err)
	}
	screenshot(t, tctx, "vendor")
	err = chromedp.Do(tctx,
		chromedp.Click(chromedp.Search(`//p[@class="crumbs"]/a[@href="/vendors"]`)),
		chromedp.Click(chromedp.Search(`//p/a[@href="/mds2"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#mds2-form`)),
	)
	if err != nil {
		t.Fatalf("from the register to the MDS2 forms: %v", err)
	}
	screenshot(t, tctx, "mds2")
}
