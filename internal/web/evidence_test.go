package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/bound"
	"github.com/vigil-health/vigil/internal/store"
	"github.com/vigil-health/vigil/internal/store/storetest"
	"github.com/vigil-health/vigil/internal/web"
)

// upload sends a multipart form with a file, signed in by cookie (csrf set)
// or by bearer token (tok set).
func (e *env) upload(c *http.Client, csrf, tok, path string, fields map[string]string, name, content string) (int, string, string) {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if csrf != "" {
		mw.WriteField("csrf_token", csrf)
	}
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if name != "" {
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write([]byte(content))
	}
	mw.Close()
	req, _ := http.NewRequest("POST", e.ts.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header.Get("Location")
}

func TestEvidencePages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		comp, csrf := e.client("compliance")
		fields := map[string]string{"title": "Q3 access review", "controls": "hipaa:164.308(a)(4)(i) csf2:PR.AA-05", "area": "access-control",
			"effective": "2026-07-01..2026-09-30", "devices": "1"}

		// Without the CSRF token the upload is refused; with it, stored.
		if code, _, _ := e.upload(comp, "", "", "/evidence", fields, "review.pdf", "%PDF review"); code != http.StatusForbidden {
			t.Errorf("upload without CSRF: %d", code)
		}
		code, body, loc := e.upload(comp, csrf, "", "/evidence", fields, "review.pdf", "%PDF review")
		if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/evidence/") {
			t.Fatalf("upload: %d %s %.300s", code, loc, body)
		}
		page := e.get(comp, loc, 200)
		for _, want := range []string{"Q3 access review", "hipaa:164.308(a)(4)(i)", "review.pdf", "2026-09-30", "Add a new version"} {
			if !strings.Contains(page, want) {
				t.Errorf("evidence page lacks %q", want)
			}
		}
		// A refused upload shows the form again with the message.
		code, body, _ = e.upload(comp, csrf, "", "/evidence", map[string]string{"title": "x", "controls": "hipaa:nope"}, "x.txt", "x")
		if code != http.StatusBadRequest || !strings.Contains(body, "no control hipaa:nope") {
			t.Errorf("refused upload: %d %.400s", code, body)
		}
		// A new version from the item page.
		code, _, loc2 := e.upload(comp, csrf, "", loc+"/versions", map[string]string{}, "review-v2.pdf", "%PDF review 2")
		if code != http.StatusSeeOther || loc2 == loc {
			t.Fatalf("new version: %d %s", code, loc2)
		}
		if page := e.get(comp, loc2, 200); !strings.Contains(page, "version 2") || !strings.Contains(page, `href="`+loc+`"`) {
			t.Errorf("the new version's page does not link the old")
		}

		// An auditor browses, downloads, and cannot upload or delete.
		aud, audCSRF := e.client("auditor")
		for _, p := range []string{"/evidence", "/evidence?area=access-control", "/evidence?control=hipaa:164.308(a)(4)(i)", "/controls/hipaa/164.308(a)(4)(i)", "/devices/1"} {
			if page := e.get(aud, p, 200); !strings.Contains(page, "Q3 access review") {
				t.Errorf("%s does not list the evidence", p)
			}
		}
		if page := e.get(aud, "/evidence?area=training", 200); strings.Contains(page, "Q3 access review") {
			t.Error("the training area lists access-control evidence")
		}
		resp, err := aud.Get(e.ts.URL + loc + "/content")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(b) != "%PDF review" || !strings.Contains(resp.Header.Get("Content-Disposition"), "review.pdf") {
			t.Errorf("download: %d %q %v", resp.StatusCode, b, resp.Header)
		}
		if code, _, _ := e.upload(aud, audCSRF, "", "/evidence", fields, "a.pdf", "a"); code != http.StatusForbidden {
			t.Errorf("an auditor's upload: %d", code)
		}
		if r := e.post(comp, loc+"/delete", map[string][]string{"csrf_token": {csrf}}); r.status != http.StatusForbidden {
			t.Errorf("deletion by compliance: %d", r.status)
		}
		adm, admCSRF := e.client("admin")
		if r := e.post(adm, loc+"/delete", map[string][]string{"csrf_token": {admCSRF}}); r.status != http.StatusConflict {
			t.Errorf("deletion within retention, unforced: %d", r.status)
		}
		if r := e.post(adm, loc+"/delete", map[string][]string{"csrf_token": {admCSRF}, "force": {"on"}, "reason": {"wrong hospital"}}); r.status != http.StatusSeeOther {
			t.Errorf("forced deletion: %d %.300s", r.status, r.body)
		}
		e.get(adm, loc, 404)
	})
}

func TestEvidenceAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		tok, _, err := e.db.CreateAPIToken(ctx, mustUser(t, e, "compliance"), "ci")
		if err != nil {
			t.Fatal(err)
		}
		aud, _, _ := e.db.CreateAPIToken(ctx, mustUser(t, e, "auditor"), "audit")
		code, body, _ := e.upload(nil, "", tok, "/api/v1/evidence", map[string]string{"title": "BAA with BD", "controls": "hipaa:164.308(b)(1)", "area": "vendor-management"}, "baa.pdf", "%PDF baa")
		if code != http.StatusCreated {
			t.Fatalf("POST /api/v1/evidence: %d %s", code, body)
		}
		var added vigil.Evidence
		json.Unmarshal([]byte(body), &added)
		if added.ID == 0 || added.Version != 1 || added.Size != 8 || added.AddedBy != "compliance" {
			t.Fatalf("added: %+v", added)
		}
		if code, _, _ := e.upload(nil, "", aud, "/api/v1/evidence", map[string]string{"title": "x", "area": "training"}, "x", "x"); code != http.StatusForbidden {
			t.Errorf("an auditor's POST: %d", code)
		}
		var list struct{ Evidence []vigil.Evidence }
		e.api(aud, "GET", "/api/v1/evidence?control=hipaa:164.308(b)(1)", "", 200, &list)
		if len(list.Evidence) != 1 || list.Evidence[0].Key != added.Key {
			t.Errorf("list: %+v", list)
		}
		e.api(aud, "GET", "/api/v1/evidence?area=training", "", 200, &list)
		if len(list.Evidence) != 0 {
			t.Errorf("list by another area: %+v", list)
		}
		var one struct {
			Evidence vigil.Evidence
			Versions []vigil.Evidence
		}
		id := strconv.FormatInt(added.ID, 10)
		e.api(aud, "GET", "/api/v1/evidence/"+id, "", 200, &one)
		if one.Evidence.Title != "BAA with BD" || len(one.Versions) != 1 {
			t.Errorf("one: %+v", one)
		}
		req, _ := http.NewRequest("GET", e.ts.URL+"/api/v1/evidence/"+id+"/content", nil)
		req.Header.Set("Authorization", "Bearer "+aud)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != "%PDF baa" || resp.Header.Get("X-Content-SHA256") != added.Key {
			t.Errorf("content: %q %v", b, resp.Header)
		}
		e.api(aud, "GET", "/api/v1/evidence/999", "", 404, nil)

		// An attestation attaches the evidence.
		var att struct {
			Evidence []int64 `json:"evidence"`
		}
		e.api(tok, "POST", "/api/v1/attestations", `{"control": "hipaa:164.308(b)(1)", "owner": "Privacy officer", "answer": "met", "date": "2026-01-05", "next_due": "2027-01-05", "evidence": [`+id+`]}`, 201, &att)
		if len(att.Evidence) != 1 || att.Evidence[0] != added.ID {
			t.Errorf("the attestation's evidence: %+v", att)
		}
		e.api(tok, "POST", "/api/v1/attestations", `{"control": "hipaa:164.308(b)(1)", "owner": "Privacy officer", "answer": "met", "date": "2026-01-05", "next_due": "2027-01-05", "evidence": [999]}`, 404, nil)
		e.api(tok, "DELETE", "/api/v1/evidence/"+id, "", 403, nil)
	})
}

// TestUploadLimits: the server's import limits hold an evidence upload
// (its file to --max-file-bytes as it streams into the blob store, the
// whole multipart body to it and 1 MiB of fields, the form to a thousand
// parts) and a check file sent to the API (--max-record-bytes), each with
// a 400 naming the limit; at the limit the file is stored.
func TestUploadLimits(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		svc := services(t, db)
		srv, err := web.New(db, svc, slog.New(slog.NewTextHandler(io.Discard, nil)), web.Config{ImportLimits: bound.Limits{FileBytes: 4096, RecordBytes: 2048}})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv.Handler())
		defer ts.Close()
		small := &env{t: t, db: db, svc: svc, srv: srv, ts: ts}
		tok, _, err := db.CreateAPIToken(context.Background(), mustUser(t, e, "compliance"), "ci")
		if err != nil {
			t.Fatal(err)
		}
		fields := map[string]string{"title": "Scan export", "area": "vulnerability-management"}
		refused := func(what string, code int, body, want string) {
			t.Helper()
			var answer struct{ Error struct{ Message string } }
			json.Unmarshal([]byte(body), &answer)
			if code != http.StatusBadRequest || !strings.Contains(answer.Error.Message, want) {
				t.Errorf("%s: %d %s; want 400 naming %q", what, code, body, want)
			}
		}
		if code, body, _ := small.upload(nil, "", tok, "/api/v1/evidence", fields, "scan.csv", strings.Repeat("x", 4096)); code != http.StatusCreated {
			t.Errorf("a file at the limit: %d %s", code, body)
		}
		code, body, _ := small.upload(nil, "", tok, "/api/v1/evidence", fields, "big.csv", strings.Repeat("y", 5000))
		refused("a file over the limit", code, body, "big.csv: a file of more than 4 KiB (the --max-file-bytes limit")
		// The form around the file is held to the server's limits as well,
		// and a body that says it is larger is refused before it is read.
		req, _ := http.NewRequest("POST", ts.URL+"/api/v1/evidence", io.LimitReader(zeros{}, 2<<20))
		req.ContentLength = 2 << 20
		req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
		req.Header.Set("Authorization", "Bearer "+tok)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			refused("a body over the limit", resp.StatusCode, string(b), "the upload: a form of more than 4 KiB and 1 MiB of fields (the --max-file-bytes limit")
		} else {
			t.Errorf("a body over the limit: %v", err)
		}
		many := map[string]string{}
		for i := range 1500 {
			many["f"+strconv.Itoa(i)] = "x"
		}
		code, body, _ = small.upload(nil, "", tok, "/api/v1/evidence", many, "scan.csv", "x")
		refused("a form of 1500 fields", code, body, "the form is too large: more than 1000 parts")
		var n int
		filepath.WalkDir(svc.Evidence.Dir(), func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				n++
			}
			return nil
		})
		if n != 1 {
			t.Errorf("%d files in the blob store, want the one stored", n)
		}

		src, _ := json.Marshal(map[string]string{"source": "id: big\n# " + strings.Repeat("x", 3000)})
		req, _ = http.NewRequest("POST", ts.URL+"/api/v1/checks", bytes.NewReader(src))
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		refused("a check file over the limit", resp.StatusCode, string(b), "the request body: a check request of more than 2 KiB (the --max-record-bytes limit")
	})
}

// zeros reads zero bytes for ever.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
