package web

import (
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// routeTable is a server with its routes registered and nothing else: the
// table and the document need no store.
func routeTable() *Server {
	s := &Server{mux: http.NewServeMux()}
	s.registerRoutes()
	return s
}

const whereDocs = "internal/web/openapi.go (apiDocs)"

// TestOpenAPIDocumentsEveryRoute holds the route table and the description
// table together: every /api/v1/ route is described, every description is
// of a registered route, and the document says what the table says.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	s := routeTable()
	docs := apiDocs()
	registered := map[string]route{}
	for _, rt := range s.routes {
		if !strings.HasPrefix(rt.path, apiPrefix) {
			continue
		}
		key := rt.method + " " + rt.path
		registered[key] = rt
		d, ok := docs[key]
		if !ok {
			t.Errorf("%s is registered in routes.go but not described: add %q to %s with its area, summary, parameters, body and answer", key, key, whereDocs)
			continue
		}
		if d.Area == "" || d.Summary == "" {
			t.Errorf("%s: the description in %s lacks an area or a summary", key, whereDocs)
		}
		if !slices.Contains(apiAreas, d.Area) {
			t.Errorf("%s: area %q is not one of apiAreas in %s", key, d.Area, whereDocs)
		}
		holes := wildcards(rt.path)
		for _, h := range holes {
			if !slices.ContainsFunc(d.Params, func(p apiParam) bool { return p.In == "path" && p.Name == h && p.Desc != "" }) {
				t.Errorf("%s: path parameter {%s} is not described: add pp(%q, ...) to its Params in %s", key, h, h, whereDocs)
			}
		}
		for _, p := range d.Params {
			if p.In == "path" && !slices.Contains(holes, p.Name) {
				t.Errorf("%s: path parameter %q is described but not in the path", key, p.Name)
			}
			if p.In != "path" && p.In != "query" {
				t.Errorf("%s: parameter %q is in %q, want path or query", key, p.Name, p.In)
			}
		}
		if l := d.List; l != nil && (l.Item == nil || l.Limit < 1 || l.Limit > maxLimit || rt.method != http.MethodGet) {
			t.Errorf("%s: a list needs a GET, an item type and a default limit within 1-%d: %+v", key, maxLimit, *l)
		}
		if rt.method == http.MethodGet && d.Body != nil {
			t.Errorf("%s: a GET with a request body", key)
		}
	}
	for key := range docs {
		if _, ok := registered[key]; !ok {
			t.Errorf("%s is described in %s but is no route: remove it there, or register it in routes.go", key, whereDocs)
		}
	}
}

// TestOpenAPIDocument checks the document as a client reads it: OpenAPI
// 3.1.0, every operation of the table and no other, operation ids unique,
// every path parameter declared and required, every $ref resolved, and the
// access each route needs stated.
func TestOpenAPIDocument(t *testing.T) {
	s := routeTable()
	b, err := json.Marshal(s.openAPIDoc())
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v, want 3.1.0", doc["openapi"])
	}
	info, _ := doc["info"].(map[string]any)
	if info["title"] == "" || info["version"] == "" || info["title"] == nil || info["version"] == nil {
		t.Errorf("info needs a title and a version: %v", info)
	}
	comps, _ := doc["components"].(map[string]any)
	schemes, _ := comps["securitySchemes"].(map[string]any)
	if bearer, _ := schemes["bearer"].(map[string]any); bearer["type"] != "http" || bearer["scheme"] != "bearer" {
		t.Errorf("no bearer scheme: %v", schemes)
	}
	if cookie, _ := schemes["session"].(map[string]any); cookie["type"] != "apiKey" || cookie["in"] != "cookie" || cookie["name"] != sessionCookie {
		t.Errorf("no session cookie scheme: %v", schemes)
	}
	if sec, _ := doc["security"].([]any); len(sec) != 2 {
		t.Errorf("security = %v, want the bearer token or the session", doc["security"])
	}

	// Every $ref points at a component that exists.
	for _, m := range regexp.MustCompile(`"\$ref":"#/components/([a-zA-Z]+)/([^"]+)"`).FindAllStringSubmatch(string(b), -1) {
		kind, _ := comps[m[1]].(map[string]any)
		if _, ok := kind[m[2]]; !ok {
			t.Errorf("$ref to a missing component %s/%s", m[1], m[2])
		}
	}
	for name := range comps["schemas"].(map[string]any) {
		if !regexp.MustCompile(`^[a-zA-Z0-9._-]+$`).MatchString(name) {
			t.Errorf("component name %q is not allowed by OpenAPI", name)
		}
	}

	want := map[string]route{}
	for _, rt := range s.routes {
		if strings.HasPrefix(rt.path, apiPrefix) {
			want[strings.ToLower(rt.method)+" "+oaPath(rt.path)] = rt
		}
	}
	ids := map[string]string{}
	paths, _ := doc["paths"].(map[string]any)
	for path, item := range paths {
		for method, o := range item.(map[string]any) {
			key := method + " " + path
			rt, ok := want[key]
			if !ok {
				t.Errorf("the document has %s, which is no route", key)
				continue
			}
			delete(want, key)
			op := o.(map[string]any)
			id, _ := op["operationId"].(string)
			if prev, dup := ids[id]; dup || id == "" {
				t.Errorf("%s: operationId %q empty or also %s", key, id, prev)
			}
			ids[id] = key
			if op["summary"] == "" || len(op["tags"].([]any)) != 1 {
				t.Errorf("%s: no summary or tag", key)
			}
			if op["x-vigil-access"] != accessName(rt.access) || !strings.Contains(op["description"].(string), accessText(rt.access)) {
				t.Errorf("%s: access %v, description %q; the route needs %s", key, op["x-vigil-access"], op["description"], accessName(rt.access))
			}
			resps, _ := op["responses"].(map[string]any)
			if len(resps) == 0 || resps["401"] == nil {
				t.Errorf("%s: responses %v", key, resps)
			}
			declared := map[string]bool{}
			params, _ := op["parameters"].([]any)
			for _, p := range params {
				p := p.(map[string]any)
				if p["in"] == "path" {
					if p["required"] != true || p["schema"] == nil {
						t.Errorf("%s: path parameter %v must be required and have a schema", key, p["name"])
					}
					declared[p["name"].(string)] = true
				}
			}
			for _, h := range wildcards(path) {
				if !declared[h] {
					t.Errorf("%s: path parameter {%s} is not declared", key, h)
				}
				delete(declared, h)
			}
			if len(declared) > 0 {
				t.Errorf("%s: declares path parameters %v that the path lacks", key, declared)
			}
			if method == "get" && op["requestBody"] != nil {
				t.Errorf("%s: a GET with a request body", key)
			}
			if _, ok := op["x-vigil-list"].(map[string]any); ok {
				ok200, _ := resps["200"].(map[string]any)
				js, _ := ok200["content"].(map[string]any)["application/json"].(map[string]any)
				if !strings.Contains(mustJSON(t, js), `"$ref":"#/components/schemas/ListPage"`) {
					t.Errorf("%s: a list whose answer is not the common shape: %s", key, mustJSON(t, js))
				}
				if !slices.ContainsFunc(params, func(p any) bool { return p.(map[string]any)["name"] == "limit" }) {
					t.Errorf("%s: a list without limit", key)
				}
			}
		}
	}
	for key := range want {
		t.Errorf("route %s is missing from the document: describe it in %s", key, whereDocs)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
