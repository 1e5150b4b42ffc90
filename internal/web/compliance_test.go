package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	vigil "github.com/vigil-health/vigil"
	"github.com/vigil-health/vigil/internal/compliance"
	"github.com/vigil-health/vigil/internal/store/storetest"
)

// badSource is tls-minimum-version's file with a typo on line 7 (the
// expr's first line): 'tls' is no field of a finding.
const badSource = `id: ownerless
title: Every device has an owner
controls:
  - {framework: csf2, control: ID.AM-01}
applies_to: ""
expr: |
  device.owner != "" && device.tls == ""
reads: [device]
severity: medium
`

// evaluated is an env whose inventory has been evaluated twice: the
// import's own run and one more, so the trend has two points.
func evaluated(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, storetest.Open(t, "sqlite"))
	if _, err := e.svc.Compliance.Evaluate(context.Background(), vigil.SystemUser, compliance.EvalOptions{Keep: true}); err != nil {
		t.Fatal(err)
	}
	return e
}

func contains(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

func TestControlPages(t *testing.T) {
	e := evaluated(t)
	comp, csrf := e.client("compliance")
	auditor, _ := e.client("auditor")

	body := e.get(comp, "/controls", 200)
	contains(t, "/controls", body, "HIPAA Security Rule", "NIST Cybersecurity Framework", `<figure class="trend">`, "<polyline",
		"The trend as a table", `aria-labelledby="trend-hipaa-title trend-hipaa-desc"`, "Evaluate now", "proposed · not in force")
	if strings.Contains(e.get(auditor, "/controls", 200), "Evaluate now") {
		t.Errorf("the auditor is offered Evaluate now")
	}
	body = e.get(comp, "/controls/hipaa", 200)
	contains(t, "/controls/hipaa", body, `href="/controls/hipaa/164.312%28e%29%281%29"`, "depth-2", `class="badge v-`)
	body = e.get(comp, "/controls/hipaa?verdict=not-assessed", 200)
	if strings.Contains(body, `badge v-met"`) {
		t.Errorf("the not-assessed filter shows met controls")
	}
	e.get(comp, "/controls/hipaa?verdict=maybe", 400)
	contains(t, "the proposed rule", e.get(comp, "/controls/hipaa-2025-proposed", 200), "Proposed, not in force")
	e.get(comp, "/controls/nope", 404)

	// inventory-owner fails both devices (no owner) and evidences
	// hipaa 164.310(d)(2)(iii).
	body = e.get(comp, "/controls/hipaa/164.310(d)(2)(iii)", 200)
	contains(t, "the control page", body, "Verdict:", `href="/devices/1"`, `href="/checks/inventory-owner"`, "Crosswalk", `href="/controls/csf2/`, "Attest")
	contains(t, "a CSF control page", e.get(comp, "/controls/csf2/PR.DS-02", 200), "PR.DS-02")
	e.get(comp, "/controls/hipaa/164.999(z)", 404)
	if strings.Contains(e.get(auditor, "/controls/hipaa/164.310(d)(2)(iii)", 200), `action="/attestations"`) {
		t.Errorf("the auditor is offered the attestation form")
	}

	// Evaluate now: CSRF enforced, the auditor refused, a new run stored.
	before, _ := e.db.FindEvaluations(context.Background(), "hipaa", 0)
	e.postForm(comp, "/controls/evaluate", url.Values{}, 403)
	e.postForm(auditor, "/controls/evaluate", url.Values{"csrf_token": {csrf}}, 403)
	e.postForm(comp, "/controls/evaluate", url.Values{"csrf_token": {csrf}, "framework": {"hipaa"}}, 303)
	after, _ := e.db.FindEvaluations(context.Background(), "hipaa", 0)
	if len(after) != len(before)+1 {
		t.Errorf("Evaluate now stored %d runs, want 1", len(after)-len(before))
	}

	contains(t, "the dashboard", e.get(comp, "/", 200), `href="/controls"`, `href="/controls/hipaa"`, `<svg class="bar"`)
	contains(t, "the device page", e.get(comp, "/devices/1", 200), `id="compliance"`, `href="/checks/inventory-owner"`, "r-fail")
}

func TestAttestationPages(t *testing.T) {
	e := evaluated(t)
	comp, csrf := e.client("compliance")
	form := url.Values{"csrf_token": {csrf}, "control": {"hipaa:164.308(a)(2)"}, "owner": {"Dana Ruiz, security officer"}, "answer": {"met"},
		"date": {"2020-01-01"}, "next_due": {"2021-01-01"}, "back": {"control"}}
	e.postForm(comp, "/attestations", form, 303)
	body := e.get(comp, "/attestations", 200)
	contains(t, "/attestations", body, "Dana Ruiz, security officer", `href="/controls/hipaa/164.308%28a%29%282%29"`, "overdue")
	contains(t, "the control page", e.get(comp, "/controls/hipaa/164.308(a)(2)", 200), "Dana Ruiz", "overdue")
	form.Set("control", "hipaa:164.999")
	e.postForm(comp, "/attestations", form, 400)
	form.Set("control", "hipaa:164.308(a)(2)")
	form.Set("next_due", "2019-01-01")
	e.postForm(comp, "/attestations", form, 400)
}

func TestCheckEditor(t *testing.T) {
	e := evaluated(t)
	comp, csrf := e.client("compliance")
	auditor, _ := e.client("auditor")
	body := e.get(comp, "/checks", 200)
	contains(t, "/checks", body, `href="/checks/inventory-owner"`, "tls-minimum-version", "shipped", `href="/controls/hipaa/164.310%28d%29%282%29%28iii%29"`)
	body = e.get(comp, "/checks/inventory-owner", 200)
	contains(t, "the editor", body, `<textarea name="source"`, "Test against the inventory", "Versions", "Disable")
	if strings.Contains(e.get(auditor, "/checks/inventory-owner", 200), "<textarea") {
		t.Errorf("the auditor is offered the editor")
	}
	e.get(auditor, "/checks/new", 403)
	e.get(comp, "/checks/new", 200)
	e.get(comp, "/checks/nope", 404)

	// A refused file comes back with its line.
	resp := e.post(comp, "/checks/inventory-owner", url.Values{"csrf_token": {csrf}, "source": {badSource}})
	if resp.status != 400 {
		t.Fatalf("saving a bad file = %d, want 400", resp.status)
	}
	contains(t, "the refusal", resp.body, "Not saved", "Line 7", `class="bad"`, "device.tls", `<span class="caret"><span class="ln"></span>`+strings.Repeat(" ", 30)+"^")
	resp = e.post(comp, "/checks/new/test", url.Values{"csrf_token": {csrf}, "source": {badSource}})
	contains(t, "the refused test", resp.body, "Line 7")

	// Testing runs against the inventory and stores nothing.
	good := strings.Replace(badSource, ` && device.tls == ""`, "", 1)
	resp = e.post(comp, "/checks/new/test", url.Values{"csrf_token": {csrf}, "source": {good}})
	if resp.status != 200 {
		t.Fatalf("test = %d", resp.status)
	}
	contains(t, "the test result", resp.body, "Tested against the inventory", "BME-00042")
	if vs, _ := e.db.FindChecks(context.Background(), nil); hasCheck(vs, "ownerless") {
		t.Errorf("testing a check stored it")
	}
	// Creating and saving versions.
	resp = e.post(comp, "/checks", url.Values{"csrf_token": {csrf}, "source": {good}})
	if resp.status != 303 || resp.location != "/checks/ownerless" {
		t.Fatalf("create = %d %q", resp.status, resp.location)
	}
	e.postForm(comp, "/checks/ownerless", url.Values{"csrf_token": {csrf}, "source": {strings.Replace(good, "severity: medium", "severity: high", 1)}}, 303)
	e.postForm(comp, "/checks/ownerless/enabled", url.Values{"csrf_token": {csrf}, "enabled": {"0"}}, 303)
	hist, _ := e.db.CheckHistory(context.Background(), "ownerless")
	if len(hist) != 3 || hist[2].Enabled || !strings.Contains(hist[2].Source, "severity: high") {
		t.Errorf("history after create, save, disable = %+v", hist)
	}
	contains(t, "the edited check", e.get(comp, "/checks/ownerless", 200), "Enable", "disabled", "Save as version 4")
	// CSRF and the auditor.
	e.postForm(comp, "/checks/ownerless/enabled", url.Values{"enabled": {"1"}}, 403)
	e.postForm(auditor, "/checks/ownerless/enabled", url.Values{"csrf_token": {csrf}, "enabled": {"1"}}, 403)
}

func hasCheck(vs []*vigil.CheckVersion, id string) bool {
	for _, v := range vs {
		if v.ID == id {
			return true
		}
	}
	return false
}

type response struct {
	status         int
	body, location string
}

// post sends a same-origin form and returns what came back.
func (e *env) post(c *http.Client, path string, form url.Values) response {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.ts.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, string(b), resp.Header.Get("Location")}
}

// api calls the JSON API with a bearer token and decodes the answer into
// out unless it is nil.
func (e *env) api(tok, method, path, body string, want int, out any) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.ts.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		e.t.Fatalf("%s %s: status %d, want %d: %.300s", method, path, resp.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			e.t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
}

func TestComplianceAPI(t *testing.T) {
	e := evaluated(t)
	ctx := context.Background()
	tok, _, err := e.db.CreateAPIToken(ctx, mustUser(t, e, "compliance"), "ci")
	if err != nil {
		t.Fatal(err)
	}
	aud, _, _ := e.db.CreateAPIToken(ctx, mustUser(t, e, "auditor"), "audit")

	var fws struct {
		Frameworks []struct {
			ID       string                   `json:"id"`
			Controls int                      `json:"controls"`
			Proposed bool                     `json:"proposed"`
			Latest   *vigil.EvaluationSummary `json:"latest"`
		} `json:"frameworks"`
	}
	e.api(aud, "GET", "/api/v1/frameworks", "", 200, &fws)
	if len(fws.Frameworks) != 6 || fws.Frameworks[0].ID != "hipaa" || fws.Frameworks[0].Latest == nil || fws.Frameworks[0].Controls == 0 {
		t.Fatalf("frameworks = %+v", fws.Frameworks)
	}
	var fw vigil.Framework
	e.api(aud, "GET", "/api/v1/frameworks/csf2", "", 200, &fw)
	if fw.ID != "csf2" || len(fw.Controls) < 100 {
		t.Errorf("csf2 has %d controls", len(fw.Controls))
	}
	e.api(aud, "GET", "/api/v1/frameworks/nope", "", 404, nil)
	var ev vigil.Evaluation
	e.api(aud, "GET", "/api/v1/frameworks/hipaa/evaluation", "", 200, &ev)
	if ev.Framework != "hipaa" || ev.ID == 0 || len(ev.Controls) == 0 || ev.Summary == nil {
		t.Errorf("latest hipaa evaluation: id %d, %d controls, summary %v", ev.ID, len(ev.Controls), ev.Summary)
	}
	var trend struct {
		Evaluations []vigil.EvaluationSummary `json:"evaluations"`
	}
	e.api(aud, "GET", "/api/v1/frameworks/hipaa/evaluations", "", 200, &trend)
	if len(trend.Evaluations) < 2 || trend.Evaluations[0].ID != ev.ID {
		t.Errorf("trend = %+v", trend.Evaluations)
	}
	var old vigil.Evaluation
	e.api(aud, "GET", "/api/v1/frameworks/hipaa/evaluation?id="+itoa(trend.Evaluations[1].ID), "", 200, &old)
	if old.ID != trend.Evaluations[1].ID {
		t.Errorf("evaluation ?id= gave run %d", old.ID)
	}
	e.api(aud, "GET", "/api/v1/frameworks/hipaa/evaluation?id=99999", "", 404, nil)

	// Running: one framework gives one evaluation, none gives every one.
	e.api(aud, "POST", "/api/v1/evaluations", "", 403, nil)
	var one vigil.Evaluation
	e.api(tok, "POST", "/api/v1/evaluations", `{"framework":"csf2"}`, 200, &one)
	if one.Framework != "csf2" || one.ID == 0 {
		t.Errorf("evaluating csf2 = %+v", one.Framework)
	}
	var all []vigil.Evaluation
	e.api(tok, "POST", "/api/v1/evaluations", "", 200, &all)
	if len(all) != 6 {
		t.Errorf("evaluating everything gave %d evaluations", len(all))
	}
	var dated vigil.Evaluation
	e.api(tok, "POST", "/api/v1/evaluations", `{"framework":"hipaa","at":"2099-01-01"}`, 200, &dated)
	if got := dated.At.Format("2006-01-02T15:04"); got != "2099-01-01T23:59" {
		t.Errorf("evaluated at %s, want the end of 2099-01-01", got)
	}
	e.api(tok, "POST", "/api/v1/evaluations", `{"framework":"nope"}`, 404, nil)
	e.api(tok, "POST", "/api/v1/evaluations", `{"at":"soon"}`, 400, nil)

	// Checks.
	var list struct {
		Checks []struct {
			ID       string             `json:"id"`
			Title    string             `json:"title"`
			Version  int                `json:"version"`
			Controls []vigil.ControlRef `json:"controls"`
		} `json:"checks"`
	}
	e.api(aud, "GET", "/api/v1/checks", "", 200, &list)
	if len(list.Checks) < 20 || list.Checks[0].Title == "" || len(list.Checks[0].Controls) == 0 {
		t.Errorf("checks = %+v", list.Checks)
	}
	var one1 struct {
		Check    struct{ ID string }  `json:"check"`
		Source   string               `json:"source"`
		Versions []vigil.CheckVersion `json:"versions"`
	}
	e.api(aud, "GET", "/api/v1/checks/inventory-owner", "", 200, &one1)
	if one1.Check.ID != "inventory-owner" || !strings.Contains(one1.Source, "id: inventory-owner") || len(one1.Versions) != 1 {
		t.Errorf("inventory-owner = %+v", one1)
	}
	e.api(aud, "GET", "/api/v1/checks/nope", "", 404, nil)
	body, _ := json.Marshal(map[string]any{"source": badSource})
	var refused struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	e.api(tok, "POST", "/api/v1/checks/test", string(body), 400, &refused)
	if !strings.Contains(refused.Error.Message, "ownerless.yaml:7:") {
		t.Errorf("refusal = %q, want the file and line", refused.Error.Message)
	}
	e.api(tok, "POST", "/api/v1/checks", string(body), 400, nil)
	e.api(aud, "POST", "/api/v1/checks/test", string(body), 403, nil)
	good, _ := json.Marshal(map[string]any{"source": strings.Replace(badSource, ` && device.tls == ""`, "", 1)})
	var tested struct {
		ID      string                    `json:"id"`
		Passed  int                       `json:"passed"`
		Failed  int                       `json:"failed"`
		Failing []compliance.DeviceResult `json:"failing"`
	}
	e.api(tok, "POST", "/api/v1/checks/test", string(good), 200, &tested)
	if tested.ID != "ownerless" || tested.Failed != len(tested.Failing) || tested.Passed+tested.Failed != 2 {
		t.Errorf("test = %+v", tested)
	}
	var saved struct {
		Version vigil.CheckVersion `json:"version"`
	}
	e.api(tok, "POST", "/api/v1/checks", string(good), 201, &saved)
	if saved.Version.ID != "ownerless" || saved.Version.Version != 1 || !saved.Version.Enabled {
		t.Errorf("created = %+v", saved.Version)
	}
	e.api(tok, "PUT", "/api/v1/checks/ownerless", `{"enabled":false}`, 200, &saved)
	if saved.Version.Version != 2 || saved.Version.Enabled {
		t.Errorf("disabled = %+v", saved.Version)
	}
	e.api(tok, "PUT", "/api/v1/checks/ownerless", `{}`, 400, nil)
	e.api(aud, "PUT", "/api/v1/checks/ownerless", `{"enabled":true}`, 403, nil)

	// Attestations.
	e.api(tok, "POST", "/api/v1/attestations", `{"control":"hipaa:164.308(a)(2)","owner":"CISO","answer":"met","date":"2020-01-01","next_due":"2021-01-01"}`, 201, nil)
	e.api(tok, "POST", "/api/v1/attestations", `{"control":"hipaa:164.308(a)(2)","owner":"CISO","answer":"maybe","date":"2020-01-01","next_due":"2021-01-01"}`, 400, nil)
	e.api(aud, "POST", "/api/v1/attestations", `{}`, 403, nil)
	var atts struct {
		Attestations []struct {
			Control vigil.ControlRef `json:"control"`
			Owner   string           `json:"owner"`
			Overdue bool             `json:"overdue"`
		} `json:"attestations"`
	}
	e.api(aud, "GET", "/api/v1/attestations", "", 200, &atts)
	if len(atts.Attestations) != 1 || atts.Attestations[0].Owner != "CISO" || !atts.Attestations[0].Overdue {
		t.Errorf("attestations = %+v", atts.Attestations)
	}
}
