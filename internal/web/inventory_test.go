package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

func (e *env) postForm(c *http.Client, path string, form url.Values, want int) {
	e.t.Helper()
	if got := e.post(c, path, form).status; got != want {
		e.t.Fatalf("POST %s: status %d, want %d", path, got, want)
	}
}

func TestInventoryPages(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	ctx := context.Background()
	// IT lists BME-00042 with another firmware than clinical engineering.
	_, err := e.svc.Inventory.Import(ctx, nil, &vigil.Snapshot{Source: vigil.Source{Name: "cmdb", Kind: vigil.SourceInventory, Role: "it"}, Records: []*vigil.Record{
		{Fields: vigil.MakeFields(map[string]string{"asset_tag": "BME-00042", "firmware": "12.1.2", "hostname": "pump-42"})},
	}})
	if err != nil {
		t.Fatal(err)
	}
	// The env's cmms source gave no firmware; give one that disagrees.
	_, err = e.svc.Inventory.Import(ctx, nil, &vigil.Snapshot{Source: vigil.Source{Name: "cmms", Kind: vigil.SourceInventory}, Records: []*vigil.Record{
		{Fields: vigil.MakeFields(map[string]string{"asset_tag": "BME-00042", "manufacturer": "BD", "model": "Alaris 8015", "firmware": "12.1.0", "device_type": "infusion pump", "site": "St. Brigid"})},
		{Fields: vigil.MakeFields(map[string]string{"asset_tag": "BME-00043", "manufacturer": "Philips", "model": "IntelliVue MX800", "device_type": "patient monitor"})},
	}})
	if err != nil {
		t.Fatal(err)
	}
	ce, csrf := e.client("clinical-engineering")
	body := e.get(ce, "/discrepancies?kind=field-conflict", 200)
	if !strings.Contains(body, "12.1.2") || !strings.Contains(body, "12.1.0") {
		t.Fatalf("field-conflict page lacks both firmware values")
	}
	body = e.get(ce, "/discrepancies?kind=missing-from-source", 200)
	if !strings.Contains(body, "BME-00043") {
		t.Errorf("missing-from-source page lacks BME-00043, which only cmms lists")
	}
	// One discrepancy a page: the first page links to the second, and the
	// pages together name every discrepancy.
	every, err := e.db.FindDiscrepancies(ctx, vigil.DiscrepancyFilter{})
	if err != nil || len(every) < 2 {
		t.Fatalf("discrepancies: %d, %v", len(every), err)
	}
	body = e.get(ce, "/discrepancies?limit=1", 200)
	if want := fmt.Sprintf("page 1 of %d", len(every)); !strings.Contains(body, want) || !strings.Contains(body, "page=2") {
		t.Errorf("first page of one: no %q or no link to page 2", want)
	}
	for i, d := range every {
		body := e.get(ce, fmt.Sprintf("/discrepancies?limit=1&page=%d", i+1), 200)
		if !strings.Contains(body, `value="`+html.EscapeString(d.Key)+`"`) {
			t.Errorf("page %d does not list discrepancy %q", i+1, d.Key)
		}
	}
	e.get(ce, "/discrepancies?page=0", 400)
	e.get(ce, "/discrepancies?site=x", 400)
	// By hospital: BME-00042 is at St. Brigid, BME-00043 at none; the
	// links to each kind keep the hospital.
	sites, err := e.db.FindSites(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var brigid int64
	for _, st := range sites {
		if st.Kind == vigil.SiteHospital && st.Name == "St. Brigid" {
			brigid = st.ID
		}
	}
	body = e.get(ce, "/discrepancies?all=1&site="+itoa(brigid), 200)
	if !strings.Contains(body, "BME-00042") || strings.Contains(body, "BME-00043") {
		t.Errorf("St. Brigid's discrepancies: want BME-00042 only")
	}
	if !strings.Contains(body, "kind=field-conflict&amp;site="+itoa(brigid)) && !strings.Contains(body, "site="+itoa(brigid)+"&amp;kind=field-conflict") {
		t.Errorf("the field-conflict link does not keep the hospital")
	}
	var api struct {
		Discrepancies []struct{ Key string }
		Total         int
	}
	if err := json.Unmarshal([]byte(e.get(ce, "/api/v1/discrepancies?limit=1&page=2", 200)), &api); err != nil {
		t.Fatal(err)
	}
	if api.Total != len(every) || len(api.Discrepancies) != 1 || api.Discrepancies[0].Key != every[1].Key {
		t.Errorf("API page 2 of one = %+v; want total %d and key %q", api, len(every), every[1].Key)
	}
	ds, err := e.db.FindDiscrepancies(ctx, vigil.DiscrepancyFilter{Kind: vigil.DiscrepancyFieldConflict})
	if err != nil || len(ds) != 1 {
		t.Fatalf("field conflicts: %v, %v", ds, err)
	}
	e.postForm(ce, "/discrepancies/ack", url.Values{"csrf_token": {csrf}, "key": {ds[0].Key}, "note": {"firmware update pending in CMMS"}}, http.StatusSeeOther)
	if ds, _ := e.db.FindDiscrepancies(ctx, vigil.DiscrepancyFilter{Kind: vigil.DiscrepancyFieldConflict}); len(ds) != 0 {
		t.Errorf("acknowledged conflict still listed by default")
	}
	// Set the device type by hand; the device page shows the provenance.
	id := ds[0].Device.ID
	e.postForm(ce, "/devices/"+itoa(id)+"/fields", url.Values{"csrf_token": {csrf}, "field": {"device_type"}, "value": {"syringe pump"}}, http.StatusSeeOther)
	d, err := e.db.FindDeviceByID(ctx, id)
	if err != nil || d.DeviceType != "syringe-pump" {
		t.Fatalf("after setting by hand the type is %q (%v)", d.DeviceType, err)
	}
	body = e.get(ce, "/devices/"+itoa(id), 200)
	for _, want := range []string{"Provenance", "manual", "cmdb", "12.1.2", "<dt>FDA class</dt><dd>II</dd>"} {
		if !strings.Contains(body, want) {
			t.Errorf("device page lacks %q", want)
		}
	}
	if api := e.get(ce, "/api/v1/devices/"+itoa(id), 200); !strings.Contains(api, `"fda_class"`) || !strings.Contains(api, `"II"`) {
		t.Errorf("the device API lacks the FDA class:\n%s", api)
	}
	e.get(ce, "/conflicts", 200)
	e.get(ce, "/sources", 200)
	e.get(ce, "/devices?source=cmdb&discrepancy=field-conflict", 200)
	// Only an admin changes precedence.
	e.postForm(ce, "/precedence", url.Values{"csrf_token": {csrf}, "field": {"firmware"}, "entries": {"cmms"}}, http.StatusForbidden)
	admin, acsrf := e.client("admin")
	// The role select of each source shows the role it has.
	sources, _ := e.db.FindSources(ctx)
	page := e.get(admin, "/sources", 200)
	for _, src := range sources {
		sel := regexp.MustCompile(`aria-label="Role of ` + regexp.QuoteMeta(src.Name) + `">(.*?)</select>`).FindStringSubmatch(page)
		if src.Role != "" && (sel == nil || !strings.Contains(sel[1], "<option selected>"+string(src.Role)+"</option>")) {
			t.Errorf("the role select of %s does not show its role %q: %v", src.Name, src.Role, sel)
		}
	}
	e.postForm(admin, "/precedence", url.Values{"csrf_token": {acsrf}, "field": {"firmware"}, "entries": {"cmms"}}, http.StatusSeeOther)
	if d, _ := e.db.FindDeviceByID(ctx, id); d.Firmware != "12.1.0" {
		t.Errorf("with cmms first for firmware the device shows %q", d.Firmware)
	}
}

func itoa(n int64) string { return strconvFormat(n) }

func strconvFormat(n int64) string { return strconv.FormatInt(n, 10) }
