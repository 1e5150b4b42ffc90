package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/discover"
	"github.com/vigil-health/vigil/internal/gen"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// seededForLists is an evaluated env with a plan, a discovery run, the
// demo's vulnerability feeds matched against a device, an attestation and
// evidence: something in every list.
func seededForLists(t *testing.T) (*env, string) {
	t.Helper()
	e := withPlan(t)
	ctx := context.Background()
	rep, err := discover.RunFiles(ctx, []string{filepath.Join("..", "dissect", "testdata", "dicom_any_ae.pcap")}, discover.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Inventory.RecordDiscovery(ctx, nil, []string{"dicom_any_ae.pcap"}, rep, true); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Inventory.Import(ctx, nil, &vigil.Snapshot{Source: vigil.Source{Name: "cmdb", Kind: vigil.SourceInventory}, Records: []*vigil.Record{
		{Fields: vigil.MakeFields(map[string]string{"asset_tag": "HL7-1", "manufacturer": "Rhapsody", "model": "Rhapsody Integration Engine", "firmware": "6.7.1"})},
	}}); err != nil {
		t.Fatal(err)
	}
	tok := e.token("admin")
	h, _ := gen.Generate(gen.Options{Seed: 1, Devices: 600, Now: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)})
	dir := t.TempDir()
	if _, err := h.WriteFiles(dir, gen.Vulns{}); err != nil {
		t.Fatal(err)
	}
	paths, _ := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	more, _ := filepath.Glob(filepath.Join(dir, "feeds", "*", "*.json"))
	for _, p := range append(paths, more...) {
		body, _ := os.ReadFile(p)
		e.api(tok, "POST", "/api/v1/feeds?filename="+filepath.Base(p), string(body), 200, nil)
	}
	e.api(tok, "POST", "/api/v1/attestations", `{"control":"hipaa:164.308(a)(1)(i)","owner":"CISO","answer":"met","date":"2026-10-01","next_due":"2027-10-01"}`, 201, nil)
	e.api(tok, "POST", "/api/v1/vendors", `{"name":"BD","kind":"manufacturer"}`, 201, nil)
	e.api(tok, "POST", "/api/v1/vendors", `{"name":"Philips","kind":"manufacturer"}`, 201, nil)
	c, csrf := e.client("compliance")
	for _, title := range []string{"Risk analysis", "Training roster"} {
		if code, _, _ := e.upload(c, csrf, "", "/evidence", map[string]string{"title": title, "controls": "hipaa:164.308(a)(1)(i)", "area": "governance"}, "a.txt", title); code != http.StatusSeeOther {
			t.Fatalf("evidence %q: %d", title, code)
		}
	}
	return e, tok
}

// rawGet calls the API and answers the status, the content type and the body.
func rawGet(t *testing.T, e *env, tok, path string) (int, string, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", e.ts.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

var (
	looksLikeTime = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d`)
	toTheSecond   = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`)
)

// badTimes returns the times in v not in RFC 3339, UTC, to the second.
func badTimes(v any) []string {
	var out []string
	switch v := v.(type) {
	case string:
		if looksLikeTime.MatchString(v) && !toTheSecond.MatchString(v) {
			out = append(out, v)
		}
	case []any:
		for _, x := range v {
			out = append(out, badTimes(x)...)
		}
	case map[string]any:
		for _, x := range v {
			out = append(out, badTimes(x)...)
		}
	}
	return out
}

// TestAPIListsWalk walks every list the OpenAPI document marks
// (x-vigil-list) on a seeded server: the common shape with the older name
// beside items, the default page size, paging by one, a limit outside
// 1-1000 refused with the same error everywhere, times to the second,
// every documented sort key, and the documented exports. A GET that is not
// marked a list must not answer a bare JSON list.
func TestAPIListsWalk(t *testing.T) {
	e, tok := seededForLists(t)
	ctx := context.Background()
	ms, _ := e.db.FindMatches(ctx, vigil.MatchFilter{})
	if len(ms) == 0 {
		t.Fatal("the feeds matched no device")
	}
	values := map[string]string{"{id}": strconv.FormatInt(ms[0].DeviceID, 10), "{framework}": "hipaa"}

	var doc struct {
		Paths map[string]map[string]struct {
			List *struct {
				Old    string   `json:"old_name"`
				Limit  int      `json:"default_limit"`
				Sort   []string `json:"sort"`
				Export bool     `json:"export"`
			} `json:"x-vigil-list"`
		} `json:"paths"`
	}
	e.api(tok, "GET", "/api/v1/openapi.json", "", 200, &doc)
	lists, paged := 0, 0
	for path, ops := range doc.Paths {
		op, ok := ops["get"]
		if !ok {
			continue
		}
		url := path
		for k, v := range values {
			url = strings.ReplaceAll(url, k, v)
		}
		if op.List == nil {
			if strings.Contains(url, "{") {
				continue
			}
			if code, _, b := rawGet(t, e, tok, url); code == 200 && strings.HasPrefix(strings.TrimSpace(string(b)), "[") {
				t.Errorf("GET %s answers a bare JSON list: mark it a list in apiDocs and answer the common shape", path)
			}
			continue
		}
		lists++
		l := op.List
		// The one documented exception: discrepancies without paging
		// parameters are streamed whole, as before; page=1 asks for the
		// common shape.
		first := url
		if path == "/api/v1/discrepancies" {
			first += "?page=1"
		}
		var got map[string]json.RawMessage
		e.api(tok, "GET", first, "", 200, &got)
		for _, k := range []string{"items", "total", "page", "limit"} {
			if _, ok := got[k]; !ok {
				t.Errorf("%s lacks %q: %s", path, k, keys(got))
			}
		}
		if l.Old != "" && string(got[l.Old]) != string(got["items"]) {
			t.Errorf("%s: %q and items differ", path, l.Old)
		}
		if string(got["page"]) != "1" || string(got["limit"]) != strconv.Itoa(l.Limit) {
			t.Errorf("%s: page %s, limit %s; want 1 and the documented default %d", path, got["page"], got["limit"], l.Limit)
		}
		var items []any
		var total int
		if err := json.Unmarshal(got["items"], &items); err != nil || json.Unmarshal(got["total"], &total) != nil {
			t.Errorf("%s: items %.100s, total %s", path, got["items"], got["total"])
			continue
		}
		if total < len(items) || len(items) > l.Limit {
			t.Errorf("%s: %d items of %d, limit %d", path, len(items), total, l.Limit)
		}
		if bad := badTimes(items); len(bad) > 0 {
			t.Errorf("%s: times not RFC 3339 UTC to the second: %v", path, bad[:min(3, len(bad))])
		}
		sep := "?"
		if strings.Contains(url, "?") {
			sep = "&"
		}
		if total >= 2 {
			paged++
			var p1, p2 struct {
				Items       []json.RawMessage `json:"items"`
				Total, Page int
			}
			e.api(tok, "GET", url+sep+"limit=1", "", 200, &p1)
			e.api(tok, "GET", url+sep+"limit=1&page=2", "", 200, &p2)
			if len(p1.Items) != 1 || len(p2.Items) != 1 || p1.Total != total || p2.Page != 2 || string(p1.Items[0]) == string(p2.Items[0]) {
				t.Errorf("%s: one a page: page 1 %d items of %d, page %d %d items, the same item twice: %v", path, len(p1.Items), p1.Total, p2.Page, len(p2.Items),
					len(p1.Items) == 1 && len(p2.Items) == 1 && string(p1.Items[0]) == string(p2.Items[0]))
			}
		}
		for _, bad := range []string{"limit=1001", "limit=0", "limit=many"} {
			var refusal struct {
				Error struct{ Code, Message string }
			}
			e.api(tok, "GET", url+sep+bad, "", 400, &refusal)
			if refusal.Error.Code != "invalid" || refusal.Error.Message != "limit must be 1-1000" {
				t.Errorf("%s?%s: %+v, want the same refusal as every list", path, bad, refusal.Error)
			}
		}
		e.api(tok, "GET", url+sep+"page=0", "", 400, nil)
		for _, k := range l.Sort {
			e.api(tok, "GET", url+sep+"sort="+k+"&order=desc", "", 200, nil)
		}
		e.api(tok, "GET", url+sep+"sort=no-such-key", "", 400, nil)
		if l.Export {
			for format, ctype := range map[string]string{"csv": "text/csv", "xlsx": "application/vnd.openxmlformats"} {
				if code, ct, _ := rawGet(t, e, tok, url+sep+"format="+format); code != 200 || !strings.HasPrefix(ct, ctype) {
					t.Errorf("%s?format=%s: %d %s", path, format, code, ct)
				}
			}
		} else {
			e.api(tok, "GET", url+sep+"format=csv", "", 400, nil)
		}
	}
	// The walk reaches every list, and pages most of them for real.
	if lists < 25 || paged < 15 {
		t.Errorf("walked %d lists, %d of them with two items or more", lists, paged)
	}
	t.Logf("walked %d lists, paged %d", lists, paged)
}

// TestAPIPageAndDocument serves the API page and the document to a signed-in
// auditor, and neither to anyone else.
func TestAPIPageAndDocument(t *testing.T) {
	e := newEnv(t, storetest.Open(t, "sqlite"))
	c, _ := e.client("auditor")
	body := e.get(c, "/docs/api", 200)
	for _, want := range []string{`href="/api/v1/openapi.json"`, "vigil token create --user NAME", "/api/v1/devices", `href="/docs/api"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the API page lacks %s", want)
		}
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(e.get(c, "/api/v1/openapi.json", 200)), &doc); err != nil || doc["openapi"] != "3.1.0" {
		t.Errorf("openapi.json: %v %v", doc["openapi"], err)
	}
	anon := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for path, want := range map[string]int{"/api/v1/openapi.json": 401, "/docs/api": 303} {
		resp, err := anon.Get(e.ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("anonymous %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
}
