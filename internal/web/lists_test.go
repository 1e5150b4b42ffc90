package web_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/xuri/excelize/v2"
)

// listEndpoints are the API's lists with the name each gave its items
// before the common shape ("" when it had none); every one answers
// {"items":[...],"total":N,"page":P,"limit":L} besides.
var listEndpoints = map[string]string{
	"/api/v1/devices":         "devices",
	"/api/v1/vulnerabilities": "vulnerabilities",
	"/api/v1/risk":            "worklist",
	"/api/v1/discrepancies":   "discrepancies",
	"/api/v1/vendors":         "vendors",
	"/api/v1/conflicts":       "conflicts",
	"/api/v1/audit":           "events",
	"/api/v1/evidence":        "evidence",
	"/api/v1/advisories":      "advisories",
}

// TestListsShapePagingAndLimit walks every list endpoint: the common shape,
// paging, and a limit above the maximum refused alike.
func TestListsShapePagingAndLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		tok := e.token("auditor")
		for path, name := range listEndpoints {
			var got map[string]json.RawMessage
			e.api(tok, "GET", path+"?limit=1&page=1", "", 200, &got)
			for _, k := range []string{"items", "total", "page", "limit"} {
				if _, ok := got[k]; !ok {
					t.Errorf("%s lacks %q: %s", path, k, keys(got))
				}
			}
			if name != "" && string(got[name]) != string(got["items"]) {
				t.Errorf("%s: %q and items differ", path, name)
			}
			if string(got["page"]) != "1" || string(got["limit"]) != "1" {
				t.Errorf("%s: page %s, limit %s", path, got["page"], got["limit"])
			}
			var items []json.RawMessage
			if err := json.Unmarshal(got["items"], &items); err != nil || len(items) > 1 {
				t.Errorf("%s?limit=1: %d items (%v)", path, len(items), err)
			}
			var refusal struct {
				Error struct{ Code, Message string }
			}
			e.api(tok, "GET", path+"?limit=1001", "", 400, &refusal)
			if refusal.Error.Code != "invalid" || refusal.Error.Message != "limit must be 1-1000" {
				t.Errorf("%s?limit=1001: %+v, want the allowed range", path, refusal.Error)
			}
		}
		// Page 2 of one a page is the second device.
		var p1, p2 struct {
			Devices []vigil.Device `json:"devices"`
			Total   int            `json:"total"`
		}
		e.api(tok, "GET", "/api/v1/devices?limit=1&sort=asset_tag", "", 200, &p1)
		e.api(tok, "GET", "/api/v1/devices?limit=1&page=2&sort=asset_tag", "", 200, &p2)
		if p1.Total != 2 || len(p1.Devices) != 1 || len(p2.Devices) != 1 || p1.Devices[0].AssetTag != "BME-00042" || p2.Devices[0].AssetTag != "BME-00043" {
			t.Errorf("pages by asset tag: %+v then %+v", p1, p2)
		}
	})
}

// TestListSortAndExport sorts the device list both ways and exports it,
// a formula in an imported value neutralised in CSV and XLSX alike.
func TestListSortAndExport(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	ctx := context.Background()
	if _, err := e.svc.Inventory.Import(ctx, nil, &vigil.Snapshot{Source: vigil.Source{Name: "it", Kind: vigil.SourceInventory}, Records: []*vigil.Record{
		{Fields: vigil.MakeFields(map[string]string{"asset_tag": "ZZ-1", "model": `=HYPERLINK("http://x","y")`, "manufacturer": "Acme"})},
	}}); err != nil {
		t.Fatal(err)
	}
	admin, _ := e.client("auditor")
	order := func(path string) []string {
		body := e.get(admin, path, 200)
		tags := []string{"BME-00042", "BME-00043", "ZZ-1"}
		at := func(tag string) int { return strings.Index(body, ">"+tag+"<") }
		slices.SortFunc(tags, func(a, b string) int { return at(a) - at(b) })
		return tags
	}
	if diff := cmp.Diff([]string{"BME-00042", "BME-00043", "ZZ-1"}, order("/devices?sort=asset_tag")); diff != "" {
		t.Errorf("ascending (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"ZZ-1", "BME-00043", "BME-00042"}, order("/devices?sort=asset_tag&order=desc")); diff != "" {
		t.Errorf("descending (-want +got):\n%s", diff)
	}
	e.get(admin, "/devices?sort=nonsense", 400)

	csv := e.get(admin, "/devices?q=ZZ&format=csv", 200)
	if !strings.HasPrefix(csv, "Asset tag,Type,") || !strings.Contains(csv, `'=HYPERLINK`) || strings.Contains(csv, "BME-00042") {
		t.Errorf("CSV export of the filtered list:\n%s", csv)
	}
	x := e.get(admin, "/devices?q=ZZ&format=xlsx", 200)
	f, err := excelize.OpenReader(strings.NewReader(x))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Sheet1")
	if err != nil || len(rows) != 2 || rows[1][0] != "ZZ-1" || rows[1][3] != `'=HYPERLINK("http://x","y")` {
		t.Errorf("XLSX export: %q, %v", rows, err)
	}
}

func keys(m map[string]json.RawMessage) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
