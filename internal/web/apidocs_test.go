package web

import (
	"bytes"
	"strings"
	"testing"

	vigil "github.com/vigil-health/vigil"
)

// TestAPIDocsTemplate renders the API page from its struct, full (the real
// route table) and empty, and checks that it says how a script gets its
// first token, links the OpenAPI document and lists every API route with
// the access it needs.
func TestAPIDocsTemplate(t *testing.T) {
	tmpl, err := parseTemplates()
	if err != nil {
		t.Fatal(err)
	}
	s := routeTable()
	full := &apiDocsPage{Groups: s.documentedRoutes(), MaxLimit: maxLimit, MaxDays: 366}
	for variant, p := range map[string]*apiDocsPage{"full": full, "empty": {}} {
		p.User = &vigil.User{Name: "ana", Role: vigil.RoleAuditor}
		var buf bytes.Buffer
		if err := tmpl["apidocs"].Execute(&buf, p); err != nil {
			t.Fatalf("%s: %v", variant, err)
		}
		body := buf.String()
		for _, want := range []string{"</main>", `href="/api/v1/openapi.json"`, "vigil token create --user NAME", "POST /api/v1/tokens",
			`{"items": [...], "total": N, "page": P, "limit": L}`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: the API page lacks %s", variant, want)
			}
		}
		if variant == "empty" {
			continue
		}
		for _, rt := range s.routes {
			if !strings.HasPrefix(rt.path, apiPrefix) {
				continue
			}
			row := "<td><code>" + rt.method + "</code></td><td><code>" + rt.path + "</code></td>"
			i := strings.Index(body, row)
			if i < 0 {
				t.Errorf("the API page does not list %s %s", rt.method, rt.path)
				continue
			}
			end := i + strings.Index(body[i:], "</tr>")
			if !strings.Contains(body[i:end], "<td>"+accessName(rt.access)+"</td>") {
				t.Errorf("the API page's row for %s %s lacks its access %s: %s", rt.method, rt.path, accessName(rt.access), body[i:end])
			}
		}
	}
}
