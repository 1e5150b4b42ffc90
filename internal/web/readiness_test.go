package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/assurance"
	"github.com/vigil-health/vigil/internal/web"
)

// withPlan is an evaluated env whose server has the mock audit and plan
// service, and the plan synced once.
func withPlan(t *testing.T) *env {
	t.Helper()
	e := evaluated(t)
	e.svc.Assurance = assurance.New(e.db, e.svc.Exposure)
	srv, err := web.New(e.db, e.svc, slog.New(slog.NewTextHandler(io.Discard, nil)), web.Config{LoginRate: 100, LoginBurst: 100})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	if _, err := e.svc.Assurance.SyncPlan(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return &env{t: t, db: e.db, svc: e.svc, srv: srv, ts: ts}
}

func TestPlanAndAuditPages(t *testing.T) {
	e := withPlan(t)
	ctx := context.Background()
	comp, csrf := e.client("compliance")
	auditor, acsrf := e.client("auditor")

	items, err := e.db.FindPlanItems(ctx, vigil.PlanFilter{Status: vigil.PlanOpen})
	if err != nil || len(items) == 0 {
		t.Fatalf("plan: %d items, %v", len(items), err)
	}
	it := items[0]
	body := e.get(comp, "/plan", 200)
	contains(t, "/plan", body, it.Title, `action="/plan/`, `name="owner"`, `name="csrf_token"`)
	if strings.Contains(e.get(auditor, "/plan", 200), `action="/plan/`) {
		t.Error("the auditor is offered the plan editor")
	}
	path := "/plan/" + itoa64(it.ID)
	e.postForm(comp, path, url.Values{"owner": {"Biomed"}}, 403) // no CSRF token
	e.postForm(auditor, path, url.Values{"csrf_token": {acsrf}, "owner": {"Biomed"}}, 403)
	e.postForm(comp, path, url.Values{"csrf_token": {csrf}, "owner": {"Biomed lead"}, "due": {"2027-01-31"}}, 303)
	got, err := e.db.FindPlanItem(ctx, it.ID)
	if err != nil || got.Owner != "Biomed lead" || !got.OwnerSet || got.Due.Format("2006-01-02") != "2027-01-31" {
		t.Fatalf("after the edit: %+v %v", got, err)
	}
	e.postForm(comp, path, url.Values{"csrf_token": {csrf}, "due": {"soon"}}, 400)
	e.postForm(comp, "/plan/99999", url.Values{"csrf_token": {csrf}, "owner": {"x"}}, 404)

	// Two audits: the page lists them and compares them.
	e.postForm(auditor, "/audits", url.Values{"csrf_token": {acsrf}, "framework": {"hipaa"}}, 403)
	for range 2 {
		e.postForm(comp, "/audits", url.Values{"csrf_token": {csrf}, "framework": {"hipaa"}, "sample": {"2"}, "seed": {"7"}}, 303)
	}
	body = e.get(auditor, "/audits", 200)
	contains(t, "/audits", body, "The last two of hipaa", "0 requests improved, 0 regressed", `href="/api/v1/audits/`)
	if strings.Contains(body, `action="/audits"`) {
		t.Error("the auditor is offered the audit form")
	}
	e.postForm(comp, "/audits", url.Values{"csrf_token": {csrf}, "framework": {"hipaa"}, "sample": {"none"}}, 400)
}

func TestReadinessAPI(t *testing.T) {
	e := withPlan(t)
	ctx := context.Background()
	tok, _, err := e.db.CreateAPIToken(ctx, mustUser(t, e, "compliance"), "ci")
	if err != nil {
		t.Fatal(err)
	}
	aud, _, _ := e.db.CreateAPIToken(ctx, mustUser(t, e, "auditor"), "audit")

	var plan struct {
		Items []vigil.PlanItem `json:"items"`
		Total int              `json:"total"`
	}
	e.api(aud, "GET", "/api/v1/plan?status=open", "", 200, &plan)
	items := plan.Items
	if len(items) == 0 || items[0].Status != vigil.PlanOpen || plan.Total != len(items) {
		t.Fatalf("plan: %+v", plan)
	}
	e.api(aud, "GET", "/api/v1/plan?status=later", "", 400, nil)

	var a vigil.MockAudit
	e.api(aud, "POST", "/api/v1/audits/mock", `{"framework":"hipaa"}`, 403, nil)
	e.api(tok, "POST", "/api/v1/audits/mock", `{"framework":"hipaa","sample":2,"seed":7}`, 201, &a)
	if a.ID == 0 || a.Seed != 7 || a.Framework != "hipaa" || len(a.Requests) == 0 {
		t.Fatalf("audit: %+v", a)
	}
	var b vigil.MockAudit
	e.api(aud, "GET", "/api/v1/audits/"+itoa64(a.ID), "", 200, &b)
	if b.ID != a.ID || b.Score != a.Score || len(b.Requests) != len(a.Requests) {
		t.Errorf("read back: %+v", b)
	}
	e.api(aud, "GET", "/api/v1/audits/9999", "", 404, nil)
	e.api(tok, "POST", "/api/v1/audits/mock", `{"framework":"nope"}`, 404, nil)
	e.api(tok, "POST", "/api/v1/audits/mock", `{}`, 400, nil)
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
