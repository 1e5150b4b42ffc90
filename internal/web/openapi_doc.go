package web

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"

	vigil "github.com/vigil-health/vigil"
)

// The OpenAPI 3.1 document of /api/v1/openapi.json: every /api/v1/ route
// of the route table (routes.go) with the access it needs, described by
// apiDocs (openapi.go). TestOpenAPIDocumentsEveryRoute holds the two
// together. The structs below are the document's own: a small subset of
// the specification, written with encoding/json.

type openAPI struct {
	OpenAPI    string                           `json:"openapi"`
	Info       oaInfo                           `json:"info"`
	Security   []map[string][]string            `json:"security"`
	Tags       []oaTag                          `json:"tags"`
	Paths      map[string]map[string]*operation `json:"paths"`
	Components oaComponents                     `json:"components"`
}

type oaInfo struct {
	Title       string `json:"title"`
	Version     string `json:"version"`
	Description string `json:"description"`
}

type oaTag struct {
	Name string `json:"name"`
}

type operation struct {
	OperationID string                `json:"operationId"`
	Summary     string                `json:"summary"`
	Description string                `json:"description,omitempty"`
	Tags        []string              `json:"tags"`
	Parameters  []*oaParam            `json:"parameters,omitempty"`
	RequestBody *oaBody               `json:"requestBody,omitempty"`
	Responses   map[string]oaResponse `json:"responses"`
	// Access is who may call it: "read" (anyone signed in) or the
	// permission it needs.
	Access string `json:"x-vigil-access"`
	// List is set on the lists of the common shape.
	List *oaList `json:"x-vigil-list,omitempty"`
}

type oaParam struct {
	Ref         string  `json:"$ref,omitempty"`
	Name        string  `json:"name,omitempty"`
	In          string  `json:"in,omitempty"`
	Description string  `json:"description,omitempty"`
	Required    bool    `json:"required,omitempty"`
	Schema      *schema `json:"schema,omitempty"`
}

type oaBody struct {
	Description string             `json:"description,omitempty"`
	Required    bool               `json:"required"`
	Content     map[string]oaMedia `json:"content"`
}

type oaMedia struct {
	Schema *schema `json:"schema"`
}

type oaResponse struct {
	Ref         string             `json:"$ref,omitempty"`
	Description string             `json:"description,omitempty"`
	Content     map[string]oaMedia `json:"content,omitempty"`
}

// oaList is what a list's operation adds (x-vigil-list): the name its
// items had before the common shape, its default page size, its sort keys
// and whether it exports.
type oaList struct {
	Old    string   `json:"old_name,omitempty"`
	Limit  int      `json:"default_limit"`
	Sort   []string `json:"sort,omitempty"`
	Export bool     `json:"export"`
}

type oaComponents struct {
	Schemas         map[string]*schema          `json:"schemas"`
	Parameters      map[string]*oaParam         `json:"parameters"`
	Responses       map[string]oaResponse       `json:"responses"`
	SecuritySchemes map[string]oaSecurityScheme `json:"securitySchemes"`
}

type oaSecurityScheme struct {
	Type         string `json:"type"`
	Description  string `json:"description,omitempty"`
	Scheme       string `json:"scheme,omitempty"`
	BearerFormat string `json:"bearerFormat,omitempty"`
	In           string `json:"in,omitempty"`
	Name         string `json:"name,omitempty"`
}

// apiPrefix is where the JSON API lives; only its routes are documented.
const apiPrefix = "/api/v1/"

// wildcards are a route pattern's path parameters.
var wildcardRE = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)(\.\.\.)?\}`)

func wildcards(path string) []string {
	var out []string
	for _, m := range wildcardRE.FindAllStringSubmatch(path, -1) {
		out = append(out, m[1])
	}
	return out
}

// oaPath is a route pattern as OpenAPI writes it: {name...} is {name}.
func oaPath(path string) string { return strings.ReplaceAll(path, "...}", "}") }

// operationID names an operation after its method and path:
// GET /api/v1/devices/{id}/facts is getDevicesByIdFacts.
func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, seg := range strings.Split(strings.TrimPrefix(path, apiPrefix), "/") {
		if w := wildcardRE.FindStringSubmatch(seg); w != nil {
			b.WriteString("By")
			seg = w[1]
		}
		for _, part := range strings.FieldsFunc(seg, func(r rune) bool { return r == '-' || r == '_' || r == '.' }) {
			b.WriteString(strings.ToUpper(part[:1]) + part[1:])
		}
	}
	return b.String()
}

// accessText says in words who may call a route.
func accessText(a access) string {
	if a.public {
		return "Public: no sign-in."
	}
	if a.perm == "" {
		return "Access: read — any signed-in user, every role, read-only tokens too."
	}
	var roles []string
	for _, r := range vigil.Roles {
		if r.Can(a.perm) {
			roles = append(roles, string(r))
		}
	}
	return fmt.Sprintf("Access: the %s permission — roles %s.", a.perm, strings.Join(roles, ", "))
}

func accessName(a access) string {
	switch {
	case a.public:
		return "public"
	case a.perm == "":
		return "read"
	}
	return string(a.perm)
}

// openAPIDoc builds the document from the route table and apiDocs. A route
// without a description is left out here; the test names it.
func (s *Server) openAPIDoc() *openAPI {
	docs := apiDocs()
	g := newSchemas()
	doc := &openAPI{
		OpenAPI: "3.1.0",
		Info: oaInfo{Title: "Vigil API", Version: "v1", Description: "Vigil's JSON API. Every list answers " +
			`{"items":[...],"total":N,"page":P,"limit":L}, paged by ?page= (from 1) and ?limit= (1-1000); a limit outside that ` +
			"range is refused with 400 on every list. Times are RFC 3339 in UTC, to the second. A script's first token: " +
			"`vigil token create --user NAME` on the server prints one; with a token, POST /api/v1/tokens issues more. " +
			"See docs/api.md and the API page (/docs/api)."},
		Security: []map[string][]string{{"bearer": {}}, {"session": {}}},
		Paths:    map[string]map[string]*operation{},
		Components: oaComponents{
			Schemas: g.comps,
			Parameters: map[string]*oaParam{
				"page": {Name: "page", In: "query", Description: "The page, from 1.", Schema: &schema{Type: "integer", Minimum: intp(1), Default: 1}},
				"order": {Name: "order", In: "query", Description: "The order of sort: asc (the default) or desc.",
					Schema: &schema{Type: "string", Enum: []string{"asc", "desc"}, Default: "asc"}},
				"format": {Name: "format", In: "query", Description: "Export every item the filters select, in the list's order, instead of a page of JSON.",
					Schema: &schema{Type: "string", Enum: []string{"csv", "xlsx"}}},
			},
			Responses: map[string]oaResponse{
				"Invalid":      errorResponse("The request is invalid: a parameter or body the call does not take. A limit outside 1-1000 is refused so on every list."),
				"Unauthorized": errorResponse("Not signed in: no session, or a bearer token that is unknown, expired or revoked."),
				"Forbidden":    errorResponse("The caller's role lacks the permission, a read-only token tried to write, or a session's write lacked its CSRF token."),
				"NotFound":     errorResponse("No such object."),
				"Error":        errorResponse("Any other failure, with its code and a message safe to show."),
			},
			SecuritySchemes: map[string]oaSecurityScheme{
				"bearer": {Type: "http", Scheme: "bearer", BearerFormat: "vgl_ and 43 characters",
					Description: "An API token: Authorization: Bearer vgl_.... The first comes from `vigil token create --user NAME` on the server; POST /api/v1/tokens issues more. Read-only tokens refuse every write."},
				"session": {Type: "apiKey", In: "cookie", Name: sessionCookie,
					Description: "The web sign-in's cookie. A write with it must come from the same origin and carry the session's CSRF token in X-CSRF-Token."},
			},
		},
	}
	g.comps["Error"] = g.of(object{{"error", object{{"code", "", "a machine code: invalid, not_found, unauthorized, forbidden, conflict, ..."}, {"message", "", "what went wrong, safe to show"}}, ""}})
	g.comps["ListPage"] = &schema{Type: "object", Required: []string{"items", "total", "page", "limit"},
		Description: "The common list shape. A list that had a name for its items before this shape answers them under that name too.",
		Properties: map[string]*schema{
			"items": {Type: "array", Description: "The page asked for."},
			"total": {Type: "integer", Minimum: intp(0), Description: "Every item the filters select, before paging."},
			"page":  {Type: "integer", Minimum: intp(1)},
			"limit": {Type: "integer", Minimum: intp(1), Maximum: intp(maxLimit)},
		}}
	tags := map[string]bool{}
	for _, rt := range s.routes {
		if !strings.HasPrefix(rt.path, apiPrefix) {
			continue
		}
		d, ok := docs[rt.method+" "+rt.path]
		if !ok {
			continue
		}
		op := d.operation(g, rt)
		path := oaPath(rt.path)
		if doc.Paths[path] == nil {
			doc.Paths[path] = map[string]*operation{}
		}
		doc.Paths[path][strings.ToLower(rt.method)] = op
		if !tags[d.Area] {
			tags[d.Area] = true
			doc.Tags = append(doc.Tags, oaTag{Name: d.Area})
		}
	}
	return doc
}

func errorResponse(desc string) oaResponse {
	return oaResponse{Description: desc, Content: map[string]oaMedia{"application/json": {Schema: &schema{Ref: "#/components/schemas/Error"}}}}
}

func ref(kind, name string) string { return "#/components/" + kind + "/" + name }

// operation is d as the operation of rt.
func (d apiDoc) operation(g *schemas, rt route) *operation {
	op := &operation{OperationID: operationID(rt.method, rt.path), Summary: d.Summary, Tags: []string{d.Area},
		Access: accessName(rt.access), Responses: map[string]oaResponse{}}
	desc := []string{}
	if d.Desc != "" {
		desc = append(desc, d.Desc)
	}
	desc = append(desc, accessText(rt.access))
	if rt.method != http.MethodGet && !rt.access.public {
		desc = append(desc, "A write: refused to a read-only token; with a session, only from the same origin with X-CSRF-Token.")
	}
	op.Description = strings.Join(desc, " ")
	for _, name := range wildcards(rt.path) {
		p := &oaParam{Name: name, In: "path", Required: true, Schema: &schema{Type: "string"}}
		for _, dp := range d.Params {
			if dp.In == "path" && dp.Name == name {
				p.Description, p.Schema = dp.Desc, g.of(dp.Of)
			}
		}
		op.Parameters = append(op.Parameters, p)
	}
	for _, dp := range d.Params {
		if dp.In != "path" {
			op.Parameters = append(op.Parameters, &oaParam{Name: dp.Name, In: "query", Description: dp.Desc, Required: dp.Required, Schema: g.of(dp.Of)})
		}
	}
	if l := d.List; l != nil {
		op.List = &oaList{Old: l.Old, Limit: l.Limit, Sort: l.Sort, Export: l.Export}
		op.Parameters = append(op.Parameters, &oaParam{Ref: ref("parameters", "page")},
			&oaParam{Name: "limit", In: "query", Description: fmt.Sprintf("Items a page, 1-%d; more is refused (400), never reduced.", maxLimit),
				Schema: &schema{Type: "integer", Minimum: intp(1), Maximum: intp(maxLimit), Default: l.Limit}})
		if len(l.Sort) > 0 {
			op.Parameters = append(op.Parameters, &oaParam{Name: "sort", In: "query", Description: "The key to order by; without it the list keeps its own order.",
				Schema: &schema{Type: "string", Enum: l.Sort}}, &oaParam{Ref: ref("parameters", "order")})
		}
		if l.Export {
			op.Parameters = append(op.Parameters, &oaParam{Ref: ref("parameters", "format")})
		}
	}
	if b := d.Body; b != nil {
		media := b.Media
		if media == "" {
			media = "application/json"
		}
		op.RequestBody = &oaBody{Description: b.Desc, Required: !b.Optional, Content: map[string]oaMedia{media: {Schema: g.of(b.Of)}}}
	}
	status := d.Status
	if status == 0 {
		status = http.StatusOK
	}
	ok := oaResponse{Description: http.StatusText(status)}
	switch {
	case d.List != nil:
		items := &schema{Type: "array", Items: g.of(d.List.Item)}
		props := map[string]*schema{"items": items}
		if d.List.Old != "" {
			props[d.List.Old] = withDesc(items, "The items again, under the name they had before the common shape.")
		}
		if extra, ok := d.Resp.(object); ok {
			for k, v := range g.of(extra).Properties {
				props[k] = v
			}
		}
		ok.Content = map[string]oaMedia{"application/json": {Schema: &schema{AllOf: []*schema{{Ref: ref("schemas", "ListPage")}, {Type: "object", Properties: props}}}}}
		if d.List.Export {
			ok.Content["text/csv"] = oaMedia{Schema: &schema{Type: "string"}}
			ok.Content["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] = oaMedia{Schema: g.of(fileBytes{})}
		}
	case d.Media != "":
		ok.Content = map[string]oaMedia{d.Media: {Schema: g.of(d.Resp)}}
	case status != http.StatusNoContent:
		ok.Content = map[string]oaMedia{"application/json": {Schema: g.of(d.Resp)}}
	}
	op.Responses[fmt.Sprint(status)] = ok
	op.Responses["400"] = oaResponse{Ref: ref("responses", "Invalid")}
	op.Responses["401"] = oaResponse{Ref: ref("responses", "Unauthorized")}
	if rt.access.perm != "" || rt.method != http.MethodGet {
		op.Responses["403"] = oaResponse{Ref: ref("responses", "Forbidden")}
	}
	if len(wildcards(rt.path)) > 0 {
		op.Responses["404"] = oaResponse{Ref: ref("responses", "NotFound")}
	}
	op.Responses["default"] = oaResponse{Ref: ref("responses", "Error")}
	return op
}

// apiOpenAPI answers the OpenAPI 3.1 document of the API.
func (s *Server) apiOpenAPI(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, s.openAPIDoc())
	return nil
}

// documentedRoutes returns the API's routes as the API page lists them,
// grouped by area in the order apiAreas gives.
func (s *Server) documentedRoutes() []apiGroup {
	docs := apiDocs()
	byArea := map[string][]apiRoute{}
	for _, rt := range s.routes {
		d, ok := docs[rt.method+" "+rt.path]
		if !ok || !strings.HasPrefix(rt.path, apiPrefix) {
			continue
		}
		byArea[d.Area] = append(byArea[d.Area], apiRoute{Method: rt.method, Path: rt.path, Summary: d.Summary,
			Access: accessName(rt.access), List: d.List != nil})
	}
	var out []apiGroup
	for _, a := range apiAreas {
		if len(byArea[a]) > 0 {
			out = append(out, apiGroup{Area: a, Routes: byArea[a]})
			delete(byArea, a)
		}
	}
	var rest []string
	for a := range byArea {
		rest = append(rest, a)
	}
	slices.Sort(rest)
	for _, a := range rest {
		out = append(out, apiGroup{Area: a, Routes: byArea[a]})
	}
	return out
}

// apiGroup is one area's routes on the API page.
type apiGroup struct {
	Area   string
	Routes []apiRoute
}

type apiRoute struct {
	Method, Path, Summary, Access string
	List                          bool
}
