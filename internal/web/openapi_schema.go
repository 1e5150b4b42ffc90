package web

import (
	"encoding/json"
	"reflect"
	"strings"
	"time"
)

// schema is a JSON Schema (draft 2020-12, as OpenAPI 3.1 uses it): the
// few keywords the document needs.
type schema struct {
	Ref                  string             `json:"$ref,omitempty"`
	Type                 string             `json:"type,omitempty"`
	Format               string             `json:"format,omitempty"`
	ContentMediaType     string             `json:"contentMediaType,omitempty"`
	Description          string             `json:"description,omitempty"`
	Enum                 []string           `json:"enum,omitempty"`
	Default              any                `json:"default,omitempty"`
	Minimum              *int               `json:"minimum,omitempty"`
	Maximum              *int               `json:"maximum,omitempty"`
	Properties           map[string]*schema `json:"properties,omitempty"`
	Required             []string           `json:"required,omitempty"`
	Items                *schema            `json:"items,omitempty"`
	AdditionalProperties *schema            `json:"additionalProperties,omitempty"`
	AllOf                []*schema          `json:"allOf,omitempty"`
}

func intp(n int) *int { return &n }

// object describes a JSON object that no Go type names (most answers are
// a map written in the handler): its members in order, each with a value
// of the member's type.
type object []member

type member struct {
	Name string
	Of   any // a value of the member's type
	Desc string
}

// fileBytes stands for a file: a multipart part, a raw request body or a
// download.
type fileBytes struct{}

// anyJSON stands for a value of no fixed shape.
type anyJSON struct{}

// schemas turns Go types into schemas, the named ones of Vigil's packages
// into components referred to by $ref.
type schemas struct {
	comps map[string]*schema
	names map[reflect.Type]string
}

func newSchemas() *schemas {
	return &schemas{comps: map[string]*schema{}, names: map[reflect.Type]string{}}
}

const vigilModule = "github.com/vigil-health/vigil"

// componentName is the name a type's schema is stored under: a root type
// by its name (Device), another package's by both (risk.Assessment); ""
// for the web package's own answers, generic types and unnamed ones,
// which are written in place.
func componentName(t reflect.Type) string {
	pkg, name := t.PkgPath(), t.Name()
	switch {
	case name == "" || strings.ContainsAny(name, "[]") || !strings.HasPrefix(pkg, vigilModule) || strings.HasSuffix(pkg, "/internal/web"):
		return ""
	case pkg == vigilModule:
		return name
	}
	return pkg[strings.LastIndex(pkg, "/")+1:] + "." + name
}

// of returns the schema of v: a value of a Go type, an object, a
// fileBytes or anyJSON.
func (g *schemas) of(v any) *schema {
	switch v := v.(type) {
	case nil, anyJSON:
		return &schema{}
	case fileBytes:
		return &schema{Type: "string", ContentMediaType: "application/octet-stream"}
	case object:
		out := &schema{Type: "object", Properties: map[string]*schema{}}
		for _, m := range v {
			s := g.of(m.Of)
			if m.Desc != "" {
				s = withDesc(s, m.Desc)
			}
			out.Properties[m.Name] = s
		}
		return out
	case *schema:
		return v
	}
	return g.typ(reflect.TypeOf(v))
}

// withDesc is s with a description; a $ref is wrapped, since keywords
// beside it are best avoided.
func withDesc(s *schema, desc string) *schema {
	if s.Ref != "" {
		return &schema{AllOf: []*schema{s}, Description: desc}
	}
	c := *s
	c.Description = desc
	return &c
}

var (
	durationType = reflect.TypeFor[time.Duration]()
	rawType      = reflect.TypeFor[json.RawMessage]()
)

func (g *schemas) typ(t reflect.Type) *schema {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return &schema{Type: "string", Format: "date-time", Description: "RFC 3339, UTC, to the second"}
	case t == durationType:
		return &schema{Type: "integer", Description: "nanoseconds"}
	case t == rawType:
		return &schema{}
	case ownEncoding(t):
		if t.Implements(textType) || reflect.PointerTo(t).Implements(textType) {
			return &schema{Type: "string"}
		}
		return &schema{} // its own encoding: no fixed shape here
	}
	switch t.Kind() {
	case reflect.Bool:
		return &schema{Type: "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32:
		return &schema{Type: "integer"}
	case reflect.Int64, reflect.Uint64:
		return &schema{Type: "integer", Format: "int64"}
	case reflect.Float32, reflect.Float64:
		return &schema{Type: "number"}
	case reflect.String:
		return &schema{Type: "string"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return &schema{Type: "string", Format: "byte"}
		}
		return &schema{Type: "array", Items: g.typ(t.Elem())}
	case reflect.Map:
		return &schema{Type: "object", AdditionalProperties: g.typ(t.Elem())}
	case reflect.Struct:
		name := componentName(t)
		if name == "" {
			return g.object(t)
		}
		if _, ok := g.names[t]; !ok {
			g.names[t] = name
			g.comps[name] = &schema{} // a type that holds itself refers to this
			*g.comps[name] = *g.object(t)
		}
		return &schema{Ref: "#/components/schemas/" + name}
	}
	return &schema{} // interfaces and the rest: any value
}

// object is a struct's schema, its members as encoding/json writes them:
// json tags, omitted members, embedded structs' members promoted unless
// an outer member of the same name hides them.
func (g *schemas) object(t reflect.Type) *schema {
	out := &schema{Type: "object", Properties: map[string]*schema{}}
	depth := map[string]int{}
	var walk func(t reflect.Type, d int)
	walk = func(t reflect.Type, d int) {
		for i := range t.NumField() {
			f := t.Field(i)
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
				walk(ft, d+1)
				continue
			}
			if !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			if old, ok := depth[name]; ok && old <= d {
				continue
			}
			depth[name] = d
			s := g.typ(f.Type)
			if strings.Contains(opts, "string") {
				s = &schema{Type: "string"}
			}
			out.Properties[name] = s
		}
	}
	walk(t, 0)
	return out
}
