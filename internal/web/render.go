package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"time"

	vigil "github.com/vigil-health/vigil"
)

// pageBase is embedded in every page struct: what the layout needs.
type pageBase struct {
	Title string
	User  *vigil.User
	CSRF  string
	Nav   string
	Flash string // what the form posted before this page did (flash.go)
}

func (p *pageBase) base() *pageBase { return p }

type page interface{ base() *pageBase }

var funcs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"day": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02")
	},
	"datep": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"or": func(a, b string) string {
		if a == "" {
			return b
		}
		return a
	},
	"join":     strings.Join,
	"verdicts": vigil.Verdicts,
	// ctlurl is a control's page.
	"ctlurl": controlURL,
	"add":    func(a, b int) int { return a + b },
	"can":    func(u *vigil.User, p string) bool { return u != nil && u.Role.Can(vigil.Permission(p)) },
	// field names an inventory field for people; devref a device with its
	// context, for the "devref" and "devctx" partials.
	"field":  fieldTitle,
	"devref": refOf,
}

// parseTemplates parses each page together with the layout and the shared
// partials (charts.html, asof.html, list.html), once, at start.
func parseTemplates() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" || name == "charts" || name == "asof" || name == "list" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/charts.html", "templates/asof.html", "templates/list.html", n)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		out[name] = t
	}
	return out, nil
}

// render executes a page into a buffer first, so a template error never
// sends half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	b := p.base()
	b.User = userFrom(r.Context())
	if sess := sessionFrom(r.Context()); sess != nil {
		b.CSRF = sess.CSRFToken
	}
	if b.Title == "" {
		b.Title = "Vigil"
	}
	b.Flash = s.takeFlash(w, r)
	t := s.tmpl[name]
	var buf bytes.Buffer
	if t == nil {
		s.log.Error("no template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if err := t.Execute(&buf, p); err != nil {
		s.log.Error("template failed", "name", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// pager is where a paged list is and the links to its neighbours.
type pager struct {
	Page, Pages      int
	PrevURL, NextURL string
}

// pageLinks returns the pager of page pg of total items, size a page, its
// links being r's URL with another page number.
func pageLinks(r *http.Request, pg, total, size int) pager {
	p := pager{Page: pg, Pages: max(1, (total+size-1)/size)}
	link := func(n int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return r.URL.Path + "?" + q.Encode()
	}
	if pg > 1 {
		p.PrevURL = link(pg - 1)
	}
	if pg < p.Pages {
		p.NextURL = link(pg + 1)
	}
	return p
}

func (s *Server) static(w http.ResponseWriter, r *http.Request) error {
	sub, _ := fs.Sub(staticFS, "static")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	http.StripPrefix("/static/", http.FileServerFS(sub)).ServeHTTP(w, r)
	return nil
}

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS
